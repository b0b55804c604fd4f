package portal_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// sink is a ResponseWriter that keeps nothing and reuses its header map, so
// that a benchmark counts the portal's own work and allocations on a
// request, not those of a recorder (net/http makes a fresh map per request).
type sink struct {
	h      http.Header
	status int
	n      int
}

func (s *sink) Header() http.Header         { return s.h }
func (s *sink) WriteHeader(code int)        { s.status = code }
func (s *sink) Write(b []byte) (int, error) { s.n += len(b); return len(b), nil }

// benchHit serves req from the page cache b.N times and reports the
// allocations per request.
func benchHit(b *testing.B, req *http.Request, want int) {
	e := newEnv(b)
	seed(b, e)
	req.Host = "localhost"
	w := &sink{h: http.Header{}}
	e.portal.ServeHTTP(w, req) // renders and stores it
	w.status = 0
	e.portal.ServeHTTP(w, req)
	if w.status != want && !(w.status == 0 && want == http.StatusOK) {
		b.Fatalf("GET %s: %d, want %d", req.URL.Path, w.status, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		e.portal.ServeHTTP(w, req)
	}
}

func get(path string, header ...string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// BenchmarkCachedPage is the page cache's hit path: go test -run '^$'
// -bench CachedPage -benchmem ./gateway/internal/portal (docs/BENCHMARKS.md).
// "gin" is a hit that does not take the fast path (a GET with a body never
// does): the router, its middlewares and the handler, as every hit went
// before the fast path.
func BenchmarkCachedPage(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchHit(b, get("/vi/"), http.StatusOK) })
	b.Run("br", func(b *testing.B) { benchHit(b, get("/vi/", "Accept-Encoding", "gzip, deflate, br"), http.StatusOK) })
	b.Run("item", func(b *testing.B) { benchHit(b, get("/vi/sotttt/le-hoi-bien"), http.StatusOK) })
	b.Run("304", func(b *testing.B) { benchHit(b, get("/vi/", "If-None-Match", "*"), http.StatusNotModified) })
	b.Run("gin", func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/vi/", strings.NewReader("x"))
		benchHit(b, req, http.StatusOK)
	})
}
