package hubread

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The organisation (Article 8.3): each unit is an ORGANISATION_UNIT item of
// some tenant and names its parent unit, an item of any tenant (the
// People's Committee is the root; a department's units hang below it).

// OrgUnit is an organisation unit as a tree or a list of units shows it.
type OrgUnit struct {
	Tenant, ContentID string
	// ParentTenant and ParentID name the parent unit; empty for a root.
	ParentTenant, ParentID string
	Texts                  map[string]Text
}

// In returns the text in locale, or the Vietnamese one; fallback reports
// which it did.
func (u OrgUnit) In(locale string) (Text, bool) { return Listed{Texts: u.Texts}.In(locale) }

// OrgNode is a unit of the tree with its child units.
type OrgNode struct {
	OrgUnit
	Children []*OrgNode
}

// orgUnitColumns are what a tree shows of a unit i with its translations tr.
const orgUnitColumns = `i.tenant_id, i.content_id,
	coalesce(i.doc #>> '{organisationUnit,parent,tenant}', ''), coalesce(i.doc #>> '{organisationUnit,parent,contentId}', ''),
	tr.locales, tr.slugs, tr.titles, tr.summaries`

// orgUnitOrder sorts units by their Vietnamese name in Vietnamese order.
const orgUnitOrder = `(SELECT t.title FROM item_translations t WHERE t.tenant_id = i.tenant_id AND t.content_id = i.content_id AND t.locale = 'vi') COLLATE "vi-x-icu", i.tenant_id, i.content_id`

func scanOrgUnit(r pgx.CollectableRow) (OrgUnit, error) {
	var u OrgUnit
	var locales, slugs, titles, summaries []string
	if err := r.Scan(&u.Tenant, &u.ContentID, &u.ParentTenant, &u.ParentID, &locales, &slugs, &titles, &summaries); err != nil {
		return u, err
	}
	u.Texts = texts(locales, slugs, titles, summaries)
	return u, nil
}

// texts makes an item's texts by locale from its translations' columns.
func texts(locales, slugs, titles, summaries []string) map[string]Text {
	out := make(map[string]Text, len(locales))
	for i, loc := range locales {
		out[loc] = Text{Slug: slugs[i], Title: titles[i], Summary: summaries[i]}
	}
	return out
}

// OrgTree returns the visible organisation units of every tenant as a
// tree, built from their parent references, in one query. A unit whose
// parent is not a visible unit is a root; siblings are in Vietnamese
// alphabetical order. A reference cycle (which the hub does not prevent
// across tenants) is broken where it closes: the units of the cycle hang
// below the unit first met in that order.
func (s *Store) OrgTree(ctx context.Context) ([]*OrgNode, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orgUnitColumns+` FROM items i `+translationsOf("i")+`
		WHERE i.kind = 'organisation_unit' AND `+visibleItems+` AND tr.locales IS NOT NULL
		ORDER BY `+orgUnitOrder)
	if err != nil {
		return nil, fmt.Errorf("organisation tree: %w", err)
	}
	units, err := pgx.CollectRows(rows, scanOrgUnit)
	if err != nil {
		return nil, fmt.Errorf("organisation tree: %w", err)
	}
	return buildOrgTree(units), nil
}

func buildOrgTree(units []OrgUnit) []*OrgNode {
	key := func(tenant, id string) string { return tenant + "/" + id }
	nodes := make(map[string]*OrgNode, len(units))
	for _, u := range units {
		nodes[key(u.Tenant, u.ContentID)] = &OrgNode{OrgUnit: u}
	}
	parentOf := func(n *OrgNode) *OrgNode {
		if n.ParentID == "" {
			return nil
		}
		return nodes[key(n.ParentTenant, n.ParentID)]
	}
	// A cycle is broken at the member met first: it becomes a root.
	broken := map[*OrgNode]bool{}
	for _, u := range units {
		n := nodes[key(u.Tenant, u.ContentID)]
		seen := map[*OrgNode]bool{}
		for a := parentOf(n); a != nil && !seen[a]; a = parentOf(a) {
			if a != n {
				seen[a] = true
				continue
			}
			done := false // another member of the cycle broke it already
			for b := parentOf(n); b != n; b = parentOf(b) {
				done = done || broken[b]
			}
			broken[n] = !done
			break
		}
	}
	var roots []*OrgNode
	for _, u := range units {
		n := nodes[key(u.Tenant, u.ContentID)]
		if p := parentOf(n); p != nil && !broken[n] {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

// OrgFamily is a unit's parent (nil for a root or a parent the public does
// not see) and its child units, in Vietnamese alphabetical order.
type OrgFamily struct {
	Parent   *OrgUnit
	Children []OrgUnit
}

// OrgFamilyOf returns the parent and the children of a unit whose parent
// reference is (parentTenant, parentID), in one query.
func (s *Store) OrgFamilyOf(ctx context.Context, tenant, contentID, parentTenant, parentID string) (OrgFamily, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.tenant_id = $3 AND i.content_id = $4, `+orgUnitColumns+` FROM items i `+translationsOf("i")+`
		WHERE i.kind = 'organisation_unit' AND `+visibleItems+` AND tr.locales IS NOT NULL AND (
			(i.doc #>> '{organisationUnit,parent,tenant}' = $1 AND i.doc #>> '{organisationUnit,parent,contentId}' = $2
			 AND NOT (i.tenant_id = $1 AND i.content_id = $2))
			OR (i.tenant_id = $3 AND i.content_id = $4))
		ORDER BY `+orgUnitOrder, tenant, contentID, parentTenant, parentID)
	if err != nil {
		return OrgFamily{}, fmt.Errorf("units of %s/%s: %w", tenant, contentID, err)
	}
	var f OrgFamily
	type row struct {
		isParent bool
		unit     OrgUnit
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var locales, slugs, titles, summaries []string
		err := r.Scan(&x.isParent, &x.unit.Tenant, &x.unit.ContentID, &x.unit.ParentTenant, &x.unit.ParentID,
			&locales, &slugs, &titles, &summaries)
		x.unit.Texts = texts(locales, slugs, titles, summaries)
		return x, err
	})
	if err != nil {
		return OrgFamily{}, fmt.Errorf("units of %s/%s: %w", tenant, contentID, err)
	}
	for _, x := range rs {
		if x.isParent {
			u := x.unit
			f.Parent = &u
		} else {
			f.Children = append(f.Children, x.unit)
		}
	}
	return f, nil
}
