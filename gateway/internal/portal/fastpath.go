package portal

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The fast path of cache hits (issue 11 point 1). A page served from the
// page cache goes through Gin, five middlewares, the host routing and its
// handler only to compute its cache key: about 3.6 µs and 19 allocations a
// request, several times the cost of writing the page. So ServeHTTP first
// looks the request up in the fast index, which remembers, for each request
// already served a cached page, the cache key its handler chose; when the
// page under that key is one the cache answers without a render (a fresh
// hit, or an aggregate page served stale while its successor renders:
// pagecache.Cache.Peek), it is sent from its prepared form (sendForm)
// without routing: a map lookup under a read lock, the cache's read lock
// and one write, no allocation.
//
// This is right because a handler's choice of cache key for a request
// depends only on what the fast key holds (method class GET/HEAD, whether
// TLS, the local port when no public URL is set, X-Forwarded-Proto from a
// trusted proxy, Host, the request target with its query) and on the
// registry of tenants and categories (host names, reserved words, section
// slugs). The index records the registry it was learnt under and is not
// believed under another one, nor once the registry is due for its
// refresh (fastReg is then cleared; the slow path reloads it). Everything else a handler
// decides (an item's state, redirects, takedowns) is in the page it
// renders, which the cache drops or marks stale on the hub's events as
// ever: Peek answers only pages Fetch would answer as a Hit. A request
// with a body, or an unusual one (a request target longer than
// maxFastKey, several X-Forwarded-Proto fields), takes the slow path.
//
// The index is bounded (maxFastEntries; when full it is emptied and
// learnt again), as query strings make request targets unbounded.

// maxFastKey bounds a fast key (and so the request targets the fast path
// serves) in bytes; the key is built in a buffer of this size on the stack.
const maxFastKey = 512

// maxFastEntries bounds the fast index: about 10 MB at most.
const maxFastEntries = 20_000

type fastEntry struct {
	key string    // the page cache key the handler chose
	reg *registry // the registry it chose it under
	// The counters of its route (portalhub_gateway_http_requests_total),
	// looked up once, when learnt.
	served, notModified prometheus.Counter
	route               string
}

type fastIndex struct {
	mu sync.RWMutex
	m  map[string]fastEntry
}

// fastLearn is what the slow path carries in the request's context for the
// handler to record (learnFast): the request's fast key and the registry
// current when it arrived.
type fastLearn struct {
	key string
	reg *registry
}

type fastLearnKey struct{}

// appendFastKey appends the request's fast key to b, and reports whether
// the request may take the fast path at all.
func (s *Server) appendFastKey(b []byte, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || r.ContentLength != 0 ||
		len(r.TransferEncoding) > 0 || r.RequestURI == "" {
		return b, false
	}
	if r.TLS != nil {
		b = append(b, 's')
	} else {
		b = append(b, '-')
	}
	if s.cfg.PublicURL == "" {
		// servesHost compares the Host's port with the local one.
		if la, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
			b = strconv.AppendInt(b, int64(la.Port), 10)
		}
	}
	b = append(b, ' ')
	if xfp := r.Header["X-Forwarded-Proto"]; len(xfp) > 0 && len(s.proxies) > 0 {
		if len(xfp) > 1 {
			return b, false
		}
		if s.fromTrustedProxy(r) {
			b = append(b, xfp[0]...)
		}
	}
	b = append(b, ' ')
	b = append(b, r.Host...)
	b = append(b, ' ')
	b = append(b, r.RequestURI...)
	return b, len(b) <= maxFastKey
}

// serveFast answers a request from the fast index and the page cache when
// it can (see above), and reports whether it did. When it did not, it
// returns the request to serve, carrying what learnFast records.
func (s *Server) serveFast(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	var buf [maxFastKey]byte
	k, ok := s.appendFastKey(buf[:0], r)
	if !ok {
		return r, false
	}
	reg := s.fastReg.Load()
	if reg == nil { // none yet, the last load failed, or due for refresh
		return r, false // the slow path (re)loads it
	}
	s.fast.mu.RLock()
	fe, found := s.fast.m[string(k)]
	s.fast.mu.RUnlock()
	if found && fe.reg == reg {
		if a, ok := s.cfg.Cache.Peek(fe.key); ok && a.Page.Forms[pagecache.Identity] != nil {
			sampled := s.sampled()
			var start time.Time
			if sampled {
				start = time.Now()
			}
			status, n := sendForm(w, r, a.Page, a.Keep)
			if status == http.StatusNotModified {
				fe.notModified.Inc()
			} else {
				fe.served.Inc()
			}
			s.fastHits.Inc()
			s.countView(r, fe.key, a.Page)
			if sampled {
				s.logHit(r, a.Source, fe.route, status, n, start)
			}
			return r, true
		}
	}
	return r.WithContext(context.WithValue(r.Context(), fastLearnKey{}, fastLearn{key: string(k), reg: reg})), false
}

// learnFast records in the fast index the cache key the handler chose for
// the request, when the answer was a page the fast path may serve again
// (a prepared page that others may keep, found or just stored).
func (s *Server) learnFast(r *http.Request, route, key string, a pagecache.Answer) {
	stored := a.Source == pagecache.Stale || a.Keep && (a.Source == pagecache.Hit || a.Source == pagecache.Rendered)
	if !stored || a.Page.Forms[pagecache.Identity] == nil {
		return
	}
	l, ok := r.Context().Value(fastLearnKey{}).(fastLearn)
	if !ok {
		return
	}
	fe := fastEntry{key: key, reg: l.reg, route: route,
		served: s.requests.WithLabelValues(route, "200"), notModified: s.requests.WithLabelValues(route, "304")}
	s.fast.mu.Lock()
	if s.fast.m == nil || len(s.fast.m) >= maxFastEntries {
		s.fast.m = make(map[string]fastEntry, 1024)
	}
	s.fast.m[l.key] = fe
	s.fast.mu.Unlock()
}

// sendForm sends the form of a prepared page the request's Accept-Encoding
// asks for: 304 with its NotModified headers when If-None-Match names the
// form's ETag, else 200 with its headers and (but to HEAD) its bytes.
// keep false (a page others may not keep) sends Cache-Control: no-store.
// It returns the status and the number of body bytes sent.
func sendForm(w http.ResponseWriter, r *http.Request, p *pagecache.Page, keep bool) (status, n int) {
	f := p.Negotiate(r)
	status = http.StatusOK
	if pagecache.NotModified(r, f.ETag) {
		status = http.StatusNotModified
	}
	h := w.Header()
	f.WriteHeaders(h, status == http.StatusNotModified)
	if !keep {
		h["Cache-Control"] = noStore
	}
	w.WriteHeader(status)
	if status == http.StatusOK && r.Method != http.MethodHead {
		n, _ = w.Write(f.Body)
	}
	return status, n
}

var noStore = []string{"no-store"}

// sampled reports whether this answer from the page cache is one of the one
// in AccessLogSample that are logged (the counts are in
// portalhub_gateway_http_requests_total and the page cache's metrics): a
// synchronous log write per hit cost more than the hit.
func (s *Server) sampled() bool {
	return s.cfg.AccessLogSample <= 1 || rand.IntN(s.cfg.AccessLogSample) == 0
}

// logHit writes the access log line of a sampled answer from the page cache
// (a hit, or a stale page served while its successor renders).
func (s *Server) logHit(r *http.Request, source pagecache.Source, route string, status, bytes int, start time.Time) {
	s.cfg.Log.Info().Str("cache", string(source)).Str("method", r.Method).Str("path", r.URL.Path).
		Str("route", route).Int("status", status).Int("bytes", bytes).Dur("duration", time.Since(start)).
		Int("sampled_one_in", max(s.cfg.AccessLogSample, 1)).Msg("request")
}
