package federation

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestProxyGatewaysUnavailable: through the rendered deploy/nginx
// template, a 503 from one gateway is retried on the other, so visitors
// see none; a 503 both gateways answer (the database they share restarting)
// reaches visitors as the gateways' own answer, with its Retry-After, and
// does not make nginx take both gateways out of its upstream: the first
// requests after they answer again are served, where max_fails=1 had
// answered everyone 502 ("no live upstreams") for fail_timeout after it
// (issue 12 point 2).
func TestProxyGatewaysUnavailable(t *testing.T) {
	var down [2]atomic.Bool
	var addrs [2]string
	for i := range addrs {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down[i].Load() {
				w.Header().Set("Retry-After", "5")
				http.Error(w, "database unavailable", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintf(w, "gateway-%d", i+1)
		}))
		t.Cleanup(srv.Close)
		addrs[i] = srv.Listener.Addr().String()
	}
	f := startTestProxyTo(t, nil, nil, addrs[0], addrs[1])
	url := "http://" + f.Topology.ProxyHTTP + "/vi/"
	c := clientFrom("127.0.0.1", nil) // exempt from the per-client limits (RATE_EXEMPT)

	down[0].Store(true)
	for i := range 40 {
		if code := status(t, c, http.MethodGet, url); code != http.StatusOK {
			t.Fatalf("request %d while gateway-1 answers 503: %d, want 200 from gateway-2", i, code)
		}
	}
	down[1].Store(true)
	for i := range 40 {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" {
			t.Fatalf("request %d while both gateways answer 503: %d (Retry-After %q), want their 503 with its Retry-After",
				i, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	down[0].Store(false)
	down[1].Store(false)
	for i := range 40 {
		if code := status(t, c, http.MethodGet, url); code != http.StatusOK {
			t.Fatalf("request %d after both gateways answer again: %d, want 200", i, code)
		}
	}
}
