package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/services/contentrules/htmlcheck"
	"github.com/portalhub/portalhub/services/lifecycle"
)

// TestSecurityHeadersOnEveryPageType is the table of OWASP ASVS 5.0 level 2
// headers over every kind of answer of the portal (issue 12 point 4): a CSP
// without 'unsafe-inline' and with frame-ancestors 'none', Referrer-Policy,
// nosniff; HSTS over HTTPS only (a trusted proxy's X-Forwarded-Proto, not
// anyone's); and in every HTML page nothing that CSP would block (inline
// script or style, event-handler attributes), which would break the page
// silently. Pages answered from the page cache carry them as the first
// answer did.
func TestSecurityHeadersOnEveryPageType(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	pdf := seed(t, e)
	pages := []struct {
		name, path string
		status     int
		html       bool
	}{
		{"home", "/vi/", 200, true},
		{"home en", "/en/", 200, true},
		{"sub-portal home", "/ru/sotttt/", 200, true},
		{"section", "/vi/van-ban-phap-luat/", 200, true},
		{"sub-portal section", "/vi/sotttt/tin-tuc-su-kien/", 200, true},
		{"article", "/vi/sotttt/le-hoi-bien", 200, true},
		{"legal document", "/en/sotttt/quyet-dinh-15", 200, true},
		{"organisation unit", "/en/sotttt/ban-giam-doc", 200, true},
		{"procurement notice", "/vi/sotttt/goi-thau-1", 200, true},
		{"withdrawn", "/en/sotttt/thong-bao-cu", 200, true},
		{"print view", "/vi/sotttt/le-hoi-bien?print=1", 200, true},
		{"search", "/vi/search?q=l%E1%BB%85+h%E1%BB%99i", 200, true},
		{"search, bad filter", "/vi/search?q=x&from=2026-13-45", 400, true},
		{"portals", "/vi/portals/", 200, true},
		{"accessibility", "/vi/accessibility", 200, true},
		{"privacy", "/en/privacy", 200, true},
		{"feeds", "/vi/feeds", 200, true},
		{"developers", "/en/developers", 200, true},
		{"feedback form", "/vi/feedback", 200, true},
		{"feedback status", "/vi/feedback/status", 200, true}, // Referrer-Policy no-referrer: its URL holds a code
		{"subscribe form", "/vi/subscribe", 200, true},
		{"subscription link", "/en/subscribe/confirm?t=khong-co", 200, true}, // no-referrer: its URL holds a token
		{"gone", "/vi/sotttt/bai-xoa", 410, true},
		{"taken down", "/en/nhatrang/vi-pham", 451, true},
		{"not found", "/vi/khong-co/trang-nay", 404, true},
		{"rss", "/vi/rss.xml", 200, false},
		{"sitemap", "/sitemap.xml", 200, false},
		{"robots", "/robots.txt", 200, false},
		{"opensearch", "/opensearch.xml", 200, false},
		{"api", "/api/v1/tenants", 200, false},
		{"attachment", "/files/sotttt/le-hoi/" + pdf, 200, false},
		{"health", "/healthz", 200, false},
	}
	get := func(t *testing.T, path string, header ...string) (*http.Response, string) {
		t.Helper()
		return e.getBody(t, path, header...)
	}
	for _, p := range pages {
		for _, round := range []string{"first", "again"} { // the second may come from the page cache
			res, body := get(t, p.path)
			if res.StatusCode != p.status {
				t.Errorf("%s %s (%s): status %d, want %d", p.name, p.path, round, res.StatusCode, p.status)
				continue
			}
			h := res.Header
			csp := h.Get("Content-Security-Policy")
			if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
				!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "object-src 'none'") {
				t.Errorf("%s (%s): CSP %q", p.name, round, csp)
			}
			referrer := "strict-origin-when-cross-origin"
			if p.name == "feedback status" || p.name == "subscription link" {
				referrer = "no-referrer"
			}
			for name, want := range map[string]string{"Referrer-Policy": referrer,
				"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Strict-Transport-Security": ""} {
				if got := h.Get(name); got != want {
					t.Errorf("%s (%s): %s = %q, want %q", p.name, round, name, got, want)
				}
			}
			if p.html {
				if found := htmlcheck.Inline(body); len(found) > 0 {
					t.Errorf("%s: the page holds what its CSP blocks: %v", p.name, found)
				}
			}
		}
		// Behind the trusted proxy that terminates TLS: HSTS, the cached
		// page too; anyone else's X-Forwarded-Proto is not believed.
		res, _ := get(t, p.path, "X-Forwarded-Proto", "https")
		if got := res.Header.Get("Strict-Transport-Security"); got != lifecycle.StrictTransportSecurity {
			t.Errorf("%s over HTTPS (trusted proxy): HSTS %q", p.name, got)
		}
	}
	untrusted := newEnv(t)
	if res, _ := untrusted.getBody(t, "/vi/", "X-Forwarded-Proto", "https"); res.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("X-Forwarded-Proto from an untrusted peer: HSTS %q", res.Header.Get("Strict-Transport-Security"))
	}
}
