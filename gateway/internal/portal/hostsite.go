package portal

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// Sub-portals on their own host names (issue 7 point 2). A tenant with
// host names (tenant_hosts; the demo's sodulich.localhost) has its site
// there: on its host, /{lang}/ is its home, /{lang}/{category-slug}/ its
// section, /{lang}/{slug} its item (and the feeds after them). Its pages
// have one canonical URL, on its primary host; the provincial host's
// /{lang}/{tenant}/... answers 301 there (decided over serving both with a
// canonical link: one URL per page for visitors, caches and search
// engines). A secondary host (tenant_hosts.is_primary false) answers 301
// to the same path and query on the primary.
//
// How: before routing, a request on a tenant's host has its path
// rewritten to the provincial one (/{lang}/{tenant}/...), so every handler
// serves it unchanged; the gateway's own words (reserved words: search,
// files, static, api...) are not rewritten, and the scoped search box
// works there. The page is cached under the tenant host's origin, and the
// links it was rendered with are turned into the tenant site's (see
// hostLinks): its own pages relative to its host, the provincial portal's
// and other sub-portals' absolute on theirs. On the provincial host, links
// to a sub-portal with a host of its own point there directly.

// hostSite is the tenant whose own host a request came in on.
type hostSite struct {
	tenant string
	origin string // scheme://host[:port] of the tenant's site, as requested
}

type hostSiteKey struct{}

// siteOf returns the tenant site of the request, if it came in on one.
func siteOf(r *http.Request) (hostSite, bool) {
	hs, ok := r.Context().Value(hostSiteKey{}).(hostSite)
	return hs, ok
}

// hostRoute maps the request's host to its tenant before routing: it
// rewrites a tenant site's paths (returning the request to serve), or
// answers the 301 from the provincial host to a tenant's own (returning
// nil).
func (s *Server) hostRoute(w http.ResponseWriter, r *http.Request) *http.Request {
	lang, rest, ok := langPath(r.URL.Path)
	var reg *registry
	if ok {
		var err error
		if reg, err = s.registry(r.Context()); err != nil {
			return r
		}
	} else {
		// Outside /{lang}/ only a secondary host's 301 is decided here,
		// from the registry in memory (a static file waits for no load).
		reg = s.currentRegistry()
	}
	if reg == nil || !s.servesHost(r) {
		return r // an unknown host is answered 421 after routing
	}
	name, port, _ := splitHost(r.Host)
	id, onSite := reg.hosts[name]
	if onSite && r.URL.Path != "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		if primary := reg.tenants[id].PrimaryHost(); name != primary {
			// A secondary host: the same address on the primary, one URL
			// per page, sitemap, file and API answer (docs/ARCHITECTURE.md
			// "Gateway URLs"). /healthz answers on any host.
			s.redirectHost(w, r, s.siteOrigin(r, primary, port), r.URL.Path)
			return nil
		}
	}
	if !ok {
		return r
	}
	seg, after, _ := strings.Cut(rest, "/")
	if onSite {
		if seg == id { // its provincial path on its own host: drop the id
			s.redirectHost(w, r, "", "/"+lang+"/"+after)
			return nil
		}
		hs := hostSite{tenant: id, origin: s.siteOrigin(r, reg.tenants[id].PrimaryHost(), port)}
		r2 := r.WithContext(context.WithValue(r.Context(), hostSiteKey{}, hs))
		if seg != "" && reg.reserved[seg] {
			// The gateway's own pages (search, the statements...): served
			// as they are, their links made right for this host.
			return r2
		}
		u := *r.URL
		u.Path = "/" + lang + "/" + id + "/" + rest
		u.RawPath = ""
		r2.URL = &u
		return r2
	}
	if t, ok := reg.tenants[seg]; ok && t.PrimaryHost() != "" && strings.Contains(rest, "/") &&
		t.RetiredPages != retiredRedirect && t.RetiredPages != retiredGone && // answered by lifecycle.go at once
		(r.Method == http.MethodGet || r.Method == http.MethodHead) {
		s.redirectHost(w, r, s.siteOrigin(r, t.PrimaryHost(), port), "/"+lang+"/"+after)
		return nil
	}
	return r
}

// langPath splits /{lang}/{rest} for a supported language.
func langPath(p string) (lang, rest string, ok bool) {
	if len(p) < 4 || p[0] != '/' || p[3] != '/' || !i18n.Supported(p[1:3]) {
		return "", "", false
	}
	return p[1:3], p[4:], true
}

// redirectHost answers 301 to path on origin ("" for the request's own),
// with the request's query, if path is a clean local path.
func (s *Server) redirectHost(w http.ResponseWriter, r *http.Request, origin, path string) {
	loc, ok := localPath(path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", origin+loc)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusMovedPermanently)
}

// siteOrigin is the origin of a tenant's site on host: the public URL's
// scheme and port when one is configured, else the request's (port is the
// request's Host port).
func (s *Server) siteOrigin(r *http.Request, host, port string) string {
	if s.cfg.PublicURL != "" {
		u, _ := url.Parse(s.cfg.PublicURL)
		if p := u.Port(); p != "" {
			return u.Scheme + "://" + host + ":" + p
		}
		return u.Scheme + "://" + host
	}
	if port != "" {
		return s.scheme(r) + "://" + host + ":" + port
	}
	return s.scheme(r) + "://" + host
}

// ownOrigin is the origin of the site r came to: a tenant's site (on
// its primary host) when r's Host is one of the tenant's, even on paths
// outside /{lang}/ that hostRoute leaves alone (/sitemap.xml,
// /robots.txt); else the portal's origin. With a public URL, s.origin is
// the provincial host's whatever the Host, so what a tenant's host answers
// must take its origin from here.
func (s *Server) ownOrigin(r *http.Request) string {
	if site, ok := siteOf(r); ok {
		return site.origin
	}
	if id := s.ownSiteTenant(r); id != "" {
		if reg := s.currentRegistry(); reg != nil {
			if t, ok := reg.tenants[id]; ok && t.PrimaryHost() != "" {
				_, port, _ := splitHost(r.Host)
				return s.siteOrigin(r, t.PrimaryHost(), port)
			}
		}
	}
	return s.origin(r)
}

// provincialOrigin is the provincial portal's origin as seen from a
// request: the public URL, else the request's scheme and port on
// localhost (development).
func (s *Server) provincialOrigin(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	_, port, _ := splitHost(r.Host)
	if port != "" {
		return s.scheme(r) + "://localhost:" + port
	}
	return s.scheme(r) + "://localhost"
}

// localLink matches a link of the portal's in an attribute value: an
// optional origin, the language, the rest of the path.
var localLink = regexp.MustCompile(`="((?:https?://[^"/]+)?)/(vi|en|ru)/([^"]*)"`)

// hostLinks returns render with its page's links made right for the host
// the request came in on (see the top of this file); the identity when
// the request is on the provincial host and no tenant has a host.
func (s *Server) hostLinks(r *http.Request, render func(ctx context.Context) (*pagecache.Render, error)) func(ctx context.Context) (*pagecache.Render, error) {
	site, onSite := siteOf(r)
	reg := s.currentRegistry()
	if reg == nil || (!onSite && len(reg.hosts) == 0) {
		return render
	}
	prov, req := s.provincialOrigin(r), s.origin(r)
	_, port, _ := splitHost(r.Host)
	fix := func(origin, lang, rest string) string {
		if origin != "" && origin != prov && origin != req && (!onSite || origin != site.origin) {
			return "" // elsewhere: leave it
		}
		seg, after, _ := strings.Cut(rest, "/")
		if t, ok := reg.tenants[seg]; ok && strings.Contains(rest, "/") {
			switch {
			case onSite && seg == site.tenant:
				if origin != "" {
					return site.origin + "/" + lang + "/" + after
				}
				return "/" + lang + "/" + after
			case t.PrimaryHost() != "":
				return s.siteOrigin(r, t.PrimaryHost(), port) + "/" + lang + "/" + after
			}
		}
		if !onSite || seg == "search" || strings.HasPrefix(seg, "search?") || seg == "feedback" || strings.HasPrefix(seg, "feedback?") {
			return ""
		}
		return prov + "/" + lang + "/" + rest
	}
	return func(ctx context.Context) (*pagecache.Render, error) {
		out, err := render(ctx)
		if err != nil || out == nil || out.Page == nil {
			return out, err
		}
		p := out.Page
		if loc := p.Header.Get("Location"); loc != "" {
			if m := localLink.FindStringSubmatch(`="` + loc + `"`); m != nil {
				if to := fix(m[1], m[2], m[3]); to != "" {
					p.Header.Set("Location", to)
				}
			}
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			return out, nil
		}
		body := localLink.ReplaceAllFunc(p.Body, func(m []byte) []byte {
			sub := localLink.FindSubmatch(m)
			to := fix(string(sub[1]), string(sub[2]), string(sub[3]))
			if to == "" {
				return m
			}
			return []byte(`="` + to + `"`)
		})
		np := pagecache.NewPage(p.Status, p.Header.Get("Content-Type"), body)
		for k, vs := range p.Header {
			if k != "Etag" {
				np.Header[k] = vs
			}
		}
		out.Page = np
		return out, nil
	}
}
