package portal_test

import (
	"net/http"
	"net/http/httptest"
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

// benchHit serves path from the page cache b.N times with header (name,
// value pairs) and reports the allocations per request.
func benchHit(b *testing.B, path string, want int, header ...string) {
	e := newEnv(b)
	seed(b, e)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = "localhost"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := &sink{h: http.Header{}}
	e.portal.ServeHTTP(w, req) // renders and stores it
	w.status = 0
	e.portal.ServeHTTP(w, req)
	if w.status != want && !(w.status == 0 && want == http.StatusOK) {
		b.Fatalf("GET %s: %d, want %d", path, w.status, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		e.portal.ServeHTTP(w, req)
	}
}

// BenchmarkCachedPage is the page cache's hit path: go test -run '^$'
// -bench CachedPage -benchmem ./gateway/internal/portal (docs/BENCHMARKS.md).
func BenchmarkCachedPage(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchHit(b, "/vi/", http.StatusOK) })
	b.Run("gzip", func(b *testing.B) { benchHit(b, "/vi/", http.StatusOK, "Accept-Encoding", "gzip, deflate, br") })
	b.Run("item", func(b *testing.B) { benchHit(b, "/vi/sotttt/le-hoi-bien", http.StatusOK) })
}
