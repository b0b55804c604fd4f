package portal

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
)

// The fuzz targets of the gateway's path and host parsing (issue 12 point
// 4); make fuzz explores from the seeds in testdata/fuzz/<name> for a
// bounded time.

// FuzzPaths: whatever path a visitor asks for, a redirect the gateway
// builds from it (the trailing-slash redirect, any local redirect) stays
// on this site: its Location has no scheme or host as a browser reads it
// (backslashes as slashes), and it names the path it was built from.
func FuzzPaths(f *testing.F) {
	f.Fuzz(func(t *testing.T, p string) {
		if loc, ok := localPath(p); ok {
			assertLocal(t, p, loc)
			u, _ := url.Parse(loc)
			if u.Path != p {
				t.Fatalf("localPath(%q) = %q names %q", p, loc, u.Path)
			}
		}
		if to, ok := trailingSlash(p); ok {
			if to != p+"/" && to != strings.TrimSuffix(p, "/") {
				t.Fatalf("trailingSlash(%q) = %q, want the path with or without its final slash", p, to)
			}
			lang, _, _ := strings.Cut(strings.TrimPrefix(to, "/"), "/")
			if !i18n.Supported(lang) {
				t.Fatalf("trailingSlash(%q) = %q, outside a language", p, to)
			}
			loc, ok := localPath(to)
			if !ok {
				t.Fatalf("trailingSlash(%q) = %q, which is no local path", p, to)
			}
			assertLocal(t, p, loc)
		}
		if lang, rest, ok := langPath(p); ok && "/"+lang+"/"+rest != p {
			t.Fatalf("langPath(%q) = %q, %q", p, lang, rest)
		}
		for _, seg := range strings.Split(p, "/") {
			if plausibleParam(seg) && (!utf8.ValidString(seg) || strings.ContainsAny(seg, "\x00\r\n\t\x7f") || len(seg) > maxParamBytes) {
				t.Fatalf("plausibleParam(%q) = true", seg)
			}
		}
	})
}

// assertLocal fails when a browser would read loc, as a Location, as
// another site's address.
func assertLocal(t *testing.T, from, loc string) {
	t.Helper()
	browser := strings.ReplaceAll(loc, `\`, "/")
	u, err := url.Parse(browser)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(loc, "/") || strings.HasPrefix(browser, "//") {
		t.Fatalf("from %q, Location %q reads as another site (%v)", from, loc, err)
	}
	if strings.ContainsAny(loc, "\x00\r\n\t ") {
		t.Fatalf("from %q, Location %q holds control characters or spaces", from, loc)
	}
}

// FuzzHost: a Host header splits into a lower-case name and a port of
// digits, and joined again it splits the same way.
func FuzzHost(f *testing.F) {
	f.Fuzz(func(t *testing.T, h string) {
		name, port, ok := splitHost(h)
		if !ok {
			return
		}
		if name == "" || name != strings.ToLower(name) || strings.ContainsAny(name, "[]/\\@ ") {
			t.Fatalf("splitHost(%q) name %q", h, name)
		}
		for _, r := range port {
			if r < '0' || r > '9' {
				t.Fatalf("splitHost(%q) port %q", h, port)
			}
		}
		joined := name
		if strings.Contains(name, ":") {
			joined = "[" + name + "]"
		}
		if port != "" {
			joined += ":" + port
		}
		if n2, p2, ok2 := splitHost(joined); !ok2 || n2 != name || p2 != port {
			t.Fatalf("splitHost(%q) = %q %q, but splitHost(%q) = %q %q %v", h, name, port, joined, n2, p2, ok2)
		}
	})
}
