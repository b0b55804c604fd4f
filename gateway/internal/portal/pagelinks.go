package portal

import (
	"context"
	"net/http"
)

// pageLinks makes the canonical absolute URLs of the portal's pages as seen
// from one request, for what is read outside a browser (feeds, sitemaps,
// the API), whose links hostLinks does not rewrite: a sub-portal's pages on
// its own host when it has one (hostsite.go), the others on the provincial
// host. It copies what it needs of the request, so a render that runs
// apart from the request may use it.
type pageLinks struct {
	s    *Server
	req  *http.Request // a copy: scheme, Host and peer for siteOrigin
	prov string        // the provincial portal's origin
	port string        // the request's Host port
}

func (s *Server) pageLinks(r *http.Request) pageLinks {
	c := r.Clone(context.Background())
	_, port, _ := splitHost(r.Host)
	prov := s.origin(r)
	if _, onSite := siteOf(r); onSite || s.ownSiteTenant(r) != "" {
		prov = s.provincialOrigin(r)
	}
	return pageLinks{s: s, req: c, prov: prov, port: port}
}

// tenantOrigin is the origin of a tenant's own site, if it has one.
func (pl pageLinks) tenantOrigin(id string) (string, bool) {
	reg := pl.s.currentRegistry()
	if reg == nil {
		return "", false
	}
	t, ok := reg.tenants[id]
	if !ok || t.PrimaryHost() == "" {
		return "", false
	}
	return pl.s.siteOrigin(pl.req, t.PrimaryHost(), pl.port), true
}

// tenantPage is the URL of a tenant's page: rest is "" for its home, a
// section's slug and "/", or an item's slug.
func (pl pageLinks) tenantPage(lang, tenant, rest string) string {
	if o, ok := pl.tenantOrigin(tenant); ok {
		return o + "/" + lang + "/" + rest
	}
	return pl.prov + "/" + lang + "/" + tenant + "/" + rest
}

// provincialPage is the URL of a provincial page: rest is "" for the home
// or a section's slug and "/".
func (pl pageLinks) provincialPage(lang, rest string) string {
	return pl.prov + "/" + lang + "/" + rest
}

// ownSiteTenant is the tenant whose own host r came to, or "" on the
// provincial host. (Paths outside /{lang}/, such as /sitemap.xml, are not
// rewritten by hostRoute, so this reads the Host itself.)
func (s *Server) ownSiteTenant(r *http.Request) string {
	if site, ok := siteOf(r); ok {
		return site.tenant
	}
	reg := s.currentRegistry()
	if reg == nil {
		return ""
	}
	name, _, _ := splitHost(r.Host)
	return reg.hosts[name]
}
