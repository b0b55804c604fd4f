package hubread

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A section is a category's visible items (published, not taken down),
// provincial (every tenant's) or one tenant's, newest first. Its sort key
// is (published_at, tenant_id, content_id), all descending, so that a
// cursor's key compares as one row value and the indexes items_section and
// items_tenant_section (migration 00007) serve every page.

// SectionKeyFields is the number of fields of a section cursor's key.
const SectionKeyFields = 3

// SectionQuery selects one page of a section.
type SectionQuery struct {
	Category string // category code
	Tenant   string // "" for the provincial section
	// Cursor is the page's place (ParseCursor(s, SectionKeyFields)); nil
	// for the first page.
	Cursor *Cursor
	// Limit is the page size; default PageSize.
	Limit int
}

// SectionKey is the sort key of a listed item in a section.
func SectionKey(l Listed) []string {
	return []string{KeyTime(l.PublishedAt), l.Tenant, l.ContentID}
}

// listedColumns are what a list shows of an item: the page of items is
// chosen first (by index, LIMIT), then each item's translations are
// gathered, so the cost is the page's, not the section's.
const listedColumns = `i.tenant_id, i.content_id, i.kind, i.category, i.published_at, i.updated_at,
	tr.locales, tr.slugs, tr.titles, tr.summaries`

const translationsLateral = `CROSS JOIN LATERAL (
	SELECT array_agg(t.locale ORDER BY t.locale) AS locales, array_agg(t.slug ORDER BY t.locale) AS slugs,
	       array_agg(t.title ORDER BY t.locale) AS titles, array_agg(t.summary ORDER BY t.locale) AS summaries
	FROM item_translations t WHERE t.tenant_id = i.tenant_id AND t.content_id = i.content_id) tr
WHERE tr.locales IS NOT NULL`

// visibleItems is the condition of an item the public may see in lists.
const visibleItems = `i.state = 'published' AND i.taken_down_at IS NULL`

func scanListed(r pgx.CollectableRow) (Listed, error) {
	var l Listed
	var locales, slugs, titles, summaries []string
	if err := r.Scan(&l.Tenant, &l.ContentID, &l.Kind, &l.Category, &l.PublishedAt, &l.UpdatedAt,
		&locales, &slugs, &titles, &summaries); err != nil {
		return l, err
	}
	l.Texts = make(map[string]Text, len(locales))
	for i, loc := range locales {
		l.Texts[loc] = Text{Slug: slugs[i], Title: titles[i], Summary: summaries[i]}
	}
	return l, nil
}

// Section returns one page of a section in one query.
func (s *Store) Section(ctx context.Context, q SectionQuery) (Page[Listed], error) {
	limit := q.Limit
	if limit <= 0 {
		limit = PageSize
	}
	where := []string{visibleItems, "i.category = $1"}
	args := []any{q.Category}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Tenant != "" {
		where = append(where, "i.tenant_id = "+arg(q.Tenant))
	}
	order := "DESC"
	if c := q.Cursor; c != nil {
		if len(c.Key) != SectionKeyFields {
			return Page[Listed]{}, fmt.Errorf("section %s: %w", q.Category, ErrBadCursor)
		}
		at, err := c.Time(0)
		if err != nil {
			return Page[Listed]{}, fmt.Errorf("section %s: %w", q.Category, err)
		}
		cmp := "<"
		if c.Dir == Before {
			cmp, order = ">", "ASC"
		}
		where = append(where, fmt.Sprintf("(i.published_at, i.tenant_id, i.content_id) %s (%s, %s, %s)",
			cmp, arg(at), arg(c.Key[1]), arg(c.Key[2])))
	}
	sql := fmt.Sprintf(`SELECT %s FROM (
		SELECT i.tenant_id, i.content_id, i.kind, i.category, i.published_at, i.updated_at FROM items i
		WHERE %s
		ORDER BY i.published_at %[3]s, i.tenant_id %[3]s, i.content_id %[3]s
		LIMIT %s) i
	%s
	ORDER BY i.published_at %[3]s, i.tenant_id %[3]s, i.content_id %[3]s`,
		listedColumns, strings.Join(where, " AND "), order, arg(limit+1), translationsLateral)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return Page[Listed]{}, fmt.Errorf("section %s of %q: %w", q.Category, q.Tenant, err)
	}
	ls, err := pgx.CollectRows(rows, scanListed)
	if err != nil {
		return Page[Listed]{}, fmt.Errorf("section %s of %q: %w", q.Category, q.Tenant, err)
	}
	return paginate(ls, limit, q.Cursor, SectionKey), nil
}

// SectionsNewest returns, for each category code given, its newest n
// visible items (provincial, or one tenant's when tenant is not ""), in
// one query: the blocks of a home page.
func (s *Store) SectionsNewest(ctx context.Context, codes []string, tenant string, n int) (map[string][]Listed, error) {
	tenantCond := ""
	args := []any{codes, n}
	if tenant != "" {
		tenantCond = "AND i.tenant_id = $3"
		args = append(args, tenant)
	}
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM unnest($1::text[]) AS c (code)
		CROSS JOIN LATERAL (
			SELECT i.tenant_id, i.content_id, i.kind, i.category, i.published_at, i.updated_at FROM items i
			WHERE %s AND i.category = c.code %s
			ORDER BY i.published_at DESC, i.tenant_id DESC, i.content_id DESC
			LIMIT $2) i
		%s
		ORDER BY c.code, i.published_at DESC, i.tenant_id DESC, i.content_id DESC`,
		listedColumns, visibleItems, tenantCond, translationsLateral), args...)
	if err != nil {
		return nil, fmt.Errorf("newest of sections: %w", err)
	}
	ls, err := pgx.CollectRows(rows, scanListed)
	if err != nil {
		return nil, fmt.Errorf("newest of sections: %w", err)
	}
	out := map[string][]Listed{}
	for _, l := range ls {
		out[l.Category] = append(out[l.Category], l)
	}
	return out, nil
}

// NewestPerTenant returns the newest visible items of active tenants, at
// most perTenant of each and limit in all, newest first, in one query: one
// tenant publishing a hundred items in an hour cannot push the others off a
// home page. Each tenant's newest rows come from items_tenant_latest.
func (s *Store) NewestPerTenant(ctx context.Context, perTenant, limit int) ([]Listed, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM (
		SELECT i.* FROM tenants tn CROSS JOIN LATERAL (
			SELECT i.tenant_id, i.content_id, i.kind, i.category, i.published_at, i.updated_at FROM items i
			WHERE i.tenant_id = tn.id AND %s
			ORDER BY i.published_at DESC, i.content_id DESC
			LIMIT $1) i
		WHERE tn.status = 'active'
		ORDER BY i.published_at DESC, i.tenant_id DESC, i.content_id DESC
		LIMIT $2) i
	%s
	ORDER BY i.published_at DESC, i.tenant_id DESC, i.content_id DESC`, listedColumns, visibleItems, translationsLateral),
		perTenant, limit)
	if err != nil {
		return nil, fmt.Errorf("newest per tenant: %w", err)
	}
	ls, err := pgx.CollectRows(rows, scanListed)
	if err != nil {
		return nil, fmt.Errorf("newest per tenant: %w", err)
	}
	return ls, nil
}
