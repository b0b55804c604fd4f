package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Advert is an advertisement (Article 13 of the regulation): the hub adds
// them (none by default); the portal shows those in their period, always
// labelled as advertising.
type Advert struct {
	Advertiser, Label, URL string
	StartsAt, EndsAt       time.Time
}

// Adverts returns the advertisements shown at now, the newest first.
func (s *Store) Adverts(ctx context.Context, now time.Time) ([]Advert, error) {
	rows, err := s.pool.Query(ctx, `SELECT advertiser, label, url, starts_at, ends_at FROM advertisements
		WHERE starts_at <= $1 AND ends_at > $1 ORDER BY starts_at DESC, id DESC LIMIT 3`, now)
	if err != nil {
		return nil, fmt.Errorf("adverts: %w", err)
	}
	as, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Advert])
	if err != nil {
		return nil, fmt.Errorf("adverts: %w", err)
	}
	return as, nil
}
