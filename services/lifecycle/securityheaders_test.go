package lifecycle

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	h := http.Header{}
	SecurityHeaders(h, "default-src 'self'", "same-origin")
	for name, want := range map[string]string{
		"Content-Security-Policy":    "default-src 'self'",
		"X-Frame-Options":            "DENY",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Permissions-Policy":         "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
		"Cross-Origin-Opener-Policy": "same-origin",
		"Strict-Transport-Security":  "",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestHTTPS: HSTS only over HTTPS, told by TLS or by a trusted proxy's
// X-Forwarded-Proto (its last value), never by anyone else's.
func TestHTTPS(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name, remote string
		tls          bool
		proto        []string
		want         bool
	}{
		{"plain", "192.0.2.1:4000", false, nil, false},
		{"tls", "192.0.2.1:4000", true, nil, true},
		{"untrusted says https", "192.0.2.1:4000", false, []string{"https"}, false},
		{"trusted says https", "10.1.2.3:4000", false, []string{"https"}, true},
		{"trusted, nearest says http", "10.1.2.3:4000", false, []string{"https, http"}, false},
		{"trusted, nearest says https", "10.1.2.3:4000", false, []string{"http", "HTTPS"}, true},
		{"trusted says nothing", "[::ffff:10.1.2.3]:4000", false, nil, false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		for _, p := range c.proto {
			r.Header.Add("X-Forwarded-Proto", p)
		}
		if got := HTTPS(r, proxies); got != c.want {
			t.Errorf("%s: HTTPS = %v, want %v", c.name, got, c.want)
		}
		h := http.Header{}
		TransportSecurity(h, HTTPS(r, proxies))
		if got, want := h.Get("Strict-Transport-Security") != "", c.want; got != want {
			t.Errorf("%s: HSTS set %v, want %v", c.name, got, want)
		}
	}
}
