package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Maintenance is a maintenance window the portal announces (Article 12.2):
// its banner shows from AnnounceFrom until EndsAt.
type Maintenance struct {
	AnnounceFrom, StartsAt, EndsAt  time.Time
	MessageVI, MessageEN, MessageRU string
}

// Message is the window's message in lang (vi, en or ru).
func (m Maintenance) Message(lang string) string {
	switch lang {
	case "en":
		return m.MessageEN
	case "ru":
		return m.MessageRU
	}
	return m.MessageVI
}

// MaintenanceWindows returns the windows not cancelled that have not ended
// at now, soonest first (at most 20).
func (s *Store) MaintenanceWindows(ctx context.Context, now time.Time) ([]Maintenance, error) {
	rows, err := s.pool.Query(ctx, `SELECT announce_from, starts_at, ends_at, message_vi, message_en, message_ru
		FROM maintenance_windows WHERE cancelled_at IS NULL AND ends_at > $1 ORDER BY starts_at, id LIMIT 20`, now)
	if err != nil {
		return nil, fmt.Errorf("maintenance windows: %w", err)
	}
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Maintenance])
	if err != nil {
		return nil, fmt.Errorf("maintenance windows: %w", err)
	}
	return ms, nil
}
