package inbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// StoreTakedown records the hub's takedown (or lift) of one of the
// sub-portal's items, unless a newer notice of that item is there already
// (notices may arrive out of order after a redelivery), and writes it to
// the audit log. It reports whether it changed anything.
func StoreTakedown(ctx context.Context, pool *pgxpool.Pool, n *pb.TakedownNotice) (bool, error) {
	changed := false
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO hub_takedowns (content_id, taken_down, reason, version, occurred_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (content_id) DO UPDATE SET taken_down = excluded.taken_down, reason = excluded.reason,
				version = excluded.version, occurred_at = excluded.occurred_at, received_at = now()
			WHERE hub_takedowns.occurred_at < excluded.occurred_at`,
			n.GetContentId(), n.GetTakenDown(), n.GetReason(), int64(n.GetVersion()), n.GetOccurredAt().AsTime())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		changed = true
		action := "hub_takedown"
		if !n.GetTakenDown() {
			action = "hub_takedown_lifted"
		}
		detail, _ := json.Marshal(map[string]any{"reason": n.GetReason(), "event": n.GetEventId()})
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor, action, content_id, version, detail) VALUES ('hub', $1, $2, $3, $4)`,
			action, n.GetContentId(), int64(n.GetVersion()), detail)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store the hub's takedown of %s: %w", n.GetContentId(), err)
	}
	return changed, nil
}
