package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// HubTakedown is the hub's takedown of an item on its own authority
// (Article 7.5), as its notice told the sub-portal (package inbox).
type HubTakedown struct {
	ContentID  string
	TakenDown  bool   // false: the hub has lifted it
	Reason     string // the public reason of the takedown
	Version    uint64
	OccurredAt time.Time
}

const hubTakedownColumns = `content_id, taken_down, reason, version, occurred_at`

func scanHubTakedown(row pgx.Row) (HubTakedown, error) {
	var t HubTakedown
	var v int64
	err := row.Scan(&t.ContentID, &t.TakenDown, &t.Reason, &v, &t.OccurredAt)
	t.Version = uint64(v)
	return t, err
}

// HubTakedownOf returns the hub's takedown of an item, nil when the hub
// never took it down.
func (s *Store) HubTakedownOf(ctx context.Context, contentID string) (_ *HubTakedown, err error) {
	defer boundary(&err)
	t, err := scanHubTakedown(s.pool.QueryRow(ctx, `SELECT `+hubTakedownColumns+` FROM hub_takedowns WHERE content_id = $1`, contentID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// HubTakedowns lists the items the hub has taken down now, newest first.
func (s *Store) HubTakedowns(ctx context.Context, limit int) (_ []HubTakedown, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `SELECT `+hubTakedownColumns+` FROM hub_takedowns WHERE taken_down
		ORDER BY occurred_at DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (HubTakedown, error) { return scanHubTakedown(r) })
}
