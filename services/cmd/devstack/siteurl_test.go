package main

import (
	"testing"

	"github.com/portalhub/portalhub/services/internal/federation"
)

func TestSiteURL(t *testing.T) {
	for _, tt := range []struct {
		gateway string
		tenant  federation.Tenant
		want    string
	}{
		{"http://localhost:8080", federation.Tenant{ID: "vp-ubnd"}, "http://localhost:8080/vi/vp-ubnd/"},
		{"http://localhost:8080", federation.Tenant{ID: "so-du-lich", Hosts: []string{"sodulich.localhost"}}, "http://sodulich.localhost:8080/vi/"},
		{"https://khanhhoa.gov.vn", federation.Tenant{ID: "so-du-lich", Hosts: []string{"sodulich.khanhhoa.gov.vn"}}, "https://sodulich.khanhhoa.gov.vn/vi/"},
	} {
		if got := siteURL(tt.gateway, tt.tenant, "vi"); got != tt.want {
			t.Errorf("siteURL(%s, %v) = %s, want %s", tt.gateway, tt.tenant.Hosts, got, tt.want)
		}
	}
}
