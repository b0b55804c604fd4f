package portal

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/api"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The page for developers (/{lang}/developers): what the open JSON API
// (/api/v1, gateway/internal/api) serves, how it pages, revalidates and
// answers bad parameters (the section #invalid-parameters, which the API's
// problem documents link), with curl examples on this site's address, and
// the portal's feeds and sitemaps. Its texts are the catalogue's
// (discovery.*.toml); its examples are tested against the API.

// devExample is a curl example: what it does, the command, and the status
// it answers (the tests run each).
type devExample struct {
	ID, Heading, Text string
	// Path is the request's path and query; Header an extra request header.
	Path, Header string
	Status       int
}

// Command is the example as a curl command line.
func (e devExample) Command(origin string) string {
	cmd := "curl -s"
	if e.Header != "" {
		cmd = "curl -si -H '" + e.Header + "'"
	}
	return cmd + " '" + origin + e.Path + "'"
}

// devResource is a row of the resources table.
type devResource struct {
	Path, Text string
}

type developersView struct {
	base
	Origin    string
	OpenAPI   string
	Resources []devResource
	Examples  []devExample
	// Feeds and sitemaps: each a pattern and its text.
	Discovery []devResource
}

// devExamples are the page's examples, by catalogue id; tenant is a real
// sub-portal's id.
func devExamples(tenant string) []devExample {
	return []devExample{
		{ID: "tenants", Path: api.Prefix + "/tenants", Status: 200},
		{ID: "items", Path: api.Prefix + "/items?tenant=" + tenant + "&lang=en&limit=5", Status: 200},
		{ID: "legal", Path: api.Prefix + "/legal-documents?updated_since=2026-01-01T00:00:00%2B07:00", Status: 200},
		{ID: "next", Path: api.Prefix + "/items?limit=5&cursor=…", Status: 200},
		{ID: "etag", Path: api.Prefix + "/tenants", Header: `If-None-Match: "…"`, Status: 304},
		{ID: "catalog", Path: api.Prefix + "/catalog", Status: 200},
		{ID: "search", Path: api.Prefix + "/search?q=du+lich", Status: 200},
		{ID: "invalid-parameters", Path: api.Prefix + "/items?limit=1000&kind=news", Status: 400},
	}
}

// developers serves the page for developers.
func (s *Server) developers(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	origin := s.origin(c.Request)
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		_, tenants, err := s.tenantsByID(ctx)
		if err != nil {
			return nil, err
		}
		example := "so-du-lich"
		for _, t := range tenants {
			if t.Status == "active" {
				example = t.ID
				break
			}
		}
		v := developersView{base: s.newBase(origin, lang, func(l string) string { return "/" + l + "/developers" }, nil),
			Origin: origin, OpenAPI: origin + api.Prefix + "/openapi.json"}
		l := v.L
		v.Title, v.Description = l.T("dev.title"), l.T("dev.description")
		for _, r := range []string{"tenants", "items", "legal-documents", "public-services", "datasets", "catalog", "search"} {
			v.Resources = append(v.Resources, devResource{Path: api.Prefix + "/" + r, Text: l.T("dev.resource." + r)})
		}
		for _, e := range devExamples(example) {
			e.Heading, e.Text = l.T("dev.example."+e.ID+".h"), l.T("dev.example."+e.ID+".p")
			v.Examples = append(v.Examples, e)
		}
		for _, d := range []struct{ path, id string }{
			{"/" + lang + "/feeds", "feeds"}, {"/" + lang + "/rss.xml", "portal"}, {"/" + lang + "/" + example + "/atom.xml", "tenant"},
			{"/sitemap.xml", "sitemap"}, {"/opensearch.xml", "opensearch"},
		} {
			v.Discovery = append(v.Discovery, devResource{Path: d.path, Text: l.T("dev.discovery." + d.id)})
		}
		return s.page("developers", v, []pagecache.Tag{pagecache.AnyContent})
	})
}
