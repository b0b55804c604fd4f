package portal_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Feeds, sitemaps, robots.txt and the API link a sub-portal's pages on its
// own host when it has one: on that host its feeds and sitemaps are its
// own, and on the provincial host its items' links lead there.
func TestFeedsAndSitemapsOnTenantHosts(t *testing.T) {
	e := newEnv(t)
	seedFeeds(t, e)
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sotttt.localhost', 'sotttt', true)`)
	e.tenantsChanged(t)
	u, _ := url.Parse(e.srv.URL)
	own := "sotttt.localhost:" + u.Port()
	ownOrigin := "http://" + own

	// On its host, /vi/rss.xml is its feed, linking its own pages.
	res, body := e.do(t, http.MethodGet, "/vi/rss.xml", "Host", own)
	f := parseFeed(t, res, body)
	if f.Title != "Sở Thông tin và Truyền thông" || f.Link != ownOrigin+"/vi/" || len(f.Items) != 4 ||
		f.Items[3].Link != ownOrigin+"/vi/le-hoi-bien" {
		t.Errorf("feed on the tenant's host: %q %q, %d items, last %q", f.Title, f.Link, len(f.Items), f.Items[len(f.Items)-1].Link)
	}
	res, body = e.do(t, http.MethodGet, "/en/news/atom.xml", "Host", own)
	if f := parseFeed(t, res, body); f.Link != ownOrigin+"/en/news/" || len(f.Items) != 1 || f.Items[0].Link != ownOrigin+"/en/sea-festival" {
		t.Errorf("section feed on the tenant's host: %q, %d items", f.Link, len(f.Items))
	}
	// On the provincial host, its items link to its host; the others' stay.
	res, body = e.do(t, http.MethodGet, "/vi/rss.xml")
	var links []string
	for _, it := range parseFeed(t, res, body).Items {
		links = append(links, it.Link)
	}
	for _, want := range []string{ownOrigin + "/vi/le-hoi-bien", e.srv.URL + "/vi/nhatrang/tin-phuong"} {
		if !slices.Contains(links, want) {
			t.Errorf("provincial feed links %q, want %s among them", links, want)
		}
	}

	// Its sitemap on its host lists its items there; the provincial one
	// no longer lists them.
	var idx sitemapIndexXML
	e.fetchXMLAs(t, "/sitemap.xml", own, &idx)
	if len(idx.Sitemaps) != 2 || idx.Sitemaps[1].Loc != ownOrigin+"/sitemap/items-1.xml" {
		t.Fatalf("sitemap index on the tenant's host: %+v", idx)
	}
	var set urlsetXML
	e.fetchXMLAs(t, "/sitemap/items-1.xml", own, &set)
	var locs []string
	for _, u := range set.URLs {
		locs = append(locs, u.Loc)
	}
	if !slices.Contains(locs, ownOrigin+"/en/sea-festival") || len(locs) != 5 {
		t.Errorf("tenant's sitemap lists %q", locs)
	}
	e.fetchXMLAs(t, "/sitemap/items-1.xml", "", &set)
	for _, u := range set.URLs {
		if strings.Contains(u.Loc, "/sotttt/") {
			t.Errorf("the provincial sitemap lists %s, whose page is on its own host", u.Loc)
		}
	}
	var pages urlsetXML
	e.fetchXMLAs(t, "/sitemap/pages.xml", own, &pages)
	if len(pages.URLs) == 0 || pages.URLs[0].Loc != ownOrigin+"/vi/" {
		t.Errorf("tenant's pages sitemap starts %+v", pages.URLs[:min(1, len(pages.URLs))])
	}
	if _, body := e.do(t, http.MethodGet, "/robots.txt", "Host", own); !strings.Contains(string(body), "Sitemap: "+ownOrigin+"/sitemap.xml") {
		t.Errorf("robots.txt on the tenant's host:\n%s", body)
	}
	// The API's page links too.
	if _, body := e.apiGet(t, "/api/v1/items/sotttt/le-hoi"); !strings.Contains(string(body), `"`+ownOrigin+`/vi/le-hoi-bien"`) {
		t.Errorf("the API's item does not link its page on the tenant's host:\n%s", body)
	}
}
