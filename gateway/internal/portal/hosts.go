package portal

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/lifecycle"
)

// The portal answers only for the host names it is configured with, and
// believes forwarded headers only from the proxies it is configured with.
// Before, any Host made its own cache entries (anyone could fill the page
// cache and evict the real pages) and any client chose the scheme of the
// links with X-Forwarded-Proto.

// loopbackNames are served when no public URL is set (development): `make
// run` and the tests open the portal on them.
var loopbackNames = []string{"localhost", "127.0.0.1", "::1"}

// errMisdirected answers a request for a host the portal does not serve.
// 421 rather than a redirect to the canonical host: a misconfigured DNS
// name or proxy shows up at once instead of being papered over, and names
// that should redirect (an old domain) are the proxy's job.
var errMisdirected = &pageError{status: http.StatusMisdirectedRequest, titleID: "error.misdirected.title",
	textID: "error.misdirected.text"}

// hostNames builds the set of host names served: the public URL's host
// and extra (ports ignored), or, without a public URL, the loopback names
// and extra.
func hostNames(publicURL string, extra []string) (map[string]bool, error) {
	names := map[string]bool{}
	if publicURL == "" {
		for _, n := range loopbackNames {
			names[n] = true
		}
	} else {
		u, err := url.Parse(publicURL)
		if err != nil {
			return nil, err
		}
		name, _, ok := splitHost(u.Host)
		if !ok {
			return nil, fmt.Errorf("public URL %q: bad host", publicURL)
		}
		names[name] = true
	}
	for _, h := range extra {
		name, _, ok := splitHost(h)
		if !ok {
			return nil, fmt.Errorf("host %q: want a host name, IPv4 or [IPv6] address, with an optional port", h)
		}
		names[name] = true
	}
	return names, nil
}

// splitHost splits a Host header (name, name:port, [v6] or [v6]:port) into
// its lowercased name, without brackets, and its port.
func splitHost(h string) (name, port string, ok bool) {
	h = strings.ToLower(h)
	if !validHost(h) {
		return "", "", false
	}
	name = h
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", "", false
		}
		name, port = h[1:end], h[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return "", "", false
		}
		port = strings.TrimPrefix(port, ":")
		if _, err := netip.ParseAddr(name); err != nil {
			return "", "", false
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i+1:]
	}
	if name == "" || strings.ContainsAny(name, "[]") || (!strings.HasPrefix(h, "[") && strings.Contains(name, ":")) {
		return "", "", false
	}
	for _, r := range port {
		if r < '0' || r > '9' {
			return "", "", false
		}
	}
	return name, port, true
}

// servesHost reports whether the portal answers for the request's Host:
// its name is one of the configured names. Without a public URL, pages
// carry the request's origin and are cached by it, so a port, when given,
// must also be the one the request came in on (else every port would make
// its own cache entries). The tenants' own host names (tenant_hosts, kept
// in the registry) are served too: their sites (hostsite.go).
func (s *Server) servesHost(r *http.Request) bool {
	name, port, ok := splitHost(r.Host)
	if !ok {
		return false
	}
	if !s.hosts[name] {
		reg := s.currentRegistry()
		if reg == nil || reg.hosts[name] == "" {
			return false
		}
	}
	// Without a public URL, a loopback name must come with the port the
	// request arrived on (another local service's port is not the portal),
	// unless a trusted proxy forwarded it: the port is the proxy's then.
	if s.cfg.PublicURL == "" && port != "" && !s.fromTrustedProxy(r) {
		if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if _, local, err := net.SplitHostPort(la.String()); err == nil && local != port {
				return false
			}
		}
	}
	return true
}

// checkHost answers 421 for a host the portal does not serve, before
// anything is rendered or cached.
func (s *Server) checkHost(c *gin.Context) {
	// The registry (the tenants' host names, and what the frame of pages
	// shows) is loaded here, before anything renders; without it (the
	// database unreachable at start) pages render without it.
	_, _ = s.registry(c.Request.Context())
	if !s.servesHost(c.Request) {
		s.errorPage(c, errMisdirected)
		c.Abort()
		return
	}
	c.Next()
}

// fromTrustedProxy reports whether the request's peer is a configured
// proxy, whose forwarded headers are believed.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.proxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// scheme is the request's scheme: https on TLS, else the last value of
// X-Forwarded-Proto (the one the nearest proxy set) when the peer is a
// trusted proxy, else http.
func (s *Server) scheme(r *http.Request) string {
	if lifecycle.HTTPS(r, s.proxies) {
		return "https"
	}
	return "http"
}
