package lifecycle

import (
	"net/http"
	"net/netip"
	"strings"
)

// SecurityHeaders sets on h the headers every page of the project carries
// (the public portal's and the back office's), as OWASP ASVS 5.0 level 2
// asks: the page's Content-Security-Policy csp (no 'unsafe-inline': pages
// load their scripts and styles from files, and must say frame-ancestors
// 'none'), its Referrer-Policy referrer (the portal tells other sites its
// origin; the back office, "same-origin", keeps its addresses to itself),
// no framing, no type sniffing, none of the browser's powerful features,
// and a browsing context of its own. Strict-Transport-Security depends on
// the request: TransportSecurity.
func SecurityHeaders(h http.Header, csp, referrer string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", referrer)
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// StrictTransportSecurity is the HSTS policy of every answer over HTTPS:
// two years (ASVS asks at least one), and every subdomain, as the
// sub-portals' own host names are (sodulich.khanhhoa.gov.vn).
const StrictTransportSecurity = "max-age=63072000; includeSubDomains"

// TransportSecurity sets Strict-Transport-Security on h when the answer
// goes over HTTPS (see HTTPS). Over plain HTTP it is left out: browsers
// ignore it there, and a development server on http://localhost must not
// look as if it pinned HTTPS.
func TransportSecurity(h http.Header, https bool) {
	if https {
		h.Set("Strict-Transport-Security", StrictTransportSecurity)
	}
}

// HTTPS reports whether r reached the server over HTTPS: TLS on its own
// connection, or a reverse proxy among trusted (the configured proxies'
// addresses) that says so in X-Forwarded-Proto (its last value, the one the
// nearest proxy set). Anyone else's X-Forwarded-Proto is not believed.
func HTTPS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	if len(trusted) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	peer := ap.Addr().Unmap()
	for _, p := range trusted {
		if p.Contains(peer) {
			vals := strings.Split(strings.Join(r.Header.Values("X-Forwarded-Proto"), ","), ",")
			return strings.EqualFold(strings.TrimSpace(vals[len(vals)-1]), "https")
		}
	}
	return false
}
