package outbox

import (
	"context"
	"fmt"
	"time"
)

const pruneSQL = `
DELETE FROM outbox
WHERE id IN (
	SELECT id FROM outbox
	WHERE published_at < now() - make_interval(secs => $1)
	LIMIT $2
)`

// Prune deletes the rows published longer ago than the retention, in bounded
// batches, and returns how many it deleted. Unpublished rows are never
// deleted.
func (r *Relay) Prune(ctx context.Context) (int64, error) {
	var total int64
	for {
		tag, err := r.pool.Exec(ctx, pruneSQL, r.retain.Seconds(), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("prune outbox: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < pruneBatch {
			return total, nil
		}
	}
}

// pruneLoop prunes every pruneEvery until ctx is done.
func (r *Relay) pruneLoop(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.Prune(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn().Err(err).Msg("outbox prune failed")
		case n > 0:
			r.log.Debug().Int64("count", n).Msg("outbox pruned")
		}
	}
}
