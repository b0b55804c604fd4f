package portal

import (
	"context"
	"sort"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// The directory of sub-portals (/{lang}/portals/, a reserved word): every
// sub-portal, grouped by kind (tenantKinds' order) and, within a kind, by
// the unit above it, names in the alphabetical order of the page's
// language (Vietnamese collation on the Vietnamese page: a ă â b c d đ e
// ê ..., where byte order put "Ân" after "Bình" and every "Đ" last). The
// home counts the sub-portals by kind and links here, so 3,400 communes do
// not make the home a 271 KB list. Rendered from the registry: no query.

type portalEntry struct {
	Name, Href, Lang string // Lang "vi" when Name is the Vietnamese fallback
	Inactive         bool
	OwnHost          string // the sub-portal's own site, when it has one
}

type portalGroup struct {
	Parent, ParentLang string // "" for the kind's units directly under the province
	Portals            []portalEntry
}

type portalKind struct {
	Kind, Name string
	Count      int
	Groups     []portalGroup
}

type portalsView struct {
	base
	Kinds []portalKind
	Total int
}

// collatorFor sorts names in lang's alphabetical order.
func collatorFor(lang string) *collate.Collator {
	return collate.New(language.Make(lang), collate.IgnoreCase)
}

func (s *Server) portals(c *gin.Context) error {
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
		v := portalsView{base: s.newBase(origin, lang, func(l string) string { return "/" + l + "/portals/" }, nil)}
		v.Title, v.Description = v.L.T("portals.title"), v.L.T("portals.intro")
		v.Kinds, v.Total = directory(v.L, lang, reg)
		// AnyContent: the tenant watcher drops it with the provincial home
		// when a tenant is added, renamed or changes status.
		return s.page("portals", v, []pagecache.Tag{pagecache.AnyContent})
	})
}

// directory groups the registry's tenants by kind and parent, sorted in
// lang's alphabetical order.
func directory(l *i18n.Localizer, lang string, reg *registry) ([]portalKind, int) {
	col := collatorFor(lang)
	named := func(t hubread.Tenant) (string, string) {
		n := t.Name(lang)
		if lang != i18n.Default && n == t.NameVI {
			return n, i18n.Default
		}
		return n, ""
	}
	byKind := map[string]map[string][]hubread.Tenant{} // kind -> parent id -> tenants
	total := 0
	for _, t := range reg.ordered {
		parent := t.ParentID
		if p, ok := reg.tenants[parent]; !ok || p.Kind == "province" {
			parent = "" // directly under the province
		}
		if byKind[t.Kind] == nil {
			byKind[t.Kind] = map[string][]hubread.Tenant{}
		}
		byKind[t.Kind][parent] = append(byKind[t.Kind][parent], t)
		total++
	}
	var out []portalKind
	for _, kind := range tenantKinds {
		groups := byKind[kind]
		if len(groups) == 0 {
			continue
		}
		k := portalKind{Kind: kind, Name: l.T("kind.tenant." + kind)}
		for parent, ts := range groups {
			g := portalGroup{}
			if parent != "" {
				g.Parent, g.ParentLang = named(reg.tenants[parent])
			}
			for _, t := range ts {
				e := portalEntry{Href: "/" + lang + "/" + t.ID + "/", Inactive: t.Status != tenantStatusAlive, OwnHost: t.PrimaryHost()}
				e.Name, e.Lang = named(t)
				g.Portals = append(g.Portals, e)
			}
			sort.SliceStable(g.Portals, func(i, j int) bool { return col.CompareString(g.Portals[i].Name, g.Portals[j].Name) < 0 })
			k.Count += len(g.Portals)
			k.Groups = append(k.Groups, g)
		}
		sort.Slice(k.Groups, func(i, j int) bool {
			a, b := k.Groups[i].Parent, k.Groups[j].Parent
			if a == "" || b == "" {
				return a == "" && b != ""
			}
			return col.CompareString(a, b) < 0
		})
		out = append(out, k)
	}
	return out, total
}
