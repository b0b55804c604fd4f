package hubread

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// What the gateway reads of the tenant lifecycle (issue 10 point 3): the
// old ids of renamed tenants, where a merged unit's items went, and the
// redirect map of the old portals. docs/ARCHITECTURE.md "Tenant lifecycle".

// Aliases returns the old id of every renamed tenant and its current id.
func (s *Store) Aliases(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT old_id, tenant_id FROM tenant_aliases`)
	if err != nil {
		return nil, fmt.Errorf("tenant aliases: %w", err)
	}
	out := map[string]string{}
	var old, id string
	_, err = pgx.ForEachRow(rows, []any{&old, &id}, func() error { out[old] = id; return nil })
	if err != nil {
		return nil, fmt.Errorf("tenant aliases: %w", err)
	}
	return out, nil
}

// RedirectHosts returns the host names the redirect map holds old URLs of.
func (s *Store) RedirectHosts(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT host FROM redirect_map`)
	if err != nil {
		return nil, fmt.Errorf("redirect hosts: %w", err)
	}
	hosts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("redirect hosts: %w", err)
	}
	return hosts, nil
}

// Place is where an old URL lands: an item (ContentID), a section
// (Category, a category code) or a tenant's home, in Locale.
type Place struct {
	Tenant, ContentID, Category, Locale string
}

// Moved returns where a merge moved the item (tenant, contentID), following
// later merges; ErrNotFound when it was never moved.
func (s *Store) Moved(ctx context.Context, tenant, contentID string) (Place, error) {
	return s.follow(ctx, `SELECT tenant_id, content_id FROM item_moves WHERE from_tenant = $1 AND from_content_id = $2`, tenant, contentID)
}

// MovedSlug returns the item a merge moved that tenant served at slug in
// locale (its slug then, current or former); ErrNotFound when none.
func (s *Store) MovedSlug(ctx context.Context, tenant, locale, slug string) (Place, error) {
	return s.follow(ctx, `SELECT tenant_id, content_id FROM slug_moves WHERE from_tenant = $1 AND locale = $2 AND slug = $3`,
		tenant, locale, slug)
}

// follow reads a move and follows the item's later moves (a unit merged
// into one that was merged in turn).
func (s *Store) follow(ctx context.Context, q string, args ...any) (Place, error) {
	var p Place
	if err := s.pool.QueryRow(ctx, q, args...).Scan(&p.Tenant, &p.ContentID); err != nil {
		return Place{}, notFound(err, "moved item")
	}
	for range 10 { // a merge chain is a handful of steps at most
		var next Place
		err := s.pool.QueryRow(ctx, `SELECT tenant_id, content_id FROM item_moves WHERE from_tenant = $1 AND from_content_id = $2`,
			p.Tenant, p.ContentID).Scan(&next.Tenant, &next.ContentID)
		if errors.Is(err, pgx.ErrNoRows) {
			return p, nil
		}
		if err != nil {
			return Place{}, err
		}
		p = next
	}
	return p, nil
}

// RedirectTarget returns where the first of paths (old URLs' paths with
// their queries, the redirect_map keys) that the map holds on host lands;
// ErrNotFound when it holds none.
func (s *Store) RedirectTarget(ctx context.Context, host string, paths []string) (Place, error) {
	var p Place
	err := s.pool.QueryRow(ctx, `SELECT tenant_id, content_id, category, locale FROM redirect_map
		WHERE host = $1 AND path = ANY($2) ORDER BY array_position($2, path) LIMIT 1`, host, paths).
		Scan(&p.Tenant, &p.ContentID, &p.Category, &p.Locale)
	if err != nil {
		return Place{}, notFound(err, "redirect of %s", host)
	}
	return p, nil
}
