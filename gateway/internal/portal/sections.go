package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// A section is the page of one category: on the provincial portal,
// /{lang}/{category-slug}/ shows what every sub-portal published there; on
// a sub-portal's site, /{lang}/{tenant}/{category-slug}/ only its own. The
// slug is the category's path word in the page's language; a slug of
// another language answers 301 to this language's.
//
// Most categories are lists of their items, newest first, paged by keyset
// (listSection). The kinds whose readers need more (the legal register's
// filters, the organisation tree, the datasets) register their own page in
// sectionPages.
type section struct {
	Lang, Origin string
	Category     hubread.Category
	// Tenant is the sub-portal whose section it is; nil on the provincial
	// portal.
	Tenant *hubread.Tenant
	// Query holds the request's values of the page's Params only.
	Query url.Values
}

// Path is the section's path in lang.
func (sec section) Path(lang string) string {
	if sec.Tenant != nil {
		return "/" + lang + "/" + sec.Tenant.ID + "/" + sec.Category.Slug(lang) + "/"
	}
	return "/" + lang + "/" + sec.Category.Slug(lang) + "/"
}

// TenantID is the sub-portal's id, or "" on the provincial portal.
func (sec section) TenantID() string {
	if sec.Tenant == nil {
		return ""
	}
	return sec.Tenant.ID
}

// sectionPage renders the section of a category.
type sectionPage struct {
	// Params are the query parameters the page reads (filters, the page's
	// cursor "page"). The page is cached per their values; any other
	// parameter is ignored (and so cannot fill the cache).
	Params []string
	Render func(s *Server, ctx context.Context, sec section) (*pagecache.Render, error)
}

// sectionPages are the categories (by code) whose section is more than a
// list of their items. Keep sorted by code.
var sectionPages = map[string]sectionPage{
	"directory":       {Render: (*Server).directorySection},
	"feedback":        {Params: []string{"page", "topic"}, Render: (*Server).questionsSection},
	"highlights":      {Params: []string{"page"}, Render: (*Server).highlightsSection},
	"introduction":    {Params: []string{"page"}, Render: (*Server).standingSection},
	"investment":      {Params: []string{"page"}, Render: (*Server).standingSection},
	"leadership":      {Params: []string{"page", "week"}, Render: (*Server).leadershipSection},
	"legal":           {Params: legalParams, Render: (*Server).legalSection},
	"links":           {Render: (*Server).linksSection},
	"organisation":    {Render: (*Server).organisationSection},
	"procurement":     {Params: noticeParams, Render: (*Server).noticesSection},
	"public-services": {Params: serviceParams, Render: (*Server).servicesSection},
	"statistics":      {Render: (*Server).statisticsSection},
	"tourism":         {Params: []string{"page"}, Render: (*Server).standingSection},
}

// genericSection is the page of a category not in sectionPages.
var genericSection = sectionPage{Params: []string{"page"}, Render: (*Server).listSection}

// pageOf returns the section page of a category.
func pageOf(code string) sectionPage {
	if p, ok := sectionPages[code]; ok {
		return p
	}
	return genericSection
}

// categoryBySlug finds the category whose path word in some language is
// slug, and that language (preferring lang when several share it).
func categoryBySlug(cats []hubread.Category, lang, slug string) (hubread.Category, string, bool) {
	var found hubread.Category
	foundIn := ""
	for _, c := range cats {
		for _, l := range i18n.Languages {
			if c.Slug(l) != slug {
				continue
			}
			if l == lang {
				return c, l, true
			}
			if foundIn == "" {
				found, foundIn = c, l
			}
		}
	}
	return found, foundIn, foundIn != ""
}

// firstSegment answers /{lang}/{word}/: a category's provincial section
// when word is a category's slug, else a sub-portal's home.
func (s *Server) firstSegment(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	cats, err := s.categories(c.Request.Context())
	if err != nil {
		return err
	}
	if cat, in, ok := categoryBySlug(cats, lang, c.Param("tenant")); ok {
		if in != lang {
			s.redirectLocal(c, http.StatusMovedPermanently, "/"+lang+"/"+cat.Slug(lang)+"/", c.Request.URL.RawQuery)
			return nil
		}
		return s.section(c, section{Lang: lang, Category: cat})
	}
	return s.tenantHome(c)
}

// tenantSection answers /{lang}/{tenant}/{word}/: the sub-portal's section
// of the category whose slug is word. Any other word is an item's slug
// with a stray slash: 301 to the item's URL.
func (s *Server) tenantSection(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	cats, err := s.categories(ctx)
	if err != nil {
		return err
	}
	id, word := c.Param("tenant"), c.Param("slug")
	cat, in, ok := categoryBySlug(cats, lang, word)
	if !ok {
		s.redirectLocal(c, http.StatusMovedPermanently, "/"+lang+"/"+id+"/"+word, c.Request.URL.RawQuery)
		return nil
	}
	if in != lang {
		s.redirectLocal(c, http.StatusMovedPermanently, "/"+lang+"/"+id+"/"+cat.Slug(lang)+"/", c.Request.URL.RawQuery)
		return nil
	}
	t, err := s.tenant(ctx, id)
	if err != nil {
		return err
	}
	return s.section(c, section{Lang: lang, Category: cat, Tenant: &t})
}

// section serves a section's page from the page cache, keyed by the path
// and the page's own parameters in a canonical order.
func (s *Server) section(c *gin.Context, sec section) error {
	p := pageOf(sec.Category.Code)
	sec.Origin = s.origin(c.Request)
	sec.Query = url.Values{}
	all := c.Request.URL.Query()
	for _, name := range p.Params {
		if v := all[name]; len(v) > 0 && v[0] != "" {
			sec.Query[name] = v[:1]
		}
	}
	key := s.cacheKey(c)
	if q := sec.Query.Encode(); q != "" { // Encode sorts by name
		key += "?" + q
	}
	return s.cachedAs(c, key, func(ctx context.Context) (*pagecache.Render, error) {
		return p.Render(s, ctx, sec)
	})
}

// sectionView is a generic section: one page of the category's items.
type sectionView struct {
	base
	Heading string
	Items   []listedView
	Pager   pager
}

// listSection is the page of a category that is a list of its items,
// newest first, twenty to a page.
func (s *Server) listSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	v, problem, err := s.sectionList(ctx, sec)
	if err != nil {
		return nil, err
	}
	return s.sectionPageRender("section", v, sec, problem)
}

// sectionList is the view of one page of a section's items, newest first:
// the generic section's, and the part of the pages that show a list and
// more (the leadership's, with its work schedule).
func (s *Server) sectionList(ctx context.Context, sec section) (sectionView, *paramProblem, error) {
	q := hubread.SectionQuery{Category: sec.Category.Code, Tenant: sec.TenantID()}
	cur, problem := parsePageCursor(sec.Query.Get("page"), hubread.SectionKeyFields)
	q.Cursor = cur
	tenants, err := s.sectionTenants(ctx, sec)
	if err != nil {
		return sectionView{}, nil, err
	}
	var page hubread.Page[hubread.Listed]
	if problem == nil {
		page, err = s.cfg.Store.Section(ctx, q)
		if errors.Is(err, hubread.ErrBadCursor) {
			problem = errBadPage
		} else if err != nil {
			return sectionView{}, nil, err
		}
	}
	v := sectionView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang)}
	v.Problem = problem.text(v.L)
	v.Items = s.listed(sec.Lang, page.Rows, tenants)
	v.Pager = newPager(sec.Path(sec.Lang), sec.Query, q.Cursor, page.Prev, page.Next)
	return v, problem, nil
}

// sectionBase is the frame of a section's page: its title, its
// alternates in every language, the sub-portal's name on its site.
func (s *Server) sectionBase(sec section) base {
	b := s.newBase(sec.Origin, sec.Lang, sec.Path, nil)
	b.Title = sec.Category.Name(sec.Lang)
	if sec.Tenant != nil {
		s.forTenant(&b, *sec.Tenant)
	}
	b.Crumbs = []crumb{{Name: sec.Category.Name(sec.Lang)}}
	b.markNav(sec.Path(sec.Lang))
	feedTitle := b.Title
	if b.TenantName != "" {
		feedTitle += " – " + b.TenantName
	}
	b.Feeds = feedLinksFor(sec.Path(sec.Lang), feedTitle)
	b.SubscribeURL = subscribeURL(sec)
	if len(sec.Query) > 0 {
		b.Self = sec.Origin + sec.Path(sec.Lang) + "?" + sec.Query.Encode()
		b.PrintURL = printURL(sec.Path(sec.Lang), sec.Query.Encode())
		// A filtered or later page is not the section's canonical page:
		// kept out of the index, its canonical the section's first page.
		b.NoIndex = true
	}
	return b
}

// sectionTags are the cache tags of a section's page: its sub-portal's
// items and name, or, on the provincial portal, any content.
func sectionTags(sec section) []pagecache.Tag {
	if sec.Tenant != nil {
		return []pagecache.Tag{pagecache.TenantItemsTag(sec.Tenant.ID), pagecache.TenantTag(sec.Tenant.ID)}
	}
	return []pagecache.Tag{pagecache.AnyContent}
}

// sectionPageRender renders a section's template with its tags. A problem
// with the request's parameters (which the view shows, see base.Problem)
// makes it a 400 page, kept out of the cache.
func (s *Server) sectionPageRender(name string, view any, sec section, problem *paramProblem) (*pagecache.Render, error) {
	r, err := s.page(name, view, sectionTags(sec))
	if err != nil {
		return nil, err
	}
	if problem != nil {
		r.Page.Status = http.StatusBadRequest
		r.NoStore = true
	}
	return r, nil
}
