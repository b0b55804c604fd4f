package portal_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/gateway/internal/portal"
)

// With a public URL (production), a sub-portal's own host answers its own
// sitemaps and robots.txt, named on that host, and the provincial host its
// own: their paths are the same, so neither may be served the other's
// cached answer.
func TestSitemapsOnTenantHostWithPublicURL(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.PublicURL = "https://khanhhoa.gov.vn" })
	seedFeeds(t, e)
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sotttt.khanhhoa.gov.vn', 'sotttt', true)`)
	e.tenantsChanged(t)
	const own, ownOrigin = "sotttt.khanhhoa.gov.vn", "https://sotttt.khanhhoa.gov.vn"

	// The provincial host's answers first, in the cache when the
	// tenant's host asks (xml.Unmarshal appends: one value per fetch).
	e.fetchXMLAs(t, "/sitemap.xml", "khanhhoa.gov.vn", &sitemapIndexXML{})
	e.fetchXMLAs(t, "/sitemap/items-1.xml", "khanhhoa.gov.vn", &urlsetXML{})
	var idx sitemapIndexXML
	e.fetchXMLAs(t, "/sitemap.xml", own, &idx)
	for _, m := range idx.Sitemaps {
		if !strings.HasPrefix(m.Loc, ownOrigin+"/") {
			t.Errorf("sitemap index on the tenant's host names %s", m.Loc)
		}
	}
	var set urlsetXML
	e.fetchXMLAs(t, "/sitemap/items-1.xml", own, &set)
	if len(set.URLs) == 0 {
		t.Fatal("tenant's sitemap lists nothing")
	}
	for _, u := range set.URLs {
		if !strings.HasPrefix(u.Loc, ownOrigin+"/") {
			t.Errorf("tenant's sitemap lists %s", u.Loc)
		}
	}
	var prov urlsetXML
	e.fetchXMLAs(t, "/sitemap/items-1.xml", "khanhhoa.gov.vn", &prov)
	for _, u := range prov.URLs {
		if strings.HasPrefix(u.Loc, ownOrigin) || strings.Contains(u.Loc, "/sotttt/") {
			t.Errorf("the provincial sitemap lists %s", u.Loc)
		}
	}
	if _, body := e.do(t, http.MethodGet, "/robots.txt", "Host", own); !strings.Contains(string(body), "Sitemap: "+ownOrigin+"/sitemap.xml") {
		t.Errorf("robots.txt on the tenant's host:\n%s", body)
	}
}

// A tenant's host describes itself as the search engine to add: its
// OpenSearch description's searches go to that host, not the provincial
// one (with a public URL set, the request's origin is always the
// provincial portal's).
func TestOpenSearchOnTenantHostWithPublicURL(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.PublicURL = "https://khanhhoa.gov.vn" })
	seedFeeds(t, e)
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sotttt.khanhhoa.gov.vn', 'sotttt', true)`)
	e.tenantsChanged(t)
	type description struct {
		URLs []struct {
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	for host, origin := range map[string]string{"sotttt.khanhhoa.gov.vn": "https://sotttt.khanhhoa.gov.vn",
		"khanhhoa.gov.vn": "https://khanhhoa.gov.vn"} {
		var d description
		res, body := e.do(t, http.MethodGet, "/opensearch.xml?lang=vi", "Host", host)
		if err := xml.Unmarshal(body, &d); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", host, res.StatusCode, err)
		}
		if len(d.URLs) == 0 {
			t.Fatalf("%s: no Url in the description", host)
		}
		for _, u := range d.URLs {
			if !strings.HasPrefix(u.Template, origin+"/") {
				t.Errorf("%s: template %s", host, u.Template)
			}
		}
	}
}
