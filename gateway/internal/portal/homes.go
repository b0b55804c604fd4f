package portal

import (
	"context"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// The home pages are composed, not a flat list of the newest items (issue 7
// point 7): featured items (those the ops team chose, in their order and
// period: featured_items; without any, the newest of the highlights
// category), a block per main section with its newest
// items and a link to the whole (paged) section, the newest of each
// sub-portal with a cap per sub-portal (so one publishing a hundred items
// in an hour cannot push the others off), the links block and the search
// box. The sub-portals themselves are counted by kind and listed on the
// directory page (portals.go), not on the home: with 3,400 communes the
// home listed them all, flat, in a 271 KB page.

// Home page sizes.
const (
	homeFeatured      = 4  // featured items
	homeBlockItems    = 4  // items per section block
	homePerTenant     = 2  // newest items per sub-portal ...
	homeSubportals    = 10 // ... and in all
	homeLinks         = 8  // external links
	tenantBlockItems  = 3  // items per section block of a sub-portal's home
	featuredCategory  = "highlights"
	linksCategory     = "links"
	tenantStatusAlive = "active"
)

// homeSections are the main sections with a block on the provincial home,
// in this order.
var homeSections = []string{"news", "leadership", "legal", "procurement", "investment", "policy"}

// sectionBlock is a section's block on a home page.
type sectionBlock struct {
	Code, Name, Href string
	Items            []listedView
	CountText        string // how many items the section has (sub-portal homes)
}

// kindCount is how many active sub-portals of a kind there are, with the
// directory's anchor for them.
type kindCount struct {
	Name, Href string
	Count      int
}

// homeView is the provincial home.
type homeView struct {
	base
	Featured   []listedView
	Sections   []sectionBlock
	Subportals []listedView
	Links      sectionBlock
	Kinds      []kindCount
	Portals    int // active sub-portals
}

// home is the provincial home, in two queries (the blocks of every section
// at once, and the newest per sub-portal); the tenants' names come from
// the registry.
func (s *Server) home(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	origin := s.origin(c.Request)
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		reg, err := s.registry(ctx)
		if err != nil {
			return nil, err
		}
		codes := append([]string{featuredCategory, linksCategory}, homeSections...)
		newest, err := s.cfg.Store.SectionsNewest(ctx, codes, "", max(homeFeatured, homeBlockItems, homeLinks))
		if err != nil {
			return nil, err
		}
		perTenant, err := s.cfg.Store.NewestPerTenant(ctx, homePerTenant, homeSubportals)
		if err != nil {
			return nil, err
		}
		featured, featuredUntil, err := s.featured(ctx, reg, newest[featuredCategory])
		if err != nil {
			return nil, err
		}
		v := homeView{base: s.newBase(origin, lang, nil, nil)}
		v.Description = v.L.T("site.description")
		v.Feeds = feedLinksFor("/"+lang+"/", v.L.T("site.name"))
		v.SubscribeURL = "/" + lang + "/subscribe"
		byCode := categoriesByCode(reg.cats)
		v.Featured = s.listed(lang, featured, reg.tenants)
		for _, code := range homeSections {
			if cat, ok := byCode[code]; ok && len(newest[code]) > 0 {
				v.Sections = append(v.Sections, s.block(lang, "/"+lang+"/", cat, first(newest[code], homeBlockItems), reg.tenants))
			}
		}
		if cat, ok := byCode[linksCategory]; ok {
			v.Links = s.block(lang, "/"+lang+"/", cat, first(newest[linksCategory], homeLinks), reg.tenants)
		}
		v.Subportals = s.listed(lang, perTenant, reg.tenants)
		v.Kinds, v.Portals = kindCounts(v.L, lang, reg.ordered)
		v.setUpdated(newestTime(newest, perTenant))
		r, err := s.page("home", v, []pagecache.Tag{pagecache.AnyContent})
		if err != nil {
			return nil, err
		}
		r.ExpiresAt = featuredUntil
		return r, nil
	})
}

// tenantView is a sub-portal's home.
type tenantView struct {
	base
	Tenant   hubread.Tenant
	Name     string
	Featured []listedView
	Sections []sectionBlock
	Total    int
	OwnSite  string
}

// tenantHome is a sub-portal's home: its featured items and a block per
// section it has items in (the section's name a link to it, with its
// count), in three queries.
func (s *Server) tenantHome(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	id, origin := c.Param("tenant"), s.origin(c.Request)
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		t, err := s.tenant(ctx, id)
		if err != nil {
			return nil, err
		}
		cats, err := s.categories(ctx)
		if err != nil {
			return nil, err
		}
		counts, err := s.cfg.Store.CategoryCounts(ctx, id)
		if err != nil {
			return nil, err
		}
		var codes []string
		for _, cat := range cats {
			if counts[cat.Code] > 0 {
				codes = append(codes, cat.Code)
			}
		}
		newest := map[string][]hubread.Listed{}
		if len(codes) > 0 {
			if newest, err = s.cfg.Store.SectionsNewest(ctx, codes, id, max(tenantBlockItems, homeFeatured)); err != nil {
				return nil, err
			}
		}
		home := "/" + lang + "/" + id + "/"
		v := tenantView{base: s.newBase(origin, lang, func(l string) string { return "/" + l + "/" + id + "/" }, nil),
			Tenant: t, Name: t.Name(lang), OwnSite: t.HomeURL}
		v.Title = v.Name
		s.forTenant(&v.base, t)
		v.Description = v.L.T("tenant.description", "Name", v.Name)
		v.Feeds = feedLinksFor(v.TenantURL, v.Name)
		v.SubscribeURL = "/" + lang + "/subscribe?tenant=" + url.QueryEscape(id)
		tenants := map[string]hubread.Tenant{id: t}
		v.Featured = s.listed(lang, first(newest[featuredCategory], homeFeatured), tenants)
		for _, cat := range cats {
			n := counts[cat.Code]
			v.Total += n
			if n == 0 || cat.Code == featuredCategory {
				continue
			}
			b := s.block(lang, home, cat, first(newest[cat.Code], tenantBlockItems), tenants)
			b.CountText = v.L.N("items.count", n)
			v.Sections = append(v.Sections, b)
		}
		v.setUpdated(newestTime(newest, nil))
		return s.page("tenant", v, []pagecache.Tag{pagecache.TenantTag(id), pagecache.TenantItemsTag(id)})
	})
}

// block is a section's block: its name linking to the section under
// prefix (the provincial home's path or a sub-portal's), and its items.
func (s *Server) block(lang, prefix string, cat hubread.Category, items []hubread.Listed, tenants map[string]hubread.Tenant) sectionBlock {
	return sectionBlock{Code: cat.Code, Name: cat.Name(lang), Href: prefix + cat.Slug(lang) + "/",
		Items: s.listed(lang, items, tenants)}
}

func categoriesByCode(cats []hubread.Category) map[string]hubread.Category {
	m := make(map[string]hubread.Category, len(cats))
	for _, c := range cats {
		m[c.Code] = c
	}
	return m
}

func first[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

// newestTime is when the newest of the listed items was published or
// updated: the home's "last updated".
func newestTime(blocks map[string][]hubread.Listed, more []hubread.Listed) time.Time {
	var t time.Time
	see := func(ls []hubread.Listed) {
		for _, l := range ls {
			for _, at := range []time.Time{l.PublishedAt, l.UpdatedAt} {
				if at.After(t) {
					t = at
				}
			}
		}
	}
	for _, ls := range blocks {
		see(ls)
	}
	see(more)
	return t
}

// tenantKinds are the kinds of sub-portal in the order the home and the
// directory show them.
var tenantKinds = []string{"province", "department", "district", "special_zone", "ward", "commune", "other"}

// kindCounts counts the active sub-portals per kind (in tenantKinds'
// order), each linking to its group on the directory page.
func kindCounts(l *i18n.Localizer, lang string, ts []hubread.Tenant) ([]kindCount, int) {
	n := map[string]int{}
	total := 0
	for _, t := range ts {
		if t.Status == tenantStatusAlive {
			n[t.Kind]++
			total++
		}
	}
	var out []kindCount
	for _, k := range tenantKinds {
		if n[k] > 0 {
			out = append(out, kindCount{Name: l.T("kind.tenant." + k), Href: "/" + lang + "/portals/#kind-" + k, Count: n[k]})
		}
	}
	return out, total
}

// featured are the provincial home's featured items at now: those the ops
// team chose (the registry's picks, read in one more query only while one
// is in its period), else the newest of the highlights category; and when
// the home must be rendered again for them (a pick's start or end; zero:
// never).
func (s *Server) featured(ctx context.Context, reg *registry, highlights []hubread.Listed) ([]hubread.Listed, time.Time, error) {
	now := s.now()
	var until time.Time
	current := false
	for _, p := range reg.picks {
		if p.EndsAt != nil && !now.Before(*p.EndsAt) {
			continue // ended since the registry was read
		}
		if p.StartsAt.After(now) {
			until = pagecache.Earliest(until, p.StartsAt)
			continue
		}
		current = true
		if p.EndsAt != nil {
			until = pagecache.Earliest(until, *p.EndsAt)
		}
	}
	if current {
		items, err := s.cfg.Store.FeaturedItems(ctx, now, homeFeatured)
		if err != nil {
			return nil, time.Time{}, err
		}
		if len(items) > 0 {
			return items, until, nil
		}
	}
	return first(highlights, homeFeatured), until, nil
}
