package portal

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
)

// The portal builds every redirect to one of its own pages itself, from a
// cleaned path, and checks it with localPath before sending it: gin's
// trailing-slash and fixed-path redirects are off (they answered
// GET //evil.example with Location: //evil.example/, which a browser
// follows to another site, and trusted X-Forwarded-Prefix).

// otherSite reports whether a request path would read, in a browser's
// address bar, as the start of another site's address: "//host" or "/\host"
// (browsers treat a backslash as a slash). c.Request.URL.Path is decoded, so
// the encoded forms (/%2F, /%5C) are caught too. Such paths are a 404.
func otherSite(p string) bool {
	return strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`)
}

// refuseOtherSite answers the 404 page for paths that read as another
// site's address, before anything could build a redirect from them.
func (s *Server) refuseOtherSite(c *gin.Context) {
	if otherSite(c.Request.URL.Path) {
		s.errorPage(c, errNotFound)
		c.Abort()
		return
	}
	c.Next()
}

// localPath escapes a path of the portal for a Location header and reports
// whether it is safe there: it starts with one slash and no second slash
// or backslash, so it can only name a page of this site. Escaping turns
// control characters, spaces and backslashes into %XX, which browsers do
// not strip or read as slashes.
func localPath(p string) (string, bool) {
	esc := (&url.URL{Path: p}).EscapedPath()
	if !strings.HasPrefix(esc, "/") || otherSite(esc) {
		return "", false
	}
	return esc, true
}

// redirectLocal answers a redirect to a path of the portal (unescaped;
// query a raw query string or ""), or the 404 page when the path is not
// safe in a Location header (see localPath).
func (s *Server) redirectLocal(c *gin.Context, code int, p, query string) {
	if site, ok := siteOf(c.Request); ok {
		// On a tenant's host, its pages' paths lack its id (hostsite.go).
		if lang, rest, ok := langPath(p); ok {
			if after, ok := strings.CutPrefix(rest, site.tenant+"/"); ok {
				p = "/" + lang + "/" + after
			}
		}
	}
	loc, ok := localPath(p)
	if !ok {
		s.errorPage(c, errNotFound)
		return
	}
	if query != "" {
		loc += "?" + query
	}
	c.Redirect(code, loc)
}

// trailingSlash is the target of the redirect that adds or removes a
// trailing slash to reach a page: /{lang} and /{lang}/{tenant} gain one,
// /{lang}/{tenant}/{slug}/ loses it (answered by tenantSection, when {slug}
// is no category's). Only paths whose segments could name something and
// whose first is a language qualify.
func trailingSlash(p string) (string, bool) {
	if otherSite(p) || !strings.HasPrefix(p, "/") {
		return "", false
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	slash := segs[len(segs)-1] == ""
	if slash {
		segs = segs[:len(segs)-1]
	}
	if len(segs) == 0 || !i18n.Supported(segs[0]) {
		return "", false
	}
	for _, seg := range segs {
		if seg == "" || seg == "." || seg == ".." || !plausibleParam(seg) {
			return "", false
		}
	}
	switch {
	case !slash && len(segs) <= 2:
		return p + "/", true
	case slash && len(segs) == 3:
		return strings.TrimSuffix(p, "/"), true
	}
	return "", false
}

// notFound answers requests that match no route: the trailing-slash
// redirect when adding or removing the slash reaches a page, else the 404
// page.
func (s *Server) notFound(c *gin.Context) {
	if to, ok := trailingSlash(c.Request.URL.Path); ok && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		s.redirectLocal(c, http.StatusMovedPermanently, to, c.Request.URL.RawQuery)
		return
	}
	s.errorPage(c, errNotFound)
}
