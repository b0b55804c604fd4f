package portal

import (
	"context"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// Two sections that readers scan rather than read, grouped tables on one
// page each (hubread.OfKind: every entry of the kind in one query):
//   - the directory of official websites and e-mail addresses (Article
//     8.7), grouped by the sub-portal that publishes them;
//   - the links to central and local portals (Article 8.11), grouped by
//     scope (the Government's and the ministries' portals, other
//     provinces', others), then every active sub-portal of the province,
//     from the tenant registry.

// linksView is the page of the directory or of the links.
type linksView struct {
	base
	Heading, Intro string
	// Directory: the columns are the directory's (website, e-mail,
	// phone); else a name and an address.
	Directory bool
	Groups    []linkGroup
}

type linkGroup struct {
	Name string
	Lang string // "vi" when the name is the tenant's Vietnamese text
	Rows []linkRow
}

// linkRow is an entry: its name (linked to Href), and the directory's
// website, e-mail and phone or the link's address.
type linkRow struct {
	Name, Lang, Href  string
	Agency            string // the directory's: the agency the entry belongs to
	URL, Email, Phone string
	// Site is URL as a reader reads it: without the scheme and the final
	// slash ("stc.khanhhoa.gov.vn"), short enough for a phone's column.
	Site    string
	sortKey string
}

// vietnamese sorts names as Vietnamese does (a ă â b c d đ e ê ...).
func vietnamese() *collate.Collator { return collate.New(language.Vietnamese) }

// directorySection is the directory of websites and e-mail addresses: a
// table per sub-portal that published entries, in the registry's order
// (the province's first), entries in Vietnamese alphabetical order, each
// with the agency it belongs to when that is not the entry itself.
func (s *Server) directorySection(ctx context.Context, sec section) (*pagecache.Render, error) {
	entries, err := s.cfg.Store.OfKind(ctx, pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY, sec.TenantID())
	if err != nil {
		return nil, err
	}
	tenants := []hubread.Tenant{}
	if sec.Tenant != nil {
		tenants = append(tenants, *sec.Tenant)
	} else if _, tenants, err = s.tenantsByID(ctx); err != nil {
		return nil, err
	}
	v := linksView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang), Directory: true}
	v.Intro = v.L.T("directory.intro")
	v.Description = v.Intro
	byTenant := map[string][]linkRow{}
	for _, e := range entries {
		d := e.Doc.GetDirectoryEntry()
		text, fallback := e.In(sec.Lang)
		r := linkRow{Name: text.Title, Href: "/" + sec.Lang + "/" + e.Tenant + "/" + text.Slug, URL: d.GetUrl(),
			Email: d.GetEmail(), Phone: d.GetPhone(), sortKey: text.Title}
		if vi, _ := e.In(i18n.Default); d.GetAgency() != vi.Title && d.GetAgency() != text.Title {
			r.Agency = d.GetAgency()
		}
		if fallback {
			r.Lang = i18n.Default
		}
		byTenant[e.Tenant] = append(byTenant[e.Tenant], r)
	}
	c := vietnamese()
	tags := sectionTags(sec)
	for _, t := range tenants {
		rows := byTenant[t.ID]
		if len(rows) == 0 {
			continue
		}
		g := linkGroup{Name: t.Name(sec.Lang), Rows: sortRows(c, rows)}
		if g.Name == t.NameVI && sec.Lang != i18n.Default {
			g.Lang = i18n.Default
		}
		v.Groups = append(v.Groups, g)
		tags = append(tags, pagecache.TenantTag(t.ID))
	}
	return s.page("links", v, tags)
}

// linkScopes are the groups of links, in the order shown.
var linkScopes = []pb.LinkScope{pb.LinkScope_LINK_SCOPE_CENTRAL, pb.LinkScope_LINK_SCOPE_LOCAL, pb.LinkScope_LINK_SCOPE_OTHER}

// linksSection is the links to other portals and to the sub-portals.
func (s *Server) linksSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	links, err := s.cfg.Store.OfKind(ctx, pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK, sec.TenantID())
	if err != nil {
		return nil, err
	}
	_, tenants, err := s.tenantsByID(ctx)
	if err != nil {
		return nil, err
	}
	v := linksView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang)}
	v.Intro = v.L.T("links.intro")
	v.Description = v.Intro
	c := vietnamese()
	byScope := map[pb.LinkScope][]linkRow{}
	for _, e := range links {
		d := e.Doc.GetExternalLink()
		text, fallback := e.In(sec.Lang)
		r := linkRow{Name: text.Title, Href: d.GetUrl(), URL: d.GetUrl(), sortKey: text.Title}
		if fallback {
			r.Lang = i18n.Default
		}
		scope := d.GetScope()
		if scope == pb.LinkScope_LINK_SCOPE_UNSPECIFIED {
			scope = pb.LinkScope_LINK_SCOPE_OTHER
		}
		byScope[scope] = append(byScope[scope], r)
	}
	for _, scope := range linkScopes {
		if rows := byScope[scope]; len(rows) > 0 {
			v.Groups = append(v.Groups, linkGroup{Name: v.L.T("scope." + scope.String()), Rows: sortRows(c, rows)})
		}
	}
	// Every active sub-portal, in the registry's order (by kind, then
	// Vietnamese alphabetical order).
	portals := linkGroup{Name: v.L.T("links.portals")}
	tags := sectionTags(sec)
	for _, t := range tenants {
		tags = append(tags, pagecache.TenantTag(t.ID))
		if t.Status != "active" {
			continue
		}
		r := linkRow{Name: t.Name(sec.Lang), Href: "/" + sec.Lang + "/" + t.ID + "/"}
		if r.Name == t.NameVI && sec.Lang != i18n.Default {
			r.Lang = i18n.Default
		}
		r.URL = sec.Origin + r.Href
		if h := t.PrimaryHost(); h != "" {
			r.URL = h
		}
		portals.Rows = append(portals.Rows, r)
	}
	if len(portals.Rows) > 0 {
		v.Groups = append(v.Groups, portals)
	}
	return s.page("links", v, tags)
}

func sortRows(c *collate.Collator, rows []linkRow) []linkRow {
	for i := range rows {
		rows[i].Site = siteText(rows[i].URL)
	}
	slices.SortStableFunc(rows, func(a, b linkRow) int { return c.CompareString(a.sortKey, b.sortKey) })
	return rows
}

// siteText is an address without its scheme and final slash.
func siteText(u string) string {
	for _, p := range []string{"https://", "http://"} {
		u = strings.TrimPrefix(u, p)
	}
	return strings.TrimSuffix(u, "/")
}
