package portal_test

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/gateway/internal/portal"
)

type sitemapIndexXML struct {
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

type urlsetXML struct {
	URLs []struct {
		Loc   string `xml:"loc"`
		Links []struct {
			HrefLang string `xml:"hreflang,attr"`
			Href     string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"url"`
}

// fetchXML gets an XML document of the portal and decodes it into v.
func (e *env) fetchXML(t *testing.T, path string, v any) []byte {
	t.Helper()
	return e.fetchXMLAs(t, path, "", v)
}

// fetchXMLAs is fetchXML on host ("": the test server's).
func (e *env) fetchXMLAs(t *testing.T, path, host string, v any) []byte {
	t.Helper()
	var header []string
	if host != "" {
		header = []string{"Host", host}
	}
	res, body := e.do(t, http.MethodGet, path, header...)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/xml; charset=utf-8" ||
		res.Header.Get("ETag") == "" {
		t.Fatalf("GET %s: %d %s etag %q\n%s", path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("ETag"), body)
	}
	if err := xml.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return body
}

// The sitemap index lists the site's pages and its items' sitemaps, split
// at the configured size (the protocol's 50,000 by default); each item's
// page is listed once per translation, with every translation and
// x-default as hreflang alternates.
func TestSitemaps(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.SitemapSize = 3 })
	seedFeeds(t, e)
	var idx sitemapIndexXML
	golden(t, "sitemaps/index.xml", e.portable(e.fetchXML(t, "/sitemap.xml", &idx)))
	var locs []string
	for _, s := range idx.Sitemaps {
		locs = append(locs, strings.TrimPrefix(s.Loc, e.srv.URL))
	}
	// Visible translations: le-hoi (vi, en), qd-15, ban-giam-doc,
	// goi-thau-1, tin-phuong (vi, ru): 7 URLs, 3 a file.
	want := []string{"/sitemap/pages.xml", "/sitemap/items-1.xml", "/sitemap/items-2.xml", "/sitemap/items-3.xml"}
	if !slices.Equal(locs, want) {
		t.Fatalf("index lists %q, want %q", locs, want)
	}
	var all []string
	for i, path := range want[1:] {
		var set urlsetXML
		body := e.fetchXML(t, path, &set)
		if i == 0 {
			golden(t, "sitemaps/items-1.xml", e.portable(body))
		}
		if len(set.URLs) > 3 {
			t.Errorf("%s holds %d URLs, at most 3", path, len(set.URLs))
		}
		for _, u := range set.URLs {
			all = append(all, strings.TrimPrefix(u.Loc, e.srv.URL))
			if strings.HasSuffix(u.Loc, "/vi/sotttt/le-hoi-bien") {
				var alts []string
				for _, l := range u.Links {
					alts = append(alts, l.HrefLang+" "+strings.TrimPrefix(l.Href, e.srv.URL))
				}
				wantAlts := []string{"vi /vi/sotttt/le-hoi-bien", "en /en/sotttt/sea-festival", "x-default /vi/sotttt/le-hoi-bien"}
				if !slices.Equal(alts, wantAlts) {
					t.Errorf("alternates %q, want %q", alts, wantAlts)
				}
			}
		}
	}
	wantAll := []string{"/vi/nhatrang/tin-phuong", "/ru/nhatrang/novosti", "/vi/sotttt/ban-giam-doc", "/vi/sotttt/goi-thau-1",
		"/en/sotttt/sea-festival", "/vi/sotttt/le-hoi-bien", "/vi/sotttt/quyet-dinh-15"}
	slices.Sort(all)
	slices.Sort(wantAll)
	if !slices.Equal(all, wantAll) {
		t.Errorf("sitemaps list %q, want %q", all, wantAll)
	}
	// A number whose offset overflows (it was a negative OFFSET, a 500)
	// names no sitemap either.
	for _, path := range []string{"/sitemap/items-4.xml", "/sitemap/items-0.xml", "/sitemap/items-01.xml", "/sitemap/x.xml",
		"/sitemap/items-9223372036854775807.xml", "/sitemap/items-4611686018427387905.xml"} {
		if res, _ := e.do(t, http.MethodGet, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}

	var pages urlsetXML
	e.fetchXML(t, "/sitemap/pages.xml", &pages)
	var got []string
	for _, u := range pages.URLs {
		got = append(got, strings.TrimPrefix(u.Loc, e.srv.URL))
	}
	for _, p := range []string{"/vi/", "/en/", "/ru/", "/vi/van-ban-phap-luat/", "/en/legal-documents/", "/ru/sotttt/", "/vi/nhatrang/"} {
		if !slices.Contains(got, p) {
			t.Errorf("pages sitemap lacks %s", p)
		}
	}
}

// robots.txt lets crawlers in but for search results and names the sitemap
// index.
func TestRobots(t *testing.T) {
	e := newEnv(t)
	res, body := e.do(t, http.MethodGet, "/robots.txt")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := strings.Split(string(body), "\n")
	for _, want := range []string{"User-agent: *", "Disallow: /vi/search", "Sitemap: " + e.srv.URL + "/sitemap.xml"} {
		if !slices.Contains(lines, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, body)
		}
	}
}
