package portal

import (
	"context"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// The organisation section (Article 8.3): the People's Committee and its
// agencies as a tree, each unit below the unit it belongs to (a parent of
// any tenant), in one query (hubread.OrgTree). On a sub-portal's site, its
// own units: each topmost one with the unit it belongs to named, and what
// hangs below it.

// orgTreeView is the organisation section's page.
type orgTreeView struct {
	base
	Heading string
	Roots   []orgNodeView
}

// orgNodeView is a unit of the tree with its child units; BelongsTo names
// the parent of a sub-portal's topmost unit, which the tree does not show,
// after the words BelongsLabel.
type orgNodeView struct {
	unitLink
	BelongsTo    *unitLink
	BelongsLabel string
	Children     []orgNodeView
}

func (s *Server) organisationSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	roots, err := s.cfg.Store.OrgTree(ctx)
	if err != nil {
		return nil, err
	}
	v := orgTreeView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang)}
	v.Description = v.L.T("org.tree_intro")
	if sec.Tenant == nil {
		for _, n := range roots {
			v.Roots = append(v.Roots, orgNodeOf(sec.Lang, n))
		}
	} else {
		v.Roots = tenantUnits(sec.Lang, roots, nil, sec.Tenant.ID)
		for i := range v.Roots {
			v.Roots[i].BelongsLabel = v.L.T("org.belongs_to")
		}
	}
	// The tree holds every tenant's units: any content event may change it.
	return s.page("orgtree", v, []pagecache.Tag{pagecache.AnyContent})
}

func orgNodeOf(lang string, n *hubread.OrgNode) orgNodeView {
	v := orgNodeView{unitLink: unitLinkOf(lang, n.OrgUnit)}
	for _, c := range n.Children {
		v.Children = append(v.Children, orgNodeOf(lang, c))
	}
	return v
}

// tenantUnits are the topmost units of tenant in the trees below nodes
// (whose parent is parent), each with what hangs below it.
func tenantUnits(lang string, nodes []*hubread.OrgNode, parent *hubread.OrgNode, tenant string) []orgNodeView {
	var out []orgNodeView
	for _, n := range nodes {
		if n.Tenant != tenant {
			out = append(out, tenantUnits(lang, n.Children, n, tenant)...)
			continue
		}
		v := orgNodeOf(lang, n)
		if parent != nil {
			p := unitLinkOf(lang, parent.OrgUnit)
			v.BelongsTo = &p
		}
		out = append(out, v)
	}
	return out
}
