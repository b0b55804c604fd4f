package portal_test

import (
	"net"
	"net/http"
	"reflect"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portalhub/portalhub/gateway/internal/portal"
)

// alternates returns the page's hreflang links by language.
func alternates(t *testing.T, doc *goquery.Document) map[string]string {
	t.Helper()
	m := map[string]string{}
	doc.Find(`head link[rel=alternate][hreflang]`).Each(func(_ int, s *goquery.Selection) {
		l, _ := s.Attr("hreflang")
		if _, dup := m[l]; dup {
			t.Errorf("hreflang %q twice", l)
		}
		m[l], _ = s.Attr("href")
	})
	return m
}

func canonical(doc *goquery.Document) string { return attr(doc, `head link[rel=canonical]`, "href") }

func noindex(doc *goquery.Document) bool {
	return attr(doc, `head meta[name=robots]`, "content") == "noindex"
}

// Canonical and hreflang links are absolute, include x-default (the
// Vietnamese version), and every version of a page (a Vietnamese fallback
// under /en/ or /ru/ included) carries the same set, each real language
// version listing itself. A fallback's canonical is the Vietnamese page.
func TestCanonicalAndHreflang(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	u := e.srv.URL

	t.Run("home pages", func(t *testing.T) {
		want := map[string]string{"vi": u + "/vi/", "en": u + "/en/", "ru": u + "/ru/", "x-default": u + "/vi/"}
		for _, lang := range []string{"vi", "en", "ru"} {
			_, doc := e.get(t, "/"+lang+"/")
			if got := alternates(t, doc); !reflect.DeepEqual(got, want) {
				t.Errorf("/%s/ alternates = %v, want %v", lang, got, want)
			}
			if got := canonical(doc); got != u+"/"+lang+"/" {
				t.Errorf("/%s/ canonical = %q", lang, got)
			}
			_, doc = e.get(t, "/"+lang+"/sotttt/")
			if got := alternates(t, doc)["x-default"]; got != u+"/vi/sotttt/" {
				t.Errorf("/%s/sotttt/ x-default = %q", lang, got)
			}
			if got := canonical(doc); got != u+"/"+lang+"/sotttt/" {
				t.Errorf("/%s/sotttt/ canonical = %q", lang, got)
			}
		}
	})

	t.Run("item with a fallback", func(t *testing.T) {
		vi, en := u+"/vi/sotttt/le-hoi-bien", u+"/en/sotttt/sea-festival"
		want := map[string]string{"vi": vi, "en": en, "x-default": vi}
		for path, wantCanonical := range map[string]string{
			"/vi/sotttt/le-hoi-bien":  vi,
			"/en/sotttt/sea-festival": en,
			"/ru/sotttt/le-hoi-bien":  vi, // the Vietnamese text as a fallback
		} {
			res, doc := e.get(t, path)
			wantStatus(t, res, http.StatusOK)
			got := alternates(t, doc)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s alternates = %v, want %v", path, got, want)
			}
			if c := canonical(doc); c != wantCanonical {
				t.Errorf("%s canonical = %q, want %q", path, c, wantCanonical)
			}
			// A page that is its own canonical is in its own hreflang set.
			if c := canonical(doc); c == u+path && got[attr(doc, "html", "lang")] != c {
				t.Errorf("%s does not list itself: %v", path, got)
			}
		}
	})

	t.Run("withdrawn keeps canonical and hreflang", func(t *testing.T) {
		vi := u + "/vi/sotttt/thong-bao-cu"
		for _, path := range []string{"/vi/sotttt/thong-bao-cu", "/en/sotttt/thong-bao-cu"} {
			res, doc := e.get(t, path)
			wantStatus(t, res, http.StatusOK)
			if !noindex(doc) {
				t.Errorf("%s: withdrawn page not noindex", path)
			}
			if got := canonical(doc); got != vi {
				t.Errorf("%s canonical = %q, want %q", path, got, vi)
			}
			if got, want := alternates(t, doc), map[string]string{"vi": vi, "x-default": vi}; !reflect.DeepEqual(got, want) {
				t.Errorf("%s alternates = %v, want %v", path, got, want)
			}
		}
	})

	t.Run("status pages have none", func(t *testing.T) {
		for _, path := range []string{"/vi/sotttt/khong-co", "/vi/sotttt/bai-xoa"} {
			_, doc := e.get(t, path)
			if canonical(doc) != "" || len(alternates(t, doc)) != 0 || !noindex(doc) {
				t.Errorf("%s: canonical %q, alternates %v, noindex %v", path, canonical(doc), alternates(t, doc), noindex(doc))
			}
		}
	})

	t.Run("origin from the request", func(t *testing.T) {
		// Pages are cached per origin: another Host never sees this one's links.
		_, port, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
		_, doc := e.get(t, "/vi/", "Host", "LocalHost:"+port)
		if got := canonical(doc); got != "http://localhost:"+port+"/vi/" {
			t.Errorf("Host localhost: canonical = %q", got)
		}
		_, doc = e.get(t, "/vi/")
		if got := canonical(doc); got != u+"/vi/" {
			t.Errorf("canonical = %q after another origin's request, want %q", got, u+"/vi/")
		}
	})
}

// GATEWAY_PUBLIC_URL, when set, is the origin of every absolute link,
// whatever the request says.
func TestPublicURL(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.PublicURL = "https://KhanhHoa.gov.vn/" })
	seed(t, e)
	_, doc := e.get(t, "/en/sotttt/sea-festival", "Host", "khanhhoa.gov.vn", "X-Forwarded-Proto", "http")
	if got := canonical(doc); got != "https://khanhhoa.gov.vn/en/sotttt/sea-festival" {
		t.Errorf("canonical = %q", got)
	}
	if got := alternates(t, doc)["x-default"]; got != "https://khanhhoa.gov.vn/vi/sotttt/le-hoi-bien" {
		t.Errorf("x-default = %q", got)
	}
	if _, err := portal.New(portal.Config{PublicURL: "khanhhoa.gov.vn"}); err == nil {
		t.Error("a public URL without a scheme was accepted")
	}
}
