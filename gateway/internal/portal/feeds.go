package portal

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/feed"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// Feeds: every list of items has an RSS 2.0 and an Atom feed at its path
// followed by rss.xml or atom.xml: the provincial portal's newest items
// (/{lang}/rss.xml), a provincial section's (/{lang}/{category}/rss.xml),
// a sub-portal's (/{lang}/{tenant}/rss.xml) and a sub-portal's section's
// (/{lang}/{tenant}/{category}/atom.xml). A feed is rendered in one or two
// queries (the tenant, or the tenants' names, and the list), kept in the
// page cache with a strong ETag like a page, and dropped by the same
// events as the list it follows.

// feedSize is how many entries a feed holds: a list's first page.
const feedSize = hubread.PageSize

// feedFormat is a format a feed is written in.
type feedFormat struct {
	file        string // its file name after the list's path
	contentType string
	write       func(feed.Feed) ([]byte, error)
}

var (
	rssFormat  = feedFormat{file: "rss.xml", contentType: feed.RSSType, write: feed.RSS}
	atomFormat = feedFormat{file: "atom.xml", contentType: feed.AtomType, write: feed.Atom}
)

// feedFormats are the formats by file name.
var feedFormats = map[string]feedFormat{rssFormat.file: rssFormat, atomFormat.file: atomFormat}

// feedList names the list a feed follows.
type feedList struct {
	Lang string
	// Tenant is the sub-portal whose items the feed lists; "" for every
	// sub-portal's (the provincial portal's).
	Tenant string
	// Category limits the feed to one section; nil for every category.
	Category *hubread.Category
}

// url is the list page's canonical URL.
func (fl feedList) url(links pageLinks) string {
	rest := ""
	if fl.Category != nil {
		rest = fl.Category.Slug(fl.Lang) + "/"
	}
	if fl.Tenant != "" {
		return links.tenantPage(fl.Lang, fl.Tenant, rest)
	}
	return links.provincialPage(fl.Lang, rest)
}

// feedLinks are a list page's <link rel="alternate"> to its feeds.
type feedLink struct {
	Type, Href, Title string
}

// feedLinksFor returns the links of a list's feeds, relative to its host,
// with a title naming the list (title) and the format.
func feedLinksFor(listPath, title string) []feedLink {
	return []feedLink{
		{Type: feed.RSSType, Href: listPath + rssFormat.file, Title: title + " (RSS)"},
		{Type: feed.AtomType, Href: listPath + atomFormat.file, Title: title + " (Atom)"},
	}
}

// serveFeed answers a feed of fl in format f from the page cache.
func (s *Server) serveFeed(c *gin.Context, fl feedList, f feedFormat) error {
	links := s.pageLinks(c.Request)
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		return s.renderFeed(ctx, links, fl, f)
	})
}

// renderFeed renders a feed: the list's newest items, with their tenant's
// name as author.
func (s *Server) renderFeed(ctx context.Context, links pageLinks, fl feedList, f feedFormat) (*pagecache.Render, error) {
	l := s.cfg.Catalog.For(fl.Lang)
	cats, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	catByCode := make(map[string]hubread.Category, len(cats))
	for _, c := range cats {
		catByCode[c.Code] = c
	}
	var (
		tenants map[string]hubread.Tenant
		items   []hubread.Listed
		tags    []pagecache.Tag
	)
	site := l.T("site.name")
	doc := feed.Feed{Lang: fl.Lang, Title: site, Author: site, Rights: l.T("footer.owner"), Generator: "portalhub",
		Updated: feedEpoch}
	if fl.Tenant == "" {
		byID, all, err := s.tenantsByID(ctx)
		if err != nil {
			return nil, err
		}
		tenants = byID
		tags = []pagecache.Tag{pagecache.AnyContent}
		for _, t := range all {
			tags = append(tags, pagecache.TenantTag(t.ID))
		}
	} else {
		t, err := s.tenant(ctx, fl.Tenant)
		if err != nil {
			return nil, err
		}
		if t.Status != "active" {
			return nil, errNotFound
		}
		tenants = map[string]hubread.Tenant{t.ID: t}
		tags = []pagecache.Tag{pagecache.TenantTag(t.ID), pagecache.TenantItemsTag(t.ID)}
		doc.Title, doc.Author, doc.Updated = t.Name(fl.Lang), t.Name(fl.Lang), t.UpdatedAt
		if t.Licence != "" {
			doc.Rights = t.Licence
		}
	}
	switch {
	case fl.Category != nil:
		page, err := s.cfg.Store.Section(ctx, hubread.SectionQuery{Category: fl.Category.Code, Tenant: fl.Tenant, Limit: feedSize})
		if err != nil {
			return nil, err
		}
		items = page.Rows
		doc.Title = fl.Category.Name(fl.Lang) + " – " + doc.Title
	case fl.Tenant != "":
		items, err = s.cfg.Store.TenantLatest(ctx, fl.Tenant, feedSize)
	default:
		items, err = s.cfg.Store.Latest(ctx, feedSize)
	}
	if err != nil {
		return nil, err
	}
	doc.Link = fl.url(links)
	doc.Self = doc.Link + f.file
	doc.ID = doc.Link
	doc.Subtitle = l.T("feed.subtitle", "Name", doc.Title)
	host := "localhost"
	if u, err := url.Parse(links.prov); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	for _, it := range items {
		text, fallback := it.In(fl.Lang)
		e := feed.Entry{ID: entryID(host, it, fl.Lang), Title: text.Title, Summary: text.Summary,
			Link: links.tenantPage(fl.Lang, it.Tenant, text.Slug), Published: it.PublishedAt, Updated: it.UpdatedAt}
		if fallback {
			e.Lang = "vi"
		}
		if t, ok := tenants[it.Tenant]; ok {
			e.Author = t.Name(fl.Lang)
		}
		if c, ok := catByCode[it.Category]; ok {
			e.Categories = []feed.Category{{Term: c.Code, Label: c.Name(fl.Lang)}}
		}
		if it.UpdatedAt.After(doc.Updated) {
			doc.Updated = it.UpdatedAt
		}
		doc.Entries = append(doc.Entries, e)
	}
	b, err := f.write(doc)
	if err != nil {
		return nil, err
	}
	return &pagecache.Render{Page: pagecache.NewPage(http.StatusOK, f.contentType+"; charset=utf-8", b), Tags: tags}, nil
}

// feedEpoch is the Updated time of a feed with no entries and no tenant
// (one that changed never): a fixed time, so that its ETag is stable.
var feedEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// entryID is an entry's permanent id, a tag URI (RFC 4151) of the host, the
// year the item was published, the item and the language: it does not
// change with the item's slug or text.
func entryID(host string, it hubread.Listed, lang string) string {
	return "tag:" + host + "," + it.PublishedAt.In(hcmc).Format("2006") + ":" + it.Tenant + "/" + it.ContentID + "/" + lang
}

// provincialFeed answers /{lang}/rss.xml and /{lang}/atom.xml.
func (s *Server) provincialFeed(c *gin.Context, f feedFormat) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	return s.serveFeed(c, feedList{Lang: lang}, f)
}

// firstSegmentFeed answers /{lang}/{word}/rss.xml (and atom.xml): the feed
// of a provincial section when word is a category's slug (another
// language's answers 301 to this language's), else of a sub-portal.
func (s *Server) firstSegmentFeed(c *gin.Context, f feedFormat) error {
	lang, cats, err := s.langAndCategories(c)
	if err != nil {
		return err
	}
	word := c.Param("tenant")
	if cat, in, ok := categoryBySlug(cats, lang, word); ok {
		if in != lang {
			s.redirectLocal(c, http.StatusMovedPermanently, "/"+lang+"/"+cat.Slug(lang)+"/"+f.file, "")
			return nil
		}
		return s.serveFeed(c, feedList{Lang: lang, Category: &cat}, f)
	}
	return s.serveFeed(c, feedList{Lang: lang, Tenant: word}, f)
}

// tenantSectionFeed answers /{lang}/{tenant}/{category}/rss.xml (and
// atom.xml), the feed of a sub-portal's section.
func (s *Server) tenantSectionFeed(c *gin.Context, f feedFormat) error {
	lang, cats, err := s.langAndCategories(c)
	if err != nil {
		return err
	}
	id := c.Param("tenant")
	cat, in, ok := categoryBySlug(cats, lang, c.Param("slug"))
	if !ok {
		return errNotFound
	}
	if in != lang {
		s.redirectLocal(c, http.StatusMovedPermanently, "/"+lang+"/"+id+"/"+cat.Slug(lang)+"/"+f.file, "")
		return nil
	}
	return s.serveFeed(c, feedList{Lang: lang, Tenant: id, Category: &cat}, f)
}

// langAndCategories is the request's language and the category list its
// path words are resolved against.
func (s *Server) langAndCategories(c *gin.Context) (string, []hubread.Category, error) {
	lang, err := langParam(c)
	if err != nil {
		return "", nil, err
	}
	cats, err := s.categories(c.Request.Context())
	return lang, cats, err
}
