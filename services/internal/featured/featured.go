// Package featured keeps the provincial home's featured items (issue 10
// point 5; Article 8.12's highlighted news), chosen by the hub's operators
// instead of the newest of the highlights category, each with its position
// and period. Every change is in the audit log. The gateway reads the
// table (services/hubread). The advertising slot is hubstore's
// (AddAdvert, EndAdvert, SetAdvertsEnabled).
package featured

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// Store reads and writes the featured items and advertisements.
type Store struct{ pool *pgxpool.Pool }

// New returns a store on the hub database (its owner's connection).
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Item is a featured item of the provincial home.
type Item struct {
	Tenant    string     `json:"tenant"`
	ContentID string     `json:"content_id"`
	Position  int        `json:"position"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at,omitempty"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
}

// MaxPosition is the largest position.
const MaxPosition = 1000

// Feature puts an item on the home at position (lower first) from starts
// (zero: now) until ends (zero: until removed); featuring it again changes
// its position and period.
func (s *Store) Feature(ctx context.Context, actor, tenant, contentID string, position int, starts, ends, now time.Time) (Item, error) {
	if position < 0 || position > MaxPosition {
		return Item{}, &hubstore.Invalid{Vietnamese: fmt.Sprintf("thứ tự từ 0 đến %d", MaxPosition), English: fmt.Sprintf("position from 0 to %d", MaxPosition)}
	}
	if starts.IsZero() {
		starts = now
	}
	var endsAt *time.Time
	if !ends.IsZero() {
		if !ends.After(starts) || !ends.After(now) {
			return Item{}, &hubstore.Invalid{Vietnamese: "thời điểm kết thúc phải sau thời điểm bắt đầu và sau bây giờ",
				English: "the end must come after the start and after now"}
		}
		endsAt = &ends
	}
	var out Item
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var state string
		var takenDown bool
		if err := tx.QueryRow(ctx, `SELECT state, taken_down_at IS NOT NULL FROM items WHERE tenant_id = $1 AND content_id = $2`,
			tenant, contentID).Scan(&state, &takenDown); err != nil {
			return fmt.Errorf("item %s/%s: %w", tenant, contentID, err)
		}
		if state != "published" || takenDown {
			return &hubstore.Invalid{Vietnamese: "tin này không hiển thị công khai (đã thu hồi hoặc bị gỡ)",
				English: "that item is not public (withdrawn or taken down)"}
		}
		rows, err := tx.Query(ctx, `INSERT INTO featured_items (tenant_id, content_id, position, starts_at, ends_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (tenant_id, content_id) DO UPDATE SET position = EXCLUDED.position, starts_at = EXCLUDED.starts_at,
				ends_at = EXCLUDED.ends_at, created_by = EXCLUDED.created_by, created_at = now()
			RETURNING `+itemColumns, tenant, contentID, position, starts, endsAt, actor)
		if err != nil {
			return err
		}
		if out, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Item]); err != nil {
			return err
		}
		return hubstore.AppendAudit(ctx, tx, actor, "featured.added", tenant, contentID,
			map[string]any{"position": position, "starts_at": out.StartsAt, "ends_at": out.EndsAt})
	})
	return out, hubstore.MapErr(fmt.Sprintf("feature %s/%s", tenant, contentID), err)
}

const itemColumns = `tenant_id, content_id, position, starts_at, ends_at, created_by, created_at`

// Unfeature takes an item off the home; ErrNotFound when it was not on it.
func (s *Store) Unfeature(ctx context.Context, actor, tenant, contentID string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM featured_items WHERE tenant_id = $1 AND content_id = $2`, tenant, contentID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("featured item %s/%s: %w", tenant, contentID, hubstore.ErrNotFound)
		}
		return hubstore.AppendAudit(ctx, tx, actor, "featured.removed", tenant, contentID, nil)
	})
	return hubstore.MapErr(fmt.Sprintf("unfeature %s/%s", tenant, contentID), err)
}

// Items lists the featured items, in position order (ended ones too,
// until removed).
func (s *Store) Items(ctx context.Context) ([]Item, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+itemColumns+` FROM featured_items ORDER BY position, starts_at, tenant_id, content_id`)
	if err != nil {
		return nil, hubstore.MapErr("featured items", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Item])
	return out, hubstore.MapErr("featured items", err)
}
