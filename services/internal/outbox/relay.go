// Package outbox provides the relay that publishes the hub outbox to
// JetStream.
//
// The aggregator writes each event into the outbox table in the transaction
// that stores the content. The relay claims unpublished rows with
// FOR UPDATE SKIP LOCKED, in id order but with no id cursor, so a row whose
// transaction commits after a row with a higher id is still published. It
// publishes each row with Nats-Msg-Id = the row's msg_id, marks a row only
// after JetStream acknowledged it, and prunes published rows after a while.
// It wakes on LISTEN hub_outbox and sweeps periodically as well (pgwake),
// and retries a failed pass with pgwake's backoff. Rows the aggregator
// committed in this process are handed to it (Hand) and published without
// being claimed first.
//
// Several relays may run against one database: SKIP LOCKED keeps them from
// claiming the same row, and a row published twice (a crash after the publish
// and before the commit) is dropped by the stream's duplicate window because
// its message id is deterministic.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Defaults of Config.
const (
	DefaultBatch  = 256
	DefaultSweep  = time.Second
	DefaultRetain = time.Hour
)

const (
	// ackTimeout bounds the wait for JetStream's acknowledgements of a batch.
	ackTimeout = 5 * time.Second
	// pruneEvery is how often Run prunes published rows.
	pruneEvery = time.Minute
	// pruneBatch bounds one DELETE of published rows.
	pruneBatch = 10000
	// maxErrorLen bounds the error text kept in outbox.last_error.
	maxErrorLen = 1000
	// maxHanded bounds the rows handed (Hand) and not yet published; more
	// are left to the passes, which find them in the table.
	maxHanded = 4096
)

// Channel is the PostgreSQL notification channel the outbox trigger signals.
const Channel = "hub_outbox"

// listenerAppName names the listening connection in pg_stat_activity.
const listenerAppName = "portalhub-outbox-listener"

// errAckTimeout is recorded for a row whose publish was not acknowledged in
// time.
var errAckTimeout = errors.New("no acknowledgement from JetStream within " + ackTimeout.String())

// Config configures a Relay.
type Config struct {
	// Pool is the hub database.
	Pool *pgxpool.Pool
	// JS publishes to the stream that holds the outbox's subjects.
	JS jetstream.JetStream
	// Log receives the relay's structured logs (never payloads).
	Log zerolog.Logger
	// Batch is the most rows claimed in one transaction (default 256).
	Batch int
	// Sweep is how often the relay looks for rows without a notification
	// (default 1s).
	Sweep time.Duration
	// Retain is how long published rows are kept before they are pruned
	// (default 1h). It must exceed events.DuplicateWindow; a shorter value is
	// raised to the default.
	Retain time.Duration
	// Registerer, when set, receives the relay's Prometheus metrics.
	Registerer prometheus.Registerer
}

// Relay publishes the hub outbox to JetStream. Build it with NewRelay.
type Relay struct {
	pool    *pgxpool.Pool
	js      jetstream.JetStream
	log     zerolog.Logger
	batch   int
	sweep   time.Duration
	retain  time.Duration
	metrics *metrics
	waker   *pgwake.Waker

	handMu sync.Mutex
	handed []outboxRow // see Hand
}

// NewRelay returns a relay configured by cfg, with defaults for the zero
// fields. It registers its metrics with cfg.Registerer when one is given.
func NewRelay(cfg Config) *Relay {
	r := &Relay{
		pool:    cfg.Pool,
		js:      cfg.JS,
		log:     cfg.Log.With().Str("component", "outbox").Logger(),
		batch:   cfg.Batch,
		sweep:   cfg.Sweep,
		retain:  cfg.Retain,
		metrics: newMetrics(cfg.Registerer),
	}
	if r.batch <= 0 {
		r.batch = DefaultBatch
	}
	if r.sweep <= 0 {
		r.sweep = DefaultSweep
	}
	if r.retain == 0 {
		r.retain = DefaultRetain
	}
	r.waker = pgwake.New(pgwake.Config{Pool: r.pool, Channel: Channel, AppName: listenerAppName, Sweep: r.sweep, Log: r.log})
	if r.retain <= events.DuplicateWindow {
		r.log.Warn().Dur("retain", r.retain).Dur("duplicate_window", events.DuplicateWindow).
			Dur("using", DefaultRetain).Msg("outbox retention must exceed the duplicate window")
		r.retain = DefaultRetain
	}
	return r
}

// Run relays the outbox until ctx is done, then returns nil. Failures of the
// database or of NATS are logged and retried with backoff; they do not end
// Run.
func (r *Relay) Run(ctx context.Context) error {
	defer r.waker.Start(ctx, r.pruneLoop)()
	r.waker.Loop(ctx, "outbox", func(ctx context.Context) (time.Duration, error) {
		if _, err := r.publishHanded(ctx); err != nil {
			return 0, err
		}
		_, err := r.Flush(ctx)
		if ctx.Err() == nil {
			r.observe(ctx)
		}
		return 0, err
	})
	return nil
}

// Wake starts a pass now, as the outbox trigger's notification would: the
// aggregator calls it when a transaction that wrote outbox rows committed
// (hubstore.Store.OnOutbox), so that the relay does not wait for the
// notification's way through the database.
func (r *Relay) Wake() { r.waker.Wake() }

// Hand gives the relay a row that a transaction of this process wrote
// into the outbox and committed (hubstore.Store.OnOutboxRows), and wakes it:
// its next pass publishes the row first, as it is, without claiming it from
// the table (a transaction and a query, each a wait on a loaded machine,
// before the event can leave), then marks it published unless another
// relay holds it. A row handed and also claimed by a pass of another relay
// is published twice with the same Nats-Msg-Id, which the stream drops
// as a duplicate, as after a crash between publish and commit. A row whose
// publish fails stays in the table for the passes.
func (r *Relay) Hand(id int64, subject, msgID string, payload []byte) {
	r.handMu.Lock()
	if len(r.handed) < maxHanded {
		r.handed = append(r.handed, outboxRow{ID: id, Subject: subject, MsgID: msgID, Payload: payload})
	}
	r.handMu.Unlock()
	r.waker.Wake()
}

// markHandedSQL marks handed rows published at their acknowledgement
// ($2), skipping those a pass holds (that pass marks them) and those
// already marked.
const markHandedSQL = `
WITH mine AS (SELECT id FROM outbox WHERE id = ANY($1) AND published_at IS NULL FOR UPDATE SKIP LOCKED)
UPDATE outbox AS o SET published_at = p.at, attempts = o.attempts + 1, last_error = NULL
FROM mine, unnest($1::bigint[], $2::timestamptz[]) AS p(id, at)
WHERE o.id = mine.id AND p.id = mine.id`

// publishHanded publishes the rows handed since the last pass and marks
// those JetStream acknowledged. It returns how many it published.
func (r *Relay) publishHanded(ctx context.Context) (int, error) {
	r.handMu.Lock()
	batch := r.handed
	r.handed = nil
	r.handMu.Unlock()
	if len(batch) == 0 {
		return 0, nil
	}
	errs, acked := r.publish(ctx, batch)
	var okIDs []int64
	var okAt []time.Time
	for i, row := range batch {
		if errs[i] == nil {
			okIDs = append(okIDs, row.ID)
			okAt = append(okAt, acked[i])
		}
	}
	if len(okIDs) == 0 {
		return 0, nil // the pass that follows publishes them, or records why not
	}
	tag, err := r.pool.Exec(ctx, markHandedSQL, okIDs, okAt)
	if err != nil {
		return len(okIDs), fmt.Errorf("mark %d handed outbox rows published: %w", len(okIDs), err)
	}
	r.metrics.published.Add(float64(tag.RowsAffected()))
	return len(okIDs), nil
}

// Flush publishes unpublished rows, batch after batch while batches come back
// full, and returns how many it published. It stops at the first batch with a
// failure and returns an error describing it; the failed rows keep their
// attempts and last_error and are retried by a later pass.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	total := 0
	for {
		claimed, published, err := r.publishBatch(ctx)
		total += published
		if err != nil || claimed < r.batch {
			return total, err
		}
	}
}

// Pending counts the unpublished rows.
func (r *Relay) Pending(ctx context.Context) (int64, error) {
	var n int64
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE published_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending outbox rows: %w", err)
	}
	return n, nil
}

// outboxRow is one claimed row of the outbox.
type outboxRow struct {
	ID      int64
	Subject string
	MsgID   string
	Payload []byte
}

const claimSQL = `
SELECT id, subject, msg_id, payload
FROM outbox
WHERE published_at IS NULL
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED`

// markPublishedSQL marks rows published at their acknowledgement ($2).
const markPublishedSQL = `
UPDATE outbox AS o SET published_at = p.at, attempts = o.attempts + 1, last_error = NULL
FROM unnest($1::bigint[], $2::timestamptz[]) AS p(id, at)
WHERE o.id = p.id`

const markFailedSQL = `
UPDATE outbox AS o SET attempts = o.attempts + 1, last_error = f.err
FROM unnest($1::bigint[], $2::text[]) AS f(id, err)
WHERE o.id = f.id`

// publishBatch claims one batch in a transaction, publishes it in id order,
// waits for the acknowledgements and records the outcome of every row. It
// returns how many rows it claimed and how many were published; err is set
// when the pass failed or some rows could not be published.
func (r *Relay) publishBatch(ctx context.Context) (claimed, published int, err error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("begin outbox pass: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after Commit

	rows, _ := tx.Query(ctx, claimSQL, r.batch)
	batch, err := pgx.CollectRows(rows, pgx.RowToStructByPos[outboxRow])
	if err != nil {
		return 0, 0, fmt.Errorf("claim outbox rows: %w", err)
	}
	if len(batch) == 0 {
		return 0, 0, tx.Commit(ctx)
	}

	errs, acked := r.publish(ctx, batch)
	if ctx.Err() != nil {
		// Rolling back leaves the rows to the next pass; whatever was
		// published meanwhile is dropped then as a duplicate.
		return len(batch), 0, ctx.Err()
	}

	var okIDs, failedIDs []int64
	var okAt []time.Time
	var failedErrs []string
	var firstErr error
	var firstFailed outboxRow
	for i, row := range batch {
		if errs[i] == nil {
			okIDs = append(okIDs, row.ID)
			okAt = append(okAt, acked[i])
			r.log.Debug().Str("subject", row.Subject).Str("msg_id", row.MsgID).Msg("outbox row published")
			continue
		}
		if firstErr == nil {
			firstErr, firstFailed = errs[i], row
		}
		failedIDs = append(failedIDs, row.ID)
		failedErrs = append(failedErrs, truncate(errs[i].Error(), maxErrorLen))
	}
	if len(okIDs) > 0 {
		if _, err := tx.Exec(ctx, markPublishedSQL, okIDs, okAt); err != nil {
			return len(batch), 0, fmt.Errorf("mark %d outbox rows published: %w", len(okIDs), err)
		}
	}
	if len(failedIDs) > 0 {
		if _, err := tx.Exec(ctx, markFailedSQL, failedIDs, failedErrs); err != nil {
			return len(batch), 0, fmt.Errorf("record %d outbox failures: %w", len(failedIDs), err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return len(batch), 0, fmt.Errorf("commit outbox pass: %w", err)
	}

	r.metrics.published.Add(float64(len(okIDs)))
	r.metrics.errors.Add(float64(len(failedIDs)))
	if len(okIDs) > 0 {
		r.log.Debug().Int("count", len(okIDs)).Msg("outbox batch published")
	}
	if firstErr != nil {
		r.log.Warn().Err(firstErr).Int("count", len(failedIDs)).
			Str("subject", firstFailed.Subject).Str("msg_id", firstFailed.MsgID).
			Msg("outbox rows not published")
		return len(batch), len(okIDs), fmt.Errorf("publish %d of %d outbox rows (first %s): %w",
			len(failedIDs), len(batch), firstFailed.MsgID, firstErr)
	}
	return len(batch), len(okIDs), nil
}

// publish sends the batch in order with asynchronous publishes and waits up
// to ackTimeout for all acknowledgements. It returns one error per row, nil
// for the rows JetStream acknowledged, and when each acknowledgement was
// seen: the row's published_at, so that the time an event was on the bus
// does not include the statement that marks it (nor, for a claimed batch,
// the wait for the batch's last acknowledgement).
func (r *Relay) publish(ctx context.Context, batch []outboxRow) ([]error, []time.Time) {
	errs := make([]error, len(batch))
	acked := make([]time.Time, len(batch))
	futures := make([]jetstream.PubAckFuture, len(batch))
	for i, row := range batch {
		msg := &nats.Msg{
			Subject: row.Subject,
			Data:    row.Payload,
			Header:  nats.Header{jetstream.MsgIDHeader: []string{row.MsgID}},
		}
		f, err := r.js.PublishMsgAsync(msg)
		if err != nil {
			errs[i] = err
			continue
		}
		futures[i] = f
	}

	timer := time.NewTimer(ackTimeout)
	defer timer.Stop()
	expired := false
	for i, f := range futures {
		if f == nil {
			continue
		}
		if expired {
			// Collect what has arrived; the rest has timed out.
			select {
			case <-f.Ok():
				acked[i] = time.Now()
			case err := <-f.Err():
				errs[i] = err
			default:
				errs[i] = errAckTimeout
			}
			continue
		}
		select {
		case <-f.Ok():
			acked[i] = time.Now()
		case err := <-f.Err():
			errs[i] = err
		case <-timer.C:
			expired = true
			errs[i] = errAckTimeout
		case <-ctx.Done():
			expired = true
			errs[i] = ctx.Err()
		}
	}
	return errs, acked
}

// observe updates the pending and lag gauges.
func (r *Relay) observe(ctx context.Context) {
	var pending int64
	var lag float64
	err := r.pool.QueryRow(ctx, `
		SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
		FROM outbox WHERE published_at IS NULL`).Scan(&pending, &lag)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn().Err(err).Msg("outbox gauges not updated")
		}
		return
	}
	r.metrics.pending.Set(float64(pending))
	r.metrics.lag.Set(max(lag, 0))
}

// truncate cuts s to at most n bytes on a rune boundary (the column is text,
// which must stay valid UTF-8).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
