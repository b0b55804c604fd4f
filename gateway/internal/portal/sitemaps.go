package portal

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/sitemap"
	"github.com/portalhub/portalhub/services/hubread"
)

// Sitemaps: each site (the provincial host, and each tenant's own host)
// answers /sitemap.xml, a sitemap index of its sitemaps: /sitemap/pages.xml
// (its homes and sections in every language) and /sitemap/items-N.xml, its
// item pages in every language they are translated into, at most
// Config.SitemapSize (the protocol's 50,000) a file, each with its language
// versions as hreflang alternates. robots.txt names the index. Each is
// rendered in one or two queries and kept in the page cache like a page.

const (
	sitemapPages       = "pages.xml"
	sitemapItemsPrefix = "items-"
	xmlType            = "application/xml; charset=utf-8"
)

// sitemapSite is the site a request is for: the provincial site, or the
// tenant whose own host it came to.
func (s *Server) sitemapSite(r *http.Request) hubread.SitemapSite {
	return hubread.SitemapSite{Tenant: s.ownSiteTenant(r)}
}

// sitemapTags are what a site's sitemaps depend on: its items and its
// tenants.
func sitemapTags(site hubread.SitemapSite) []pagecache.Tag {
	if site.Tenant != "" {
		return []pagecache.Tag{pagecache.TenantTag(site.Tenant), pagecache.TenantItemsTag(site.Tenant)}
	}
	return []pagecache.Tag{pagecache.AnyContent}
}

// sitemapIndex answers /sitemap.xml.
func (s *Server) sitemapIndex(c *gin.Context) error {
	origin, site := s.ownOrigin(c.Request), s.sitemapSite(c.Request)
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		n, err := s.cfg.Store.SitemapCount(ctx, site)
		if err != nil {
			return nil, err
		}
		maps := []sitemap.Sitemap{{Loc: origin + "/sitemap/" + sitemapPages}}
		for i := 1; i <= sitemap.Files(n, s.cfg.SitemapSize); i++ {
			maps = append(maps, sitemap.Sitemap{Loc: origin + "/sitemap/" + sitemapItemsPrefix + strconv.Itoa(i) + ".xml"})
		}
		b, err := sitemap.Index(maps)
		if err != nil {
			return nil, err
		}
		return &pagecache.Render{Page: pagecache.NewPage(http.StatusOK, xmlType, b), Tags: sitemapTags(site)}, nil
	})
}

// sitemapFile answers /sitemap/pages.xml and /sitemap/items-N.xml.
func (s *Server) sitemapFile(c *gin.Context) error {
	file := c.Param("file")
	origin, site := s.ownOrigin(c.Request), s.sitemapSite(c.Request)
	if file == sitemapPages {
		return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
			return s.sitemapOfPages(ctx, origin, site)
		})
	}
	num, ok := strings.CutPrefix(file, sitemapItemsPrefix)
	num, ok2 := strings.CutSuffix(num, ".xml")
	n, err := strconv.Atoi(num)
	// An index lists at most sitemap.MaxURLs sitemaps; a larger number
	// would also overflow the offset below.
	if !ok || !ok2 || err != nil || n < 1 || n > sitemap.MaxURLs || strconv.Itoa(n) != num {
		return errNotFound
	}
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		size := s.cfg.SitemapSize
		urls, err := s.cfg.Store.SitemapURLs(ctx, site, (n-1)*size, size)
		if err != nil {
			return nil, err
		}
		if len(urls) == 0 && n > 1 {
			return nil, errNotFound
		}
		out := make([]sitemap.URL, 0, len(urls))
		for _, u := range urls {
			path := func(lang, slug string) string {
				if site.Tenant != "" {
					return origin + "/" + lang + "/" + slug
				}
				return origin + "/" + lang + "/" + u.Tenant + "/" + slug
			}
			x := sitemap.URL{Loc: path(u.Locale, u.Slug), LastMod: u.UpdatedAt}
			for _, l := range i18n.Languages {
				if slug, ok := u.Slugs[l]; ok {
					x.Alternates = append(x.Alternates, sitemap.Alternate{HrefLang: l, Href: path(l, slug)})
				}
			}
			if slug, ok := u.Slugs[i18n.Default]; ok {
				x.Alternates = append(x.Alternates, sitemap.Alternate{HrefLang: xDefault, Href: path(i18n.Default, slug)})
			}
			out = append(out, x)
		}
		b, err := sitemap.URLSet(out)
		if err != nil {
			return nil, fmt.Errorf("sitemap %s: %w", file, err)
		}
		return &pagecache.Render{Page: pagecache.NewPage(http.StatusOK, xmlType, b), Tags: sitemapTags(site)}, nil
	})
}

// sitemapOfPages is a site's homes and sections, in every language: on the
// provincial site its home, every category's section and the home of each
// active tenant without a host of its own; on a tenant's host its home and
// the sections it has items in.
func (s *Server) sitemapOfPages(ctx context.Context, origin string, site hubread.SitemapSite) (*pagecache.Render, error) {
	cats, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	// paths are the pages' paths after /{lang}/, each in every language.
	var paths []func(lang string) string
	paths = append(paths, func(string) string { return "" })
	var counts map[string]int
	if site.Tenant != "" {
		if counts, err = s.cfg.Store.CategoryCounts(ctx, site.Tenant); err != nil {
			return nil, err
		}
	}
	for _, c := range cats {
		if counts != nil && counts[c.Code] == 0 {
			continue
		}
		paths = append(paths, func(lang string) string { return c.Slug(lang) + "/" })
	}
	if site.Tenant == "" {
		tenants, err := s.cfg.Store.Tenants(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range tenants {
			if t.Status == "active" && t.PrimaryHost() == "" {
				paths = append(paths, func(string) string { return t.ID + "/" })
			}
		}
	}
	var urls []sitemap.URL
	for _, p := range paths {
		href := func(lang string) string { return origin + "/" + lang + "/" + p(lang) }
		var alts []sitemap.Alternate
		for _, l := range i18n.Languages {
			alts = append(alts, sitemap.Alternate{HrefLang: l, Href: href(l)})
		}
		alts = append(alts, sitemap.Alternate{HrefLang: xDefault, Href: href(i18n.Default)})
		for _, l := range i18n.Languages {
			urls = append(urls, sitemap.URL{Loc: href(l), Alternates: alts})
		}
	}
	b, err := sitemap.URLSet(urls)
	if err != nil {
		return nil, err
	}
	return &pagecache.Render{Page: pagecache.NewPage(http.StatusOK, xmlType, b), Tags: sitemapTags(site)}, nil
}

// robots answers /robots.txt: every page may be crawled but the search
// result pages and the API, and the site's sitemap index is named.
func (s *Server) robots(c *gin.Context) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, l := range i18n.Languages {
		b.WriteString("Disallow: /" + l + "/search\n")
	}
	b.WriteString("Disallow: /api/\n")
	b.WriteString("\nSitemap: " + s.ownOrigin(c.Request) + "/sitemap.xml\n")
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}
