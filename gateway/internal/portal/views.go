package portal

import (
	"net/http"
	"strings"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/viewcount"
)

// Page views (Article 5.2.h): every page of the portal served from the page
// cache is counted in memory (viewcount, no lock and no allocation for a
// page seen before that day) under its cache key; the counts are written
// to the hub in batches by a viewcount.Flusher, which asks ViewPage what
// page a key is.

// countView counts a view of the page answered for r under the page cache
// key: a GET of an HTML page of status 200 (its 304 too: a revisit). Any
// path serving cached pages (cachedAs, a fast path for cache hits) calls
// it after writing the answer.
func (s *Server) countView(r *http.Request, key string, p *pagecache.Page) {
	if s.cfg.Views == nil || r.Method != http.MethodGet || p.Status != http.StatusOK {
		return
	}
	if !isHTML(p) {
		return
	}
	s.cfg.Views.View(key, r.Header.Get("User-Agent"))
}

// maxViewPath bounds the path recorded (page_views.path).
const maxViewPath = 1000

// ViewPage tells the page a counted key stands for (a viewcount.Resolver):
// the tenant whose site it belongs to (its own host's, or the tenant of a
// provincial path /{lang}/{tenant}/...; "" for the provincial portal's own
// pages), its language, and its path without host, query or print suffix.
func (s *Server) ViewPage(key string) (viewcount.Page, bool) {
	reg := s.currentRegistry()
	host, path := "", key
	if i := strings.Index(key, "://"); i >= 0 {
		rest := key[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return viewcount.Page{}, false
		}
		host, path = rest[:j], rest[j:]
	}
	if i := strings.IndexAny(path, "?;"); i >= 0 {
		path = path[:i]
	}
	lang, rest, ok := langPath(path)
	if !ok {
		return viewcount.Page{}, false
	}
	p := viewcount.Page{Lang: lang, Path: cut(path, maxViewPath)}
	if reg == nil {
		return p, true
	}
	if name, _, ok := splitHost(host); ok && host != "" {
		if id, onSite := reg.hosts[name]; onSite {
			p.Tenant = id
			return p, true
		}
	}
	seg, _, _ := strings.Cut(rest, "/")
	if _, ok := reg.tenants[seg]; ok {
		p.Tenant = seg
	}
	return p, true
}
