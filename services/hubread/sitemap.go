package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A sitemap lists the pages of one site: an item's page in each language
// it is translated into. The provincial site holds the items of the active
// tenants that have no host of their own; a tenant's own host holds its
// items (their pages are canonical there).

// SitemapSite says whose items a sitemap lists.
type SitemapSite struct {
	// Tenant is the tenant whose own host the sitemap is for; "" for the
	// provincial site.
	Tenant string
}

// SitemapURL is an item's page in one language, with every language it
// has.
type SitemapURL struct {
	Tenant, ContentID string
	Locale, Slug      string
	UpdatedAt         time.Time
	// Slugs maps each locale the item is translated into to its slug.
	Slugs map[string]string
}

// sitemapFrom selects the visible items' translations of a site.
const sitemapFrom = `FROM item_translations t
	JOIN items i ON i.tenant_id = t.tenant_id AND i.content_id = t.content_id
	JOIN tenants tn ON tn.id = t.tenant_id
	WHERE i.state = 'published' AND i.taken_down_at IS NULL AND tn.status = 'active' AND `

func sitemapSiteCond(site SitemapSite) (string, []any) {
	if site.Tenant != "" {
		return `t.tenant_id = $1`, []any{site.Tenant}
	}
	return `NOT EXISTS (SELECT 1 FROM tenant_hosts h WHERE h.tenant_id = t.tenant_id AND h.is_primary)`, nil
}

// SitemapCount returns how many item pages a site's sitemaps list.
func (s *Store) SitemapCount(ctx context.Context, site SitemapSite) (int, error) {
	cond, args := sitemapSiteCond(site)
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) `+sitemapFrom+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sitemap count: %w", err)
	}
	return n, nil
}

// SitemapURLs returns n item pages of a site from position off, in the
// order of (tenant, content id, locale), in one query.
//
// A sitemap file is a range of positions, so it is read with OFFSET, not
// keyset like the lists visitors page through: its number in the sitemap
// index is a position, the files are few (one per 50,000 pages), and each
// is rendered once per change of the content and kept in the page cache.
func (s *Store) SitemapURLs(ctx context.Context, site SitemapSite, off, n int) ([]SitemapURL, error) {
	cond, args := sitemapSiteCond(site)
	args = append(args, off, n)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT u.tenant_id, u.content_id, u.locale, u.slug, u.updated_at, a.locales, a.slugs
		FROM (SELECT t.tenant_id, t.content_id, t.locale, t.slug, i.updated_at %s%s
			ORDER BY t.tenant_id, t.content_id, t.locale OFFSET $%d LIMIT $%d) u
		CROSS JOIN LATERAL (SELECT array_agg(t.locale ORDER BY t.locale) AS locales, array_agg(t.slug ORDER BY t.locale) AS slugs
			FROM item_translations t WHERE t.tenant_id = u.tenant_id AND t.content_id = u.content_id) a
		ORDER BY u.tenant_id, u.content_id, u.locale`, sitemapFrom, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	urls, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SitemapURL, error) {
		var u SitemapURL
		var locales, slugs []string
		if err := r.Scan(&u.Tenant, &u.ContentID, &u.Locale, &u.Slug, &u.UpdatedAt, &locales, &slugs); err != nil {
			return u, err
		}
		u.Slugs = make(map[string]string, len(locales))
		for i, l := range locales {
			u.Slugs[l] = slugs[i]
		}
		return u, nil
	})
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return urls, nil
}
