package portal_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// serve answers a request whose target is sent as is (as a client that
// does not clean paths would send it), through the portal's handler.
func (e *env) serve(t *testing.T, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Host = e.srv.Listener.Addr().String()
	req.RemoteAddr = "127.0.0.1:40000"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(rec, req)
	return rec
}

// offSite reports why a Location header could send a browser to another
// site, or "" when it stays on the portal. Browsers treat a backslash as a
// slash and drop tabs and newlines, so those count as leaving too.
func offSite(loc string) string {
	if loc == "" {
		return ""
	}
	if strings.ContainsAny(loc, "\\\t\r\n ") {
		return "holds a backslash, a space or a control character"
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "does not parse: " + err.Error()
	}
	if u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "names a scheme or host"
	}
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
		return "is not a path from the site's root"
	}
	return ""
}

// No Location the gateway builds from a request path points off the site
// (gin's trailing-slash redirect answered //evil.example with
// Location: //evil.example/), and paths that a browser would read as
// another host (// and /\, encoded or not) are the 404 page.
func TestNoOpenRedirect(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	for _, target := range []string{
		"//evil.example", "//evil.example/", "//evil.example/vi", "//evil.example/vi/", "///evil.example",
		"////evil.example/", "//evil.example:443", "//@evil.example", "//evil.example?x=1", "//evil.example/%2e%2e",
		`/\evil.example`, `/\evil.example/`, `/\/evil.example`, `/\\evil.example/vi/sotttt`,
		"/%5Cevil.example", "/%5cevil.example/", "/%5C%5Cevil.example", "/%2Fevil.example", "/%2f%2fevil.example/",
		"/%2F/evil.example", "/%5C/evil.example/", "/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example",
		"/%09%2F/evil.example", "/.//evil.example", "/./%2Fevil.example/", "/vi/..//evil.example", "/%2e%2e//evil.example",
		"/vi/sotttt/..%2F..%2F%2Fevil.example", "/static//evil.example", "/files//evil.example",
		"/http://evil.example", "/https:/evil.example", "/https:%2F%2Fevil.example/", "/%E2%80%8B//evil.example",
		"//vi", "//vi/", "//vi/sotttt", "//vi/sotttt/", "/%2Fvi/", "/%5Cvi/sotttt",
	} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			rec := e.serve(t, method, target)
			loc := rec.Header().Get("Location")
			if why := offSite(loc); why != "" {
				t.Errorf("%s %s: %d Location %q %s", method, target, rec.Code, loc, why)
			}
			u, err := url.ParseRequestURI(target)
			if err != nil {
				t.Fatalf("%s: %v", target, err)
			}
			if (strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, `/\`)) && rec.Code != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", method, target, rec.Code)
			}
		}
	}
	// gin's redirect also trusted X-Forwarded-Prefix.
	for _, prefix := range []string{"//evil.example", `/\evil.example`, "https://evil.example", "%2F%2Fevil.example"} {
		rec := e.serve(t, http.MethodGet, "/vi", "X-Forwarded-Prefix", prefix)
		if loc := rec.Header().Get("Location"); offSite(loc) != "" || loc != "/vi/" {
			t.Errorf("X-Forwarded-Prefix %q: Location %q, want /vi/", prefix, loc)
		}
	}
}

// The trailing-slash redirects a visitor needs still work, built from the
// cleaned path.
func TestTrailingSlashRedirects(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	for target, want := range map[string]string{
		"/vi":                     "/vi/",
		"/en?x=1":                 "/en/?x=1",
		"/ru/sotttt":              "/ru/sotttt/",
		"/vi/sotttt/le-hoi-bien/": "/vi/sotttt/le-hoi-bien",
		"/vi/s%C3%B4":             "/vi/s%C3%B4/",
	} {
		rec := e.serve(t, http.MethodGet, target)
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != want {
			t.Errorf("%s: %d %q, want 301 %q", target, rec.Code, rec.Header().Get("Location"), want)
		}
	}
	for _, target := range []string{"/de", "/vi/%00", "/healthz/", "/vi/a/b/c"} {
		if rec := e.serve(t, http.MethodGet, target); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d %q, want 404", target, rec.Code, rec.Header().Get("Location"))
		}
	}
}
