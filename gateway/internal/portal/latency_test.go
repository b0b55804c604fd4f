package portal_test

import (
	"net/http"
	"testing"
	"time"
)

// Requests that reach the router are timed by route (issue 10 point 10:
// request latency histograms); the fast path's hits are counted only.
func TestRoutedRequestsAreTimed(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	timed := func() uint64 {
		mfs, err := e.ops.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != "portalhub_gateway_http_request_seconds" {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "route" && l.GetValue() == "/:lang/" {
						return m.GetHistogram().GetSampleCount()
					}
				}
			}
		}
		return 0
	}
	if res, _ := e.raw(t, http.MethodGet, "/vi/"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /vi/: %d", res.StatusCode)
	}
	// The router times a request after its answer is written.
	for i := 0; i < 500 && timed() < 1; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := timed(); n != 1 {
		t.Fatalf("after the router's answer: %d samples of /:lang/, want 1", n)
	}
	fast := e.counter(t, "portalhub_gateway_http_fast_path_total")
	e.raw(t, http.MethodGet, "/vi/")
	if e.counter(t, "portalhub_gateway_http_fast_path_total") != fast+1 {
		t.Skip("the second request did not take the fast path")
	}
	if n := timed(); n != 1 {
		t.Errorf("a fast path hit was timed: %d samples, want 1", n)
	}
}
