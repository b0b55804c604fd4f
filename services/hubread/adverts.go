package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Advert is an advertisement (Article 13 of the regulation): the hub's
// operators add them and turn the slot on (none and off by default); the
// portal shows those in their period, always labelled as advertising.
type Advert struct {
	Advertiser, Label, URL, ImageURL string
	StartsAt, EndsAt                 time.Time
}

// Adverts returns, while the advertising slot is on (portal_settings),
// the advertisements whose period has not ended at now
// (current and coming), the latest start first; none while it is off.
func (s *Store) Adverts(ctx context.Context, now time.Time) ([]Advert, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.advertiser, a.label, a.url, a.image_url, a.starts_at, a.ends_at
		FROM advertisements a, portal_settings p
		WHERE p.adverts_enabled AND a.ends_at > $1
		ORDER BY a.starts_at DESC, a.id DESC LIMIT 50`, now)
	if err != nil {
		return nil, fmt.Errorf("adverts: %w", err)
	}
	as, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Advert])
	if err != nil {
		return nil, fmt.Errorf("adverts: %w", err)
	}
	return as, nil
}

// FeaturedPick is an item the ops team featured on the provincial home,
// in its period (EndsAt nil: until removed).
type FeaturedPick struct {
	Tenant, ContentID string
	Position          int
	StartsAt          time.Time
	EndsAt            *time.Time
}

// FeaturedPicks returns the featured items whose period has not ended at
// now (current and coming), in position order.
func (s *Store) FeaturedPicks(ctx context.Context, now time.Time) ([]FeaturedPick, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, content_id, position, starts_at, ends_at FROM featured_items
		WHERE ends_at IS NULL OR ends_at > $1 ORDER BY position, starts_at, tenant_id, content_id LIMIT 100`, now)
	if err != nil {
		return nil, fmt.Errorf("featured picks: %w", err)
	}
	ps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[FeaturedPick])
	if err != nil {
		return nil, fmt.Errorf("featured picks: %w", err)
	}
	return ps, nil
}

// FeaturedItems returns the featured items shown at now that the public
// may see, in position order, at most n.
func (s *Store) FeaturedItems(ctx context.Context, now time.Time, n int) ([]Listed, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM (
			SELECT i.tenant_id, i.content_id, i.kind, i.category, i.published_at, i.updated_at, f.position, f.starts_at
			FROM featured_items f JOIN items i USING (tenant_id, content_id)
			WHERE %s AND f.starts_at <= $1 AND (f.ends_at IS NULL OR f.ends_at > $1)
			ORDER BY f.position, f.starts_at, i.tenant_id, i.content_id LIMIT $2) i
		%s
		ORDER BY i.position, i.starts_at, i.tenant_id, i.content_id`, listedColumns, visibleItems, translationsLateral), now, n)
	if err != nil {
		return nil, fmt.Errorf("featured items: %w", err)
	}
	ls, err := pgx.CollectRows(rows, scanListed)
	if err != nil {
		return nil, fmt.Errorf("featured items: %w", err)
	}
	return ls, nil
}
