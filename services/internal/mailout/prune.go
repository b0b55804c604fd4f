package mailout

import (
	"context"
	"fmt"
	"time"
)

// DefaultRetain is Config.Retain's default: how long a sent or failed
// message (its address and bodies, personal data) is kept for enquiries.
const DefaultRetain = 30 * 24 * time.Hour

const (
	// pruneEvery is how often the relay prunes.
	pruneEvery = time.Hour
	// pruneBatch bounds one DELETE.
	pruneBatch = 10000
)

const pruneSQL = `
DELETE FROM mail_outbox
WHERE id IN (
	SELECT id FROM mail_outbox
	WHERE coalesce(sent_at, failed_at) < now() - make_interval(secs => $1)
	LIMIT $2
)`

// Prune deletes the messages sent or refused longer ago than the retention,
// in bounded batches, and returns how many it deleted. Queued messages are
// never deleted.
func (r *Relay) Prune(ctx context.Context) (int64, error) {
	var total int64
	for {
		tag, err := r.cfg.Pool.Exec(ctx, pruneSQL, r.cfg.Retain.Seconds(), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("prune mail: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < pruneBatch {
			return total, nil
		}
	}
}

// pruneLoop prunes at start and every pruneEvery until ctx is done.
func (r *Relay) pruneLoop(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		n, err := r.Prune(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn().Err(err).Msg("mail prune failed")
		case n > 0:
			r.log.Info().Int64("count", n).Msg("mail pruned")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
