package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A sub-portal with its own host name: its site on that host, its
// provincial paths 301 there, canonical links on it, pages cached per host.
func TestTenantHost(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	registry(t, e)
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sotttt.localhost', 'sotttt', true), ('tttt.localhost', 'sotttt', false)`)
	e.tenantsChanged(t)
	u, _ := url.Parse(e.srv.URL)
	own := "sotttt.localhost:" + u.Port()
	ownOrigin, prov := "http://"+own, "http://localhost:"+u.Port()

	res, doc := e.get(t, "/vi/", "Host", own)
	wantStatus(t, res, 200)
	if got := oneH1(t, doc); got != "Sở Thông tin và Truyền thông" {
		t.Fatalf("home on the tenant's host: h1 %q", got)
	}
	css := attr(doc, "link[rel=stylesheet]", "href") // served as /static/site.<hash>.css
	if !strings.HasPrefix(css, "/static/") {
		t.Fatalf("stylesheet %q", css)
	}
	if got := attr(doc, "link[rel=canonical]", "href"); got != ownOrigin+"/vi/" {
		t.Errorf("canonical = %q, want %q", got, ownOrigin+"/vi/")
	}
	if got := attr(doc, "link[rel=alternate][hreflang=en]", "href"); got != ownOrigin+"/en/" {
		t.Errorf("en alternate = %q", got)
	}
	if got := attr(doc, "nav.sections li:first-child a", "href"); got != "/vi/gioi-thieu/" {
		t.Errorf("its sections on its host: %q, want /vi/gioi-thieu/", got)
	}
	if got := attr(doc, ".brand-province a", "href"); got != prov+"/vi/" {
		t.Errorf("link back to the provincial portal = %q, want %q", got, prov+"/vi/")
	}
	if got := attr(doc, `.section-block[aria-labelledby=block-news] li a`, "href"); got != "/vi/le-hoi-bien" {
		t.Errorf("item link on the tenant's host = %q", got)
	}
	if attr(doc, "form.site-search", "action") != "/vi/search" || attr(doc, "form.site-search input[name=tenant]", "value") != "sotttt" {
		t.Error("the search box on the tenant's host is not its scoped search")
	}

	res, doc = e.get(t, "/vi/le-hoi-bien", "Host", own)
	wantStatus(t, res, 200)
	if got := oneH1(t, doc); got != "Lễ hội biển Nha Trang" {
		t.Errorf("item on the tenant's host: h1 %q", got)
	}
	if got := attr(doc, "link[rel=canonical]", "href"); got != ownOrigin+"/vi/le-hoi-bien" {
		t.Errorf("item canonical = %q", got)
	}
	res, doc = e.get(t, "/vi/tin-tuc-su-kien/", "Host", own)
	wantStatus(t, res, 200)
	if got := texts(doc, "nav.breadcrumbs li"); len(got) != 3 || got[1] != "Sở Thông tin và Truyền thông" {
		t.Errorf("section on the tenant's host: breadcrumbs %v", got)
	}
	// A secondary host answers 301 to the same page on the primary: one
	// URL per page (docs/ARCHITECTURE.md "Gateway URLs").
	// Every address, not only the pages under /{lang}/: the sitemaps,
	// robots.txt, static files, attachments and the API were served on the
	// secondary host (a second copy of the site for crawlers).
	for _, path := range []string{"/vi/le-hoi-bien", "/vi/?x=1", "/vi/tin-tuc-su-kien/", "/vi/search?q=a&tenant=sotttt",
		"/", "/sitemap.xml", "/sitemap/pages.xml", "/robots.txt", "/opensearch.xml", "/favicon.ico",
		css, "/files/sotttt/le-hoi/" + strings.Repeat("ab", 32),
		"/api/v1/items?tenant=sotttt", "/api/v1/search?q=a"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			res, _ := e.do(t, method, path, "Host", "tttt.localhost:"+u.Port())
			if res.StatusCode != 301 || res.Header.Get("Location") != ownOrigin+path {
				t.Errorf("secondary host %s %s: %d %q, want 301 to %s", method, path, res.StatusCode, res.Header.Get("Location"), ownOrigin+path)
			}
		}
	}
	// The health check answers on any host the portal serves.
	if res, _ := e.get(t, "/healthz", "Host", "tttt.localhost:"+u.Port()); res.StatusCode != 200 {
		t.Errorf("/healthz on the secondary host: %d", res.StatusCode)
	}
	// A section's address without its final slash gains it, on the
	// provincial host and the tenant's (it was a 404); an item's slug
	// stays as it is.
	for _, c := range []struct{ host, path, want string }{
		{"", "/vi/van-ban-phap-luat", "/vi/van-ban-phap-luat/"},
		{"", "/vi/nhatrang/van-ban-phap-luat?page=2", "/vi/nhatrang/van-ban-phap-luat/?page=2"},
		{"", "/en/nhatrang/van-ban-phap-luat", "/en/nhatrang/legal-documents/"},
		{"", "/vi/sotttt/van-ban-phap-luat", ownOrigin + "/vi/van-ban-phap-luat"},
		{own, "/vi/van-ban-phap-luat", "/vi/van-ban-phap-luat/"},
	} {
		h := []string{}
		if c.host != "" {
			h = []string{"Host", c.host}
		}
		res, _ := e.get(t, c.path, h...)
		if res.StatusCode != 301 || res.Header.Get("Location") != c.want {
			t.Errorf("section without its slash %s on %q: %d %q, want 301 to %s", c.path, c.host, res.StatusCode, res.Header.Get("Location"), c.want)
		}
	}
	if res, _ := e.get(t, "/vi/le-hoi-bien", "Host", own); res.StatusCode != 200 {
		t.Errorf("an item on the tenant's host after the section check: %d", res.StatusCode)
	}

	for path, want := range map[string]string{
		"/vi/sotttt/le-hoi-bien":      ownOrigin + "/vi/le-hoi-bien",
		"/en/sotttt/":                 ownOrigin + "/en/",
		"/vi/sotttt/tin-tuc-su-kien/": ownOrigin + "/vi/tin-tuc-su-kien/",
		"/vi/sotttt/le-hoi-bien?x=1":  ownOrigin + "/vi/le-hoi-bien?x=1",
	} {
		res, _ := e.get(t, path)
		if res.StatusCode != 301 || res.Header.Get("Location") != want {
			t.Errorf("provincial %s: %d %q, want 301 to %s", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	if res, _ := e.get(t, "/vi/sotttt/le-hoi-bien", "Host", own); res.StatusCode != 301 || res.Header.Get("Location") != "/vi/le-hoi-bien" {
		t.Errorf("the provincial path on the tenant's host: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// An item's address with a final slash loses it in one step on the
	// tenant's host (it was sent to the provincial path first, a second
	// redirect).
	if res, _ := e.get(t, "/vi/le-hoi-bien/", "Host", own); res.StatusCode != 301 || res.Header.Get("Location") != "/vi/le-hoi-bien" {
		t.Errorf("an item with a final slash on the tenant's host: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// Sub-portals without a host of their own stay on the provincial host.
	if res, _ := e.get(t, "/vi/nhatrang/"); res.StatusCode != 200 {
		t.Errorf("a sub-portal without a host: %d", res.StatusCode)
	}

	// The provincial home links the sub-portal's pages on its host, and is
	// cached apart from the tenant host's /vi/.
	res, doc = e.get(t, "/vi/")
	wantStatus(t, res, 200)
	if got := oneH1(t, doc); got != "Cổng thông tin điện tử tỉnh Khánh Hòa" {
		t.Errorf("provincial home after the tenant's: h1 %q (cache not separated by host)", got)
	}
	found := false
	doc.Find("main a[href]").Each(func(_ int, s *goqSel) {
		if h, _ := s.Attr("href"); strings.HasPrefix(h, ownOrigin+"/vi/") {
			found = true
		}
		if h, _ := s.Attr("href"); strings.HasPrefix(h, "/vi/sotttt/") {
			t.Errorf("provincial home links %s, not the tenant's host", h)
		}
	})
	if !found {
		t.Error("provincial home does not link the sub-portal's host")
	}
	_, doc = e.get(t, "/vi/", "Host", own)
	if got := oneH1(t, doc); got != "Sở Thông tin và Truyền thông" {
		t.Errorf("tenant host's home after the provincial one: h1 %q", got)
	}

	if res, _ := e.get(t, "/vi/search?q=l%E1%BB%85+h%E1%BB%99i&tenant=sotttt", "Host", own); res.StatusCode != 200 {
		t.Errorf("search on the tenant's host: %d", res.StatusCode)
	}
	// The gateway's own pages on a tenant's host: served, cached apart,
	// their provincial links absolute.
	res, doc = e.get(t, "/vi/portals/", "Host", own)
	wantStatus(t, res, 200)
	if got := attr(doc, "nav.sections li:first-child a", "href"); got != prov+"/vi/gioi-thieu/" {
		t.Errorf("provincial nav on the directory on a tenant's host = %q, want absolute", got)
	}
	if _, doc := e.get(t, "/vi/portals/"); attr(doc, "nav.sections li:first-child a", "href") != "/vi/gioi-thieu/" {
		t.Error("the directory on the provincial host got the tenant host's links (cache not separated)")
	}
	if res, _ := e.get(t, "/vi/", "Host", "other.localhost:"+u.Port()); res.StatusCode != 421 {
		t.Errorf("an unknown host: %d, want 421", res.StatusCode)
	}
}
