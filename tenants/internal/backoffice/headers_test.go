package backoffice

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules/htmlcheck"
	"github.com/portalhub/portalhub/services/lifecycle"
)

// TestSecurityHeadersOnEveryPageType: every kind of back-office answer
// carries the ASVS 5.0 level 2 headers (a CSP without 'unsafe-inline' and
// with frame-ancestors 'none', Referrer-Policy same-origin, nosniff, HSTS
// over HTTPS only, as a trusted proxy says it), and no page holds what that
// CSP blocks (inline script or style, event-handler attributes), which
// would break it silently (issue 12 point 4).
func TestSecurityHeadersOnEveryPageType(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	if _, err := f.store.Approve(t.Context(), storeArticle("tin-1", "Tin một")); err != nil {
		t.Fatal(err)
	}
	anon, admin, editor := f.browser(), f.login("quantri"), f.login("bientap")
	_, doc := admin.get("/")
	css := doc.Find(`link[rel=stylesheet]`).AttrOr("href", "")
	js := doc.Find(`script[src]`).AttrOr("src", "")
	pages := []struct {
		name, path string
		b          *browser
		status     int
		html       bool
	}{
		{"login", "/dang-nhap", anon, 200, true},
		{"login needed", "/noi-dung", anon, 303, false},
		{"dashboard", "/", admin, 200, true},
		{"items", "/noi-dung", admin, 200, true},
		{"new article", "/noi-dung/moi?kind=article", editor, 200, true},
		{"new legal document", "/noi-dung/moi?kind=legal", editor, 200, true},
		{"new dataset", "/noi-dung/moi?kind=dataset", editor, 200, true},
		{"item", "/noi-dung/tin-1", admin, 200, true},
		{"edit", "/noi-dung/tin-1/sua", editor, 200, true},
		{"not delivered", "/chua-gui", admin, 200, true},
		{"questions inbox", "/hop-thu", editor, 200, true},
		{"royalties", "/nhuan-but", admin, 200, true},
		{"royalties csv", "/nhuan-but.csv", admin, 200, false},
		{"accounts", "/quan-tri/tai-khoan", admin, 200, true},
		{"audit log", "/quan-tri/nhat-ky", admin, 200, true},
		{"password", "/mat-khau", admin, 200, true},
		{"API tokens", "/ma-truy-cap-api", admin, 200, true},
		{"not found", "/khong-co", admin, 404, true},
		{"stylesheet", css, anon, 200, false},
		{"script", js, anon, 200, false},
	}
	for _, p := range pages {
		if p.path == "" {
			t.Errorf("%s: no address found on the dashboard", p.name)
			continue
		}
		got := p.b.getRaw(p.path)
		if got.resp.StatusCode != p.status {
			t.Errorf("%s %s: status %d, want %d", p.name, p.path, got.resp.StatusCode, p.status)
			continue
		}
		h := got.resp.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "object-src 'none'") {
			t.Errorf("%s: CSP %q", p.name, csp)
		}
		for name, want := range map[string]string{"Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "DENY", "Strict-Transport-Security": ""} {
			if v := h.Get(name); v != want {
				t.Errorf("%s: %s = %q, want %q", p.name, name, v, want)
			}
		}
		if p.html {
			if found := htmlcheck.Inline(string(got.body)); len(found) > 0 {
				t.Errorf("%s: the page holds what its CSP blocks: %v", p.name, found)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+p.path, nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		if v := p.b.do(req).resp.Header.Get("Strict-Transport-Security"); v != lifecycle.StrictTransportSecurity {
			t.Errorf("%s over HTTPS (trusted proxy): HSTS %q", p.name, v)
		}
	}
	// Anyone else's X-Forwarded-Proto is not believed.
	g := newFixture(t)
	req, _ := http.NewRequest(http.MethodGet, g.srv.URL+"/dang-nhap", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	if v := g.browser().do(req).resp.Header.Get("Strict-Transport-Security"); v != "" {
		t.Errorf("X-Forwarded-Proto from an untrusted peer: HSTS %q", v)
	}
}
