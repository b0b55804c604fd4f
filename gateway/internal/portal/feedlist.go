package portal

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The list of feeds (/{lang}/feeds, the reserved word "feeds"): every feed
// the portal offers, the whole portal's, each section's and each active
// sub-portal's (on its own host when it has one), in RSS and Atom, so that
// a reader can subscribe without guessing paths. No query: the categories
// and tenants are kept in memory.

type feedRow struct {
	Name, Lang string // Lang "vi" when the name is a Vietnamese fallback
	RSS, Atom  string
}

type feedGroup struct {
	ID, Heading string
	Rows        []feedRow
}

type feedListView struct {
	base
	Groups []feedGroup
}

func (s *Server) feedList(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	origin, links := s.origin(c.Request), s.pageLinks(c.Request)
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		cats, err := s.categories(ctx)
		if err != nil {
			return nil, err
		}
		_, tenants, err := s.tenantsByID(ctx)
		if err != nil {
			return nil, err
		}
		v := feedListView{base: s.newBase(origin, lang, func(l string) string { return "/" + l + "/feeds" }, nil)}
		v.Title, v.Description = v.L.T("feeds.title"), v.L.T("feeds.description")
		row := func(name, page string) feedRow {
			return feedRow{Name: name, RSS: page + rssFormat.file, Atom: page + atomFormat.file}
		}
		portal := feedGroup{ID: "feeds-portal", Heading: v.L.T("feeds.portal"),
			Rows: []feedRow{row(v.L.T("feeds.whole"), links.provincialPage(lang, ""))}}
		sections := feedGroup{ID: "feeds-sections", Heading: v.L.T("feeds.sections")}
		for _, cat := range cats {
			sections.Rows = append(sections.Rows, row(cat.Name(lang), links.provincialPage(lang, cat.Slug(lang)+"/")))
		}
		portals := feedGroup{ID: "feeds-portals", Heading: v.L.T("feeds.portals")}
		for _, t := range tenants {
			if t.Status != "active" {
				continue
			}
			r := row(t.Name(lang), links.tenantPage(lang, t.ID, ""))
			if r.Name == t.NameVI && lang != "vi" {
				r.Lang = "vi"
			}
			portals.Rows = append(portals.Rows, r)
		}
		v.Groups = []feedGroup{portal, sections, portals}
		return s.page("feeds", v, []pagecache.Tag{pagecache.AnyContent})
	})
}
