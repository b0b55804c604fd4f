package lifecycle

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestProfilingOnlyWhenEnabled: the ops mux serves pprof's endpoints only
// with Profiling (PORTALHUB_PPROF).
func TestProfilingOnlyWhenEnabled(t *testing.T) {
	for _, on := range []bool{false, true} {
		o := NewOps()
		o.Profiling = on
		srv := httptest.NewServer(o.Mux())
		for _, path := range []string{"/debug/pprof/", "/debug/pprof/allocs", "/debug/pprof/profile?seconds=1"} {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[on]; resp.StatusCode != want {
				t.Errorf("Profiling %v: GET %s = %d, want %d", on, path, resp.StatusCode, want)
			}
		}
		srv.Close()
	}
}
