package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portalhub/portalhub/services/lifecycle"
)

// TestMetricsOnlyOnTheOpsListener: the sub-portal's public port (back
// office, API) answers the probes but not /metrics, which its ops listener
// (SUBPORTAL_OPS_ADDR) serves with the probes (issue 12 point 4).
func TestMetricsOnlyOnTheOpsListener(t *testing.T) {
	public := http.NewServeMux()
	opsHandler := opsRoutes(public, lifecycle.NewOps())
	for _, c := range []struct {
		name string
		h    http.Handler
		path string
		want int
	}{
		{"public", public, "/metrics", http.StatusNotFound},
		{"public", public, "/healthz", http.StatusOK},
		{"public", public, "/readyz", http.StatusOK},
		{"ops", opsHandler, "/metrics", http.StatusOK},
		{"ops", opsHandler, "/readyz", http.StatusOK},
		{"ops", opsHandler, "/healthz", http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		c.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.name, c.path, rec.Code, c.want)
		}
	}
}
