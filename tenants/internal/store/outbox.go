package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Outbox statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusRefused   = "refused"
)

// OutboxRow is one push of one version to the hub.
type OutboxRow struct {
	ID            int64      `json:"id"`
	ContentID     string     `json:"content_id"`
	Version       uint64     `json:"version"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	Refusal       *Refusal   `json:"refusal,omitempty"`
	HubOutcome    string     `json:"hub_outcome,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
	// PublishAt is when a scheduled push falls due; nil means at once.
	PublishAt *time.Time `json:"publish_at,omitempty"`
}

// Refusal is the hub's answer to a push it refused.
type Refusal struct {
	Code        string `json:"code"`
	Reason      string `json:"reason,omitempty"`
	Field       string `json:"field,omitempty"`
	Description string `json:"description,omitempty"`
	MessageVI   string `json:"message_vi,omitempty"`
}

const outboxColumns = `id, content_id, version, status, attempts, next_attempt_at, last_error, refusal_code,
	refusal_reason, refusal_description, refusal_message_vi, hub_outcome, created_at, delivered_at, publish_at`

const outboxColumnsO = `o.id, o.content_id, o.version, o.status, o.attempts, o.next_attempt_at, o.last_error, o.refusal_code,
	o.refusal_reason, o.refusal_description, o.refusal_message_vi, o.hub_outcome, o.created_at, o.delivered_at, o.publish_at`

// nullableOutbox scans an outbox row that may be missing (a LEFT JOIN).
type nullableOutbox struct {
	id, version                                            *int64
	contentID, status, lastErr, code, reason, desc, vi, oc *string
	attempts                                               *int32
	next, created, delivered, publishAt                    *time.Time
}

func (n *nullableOutbox) dest() []any {
	return []any{&n.id, &n.contentID, &n.version, &n.status, &n.attempts, &n.next, &n.lastErr, &n.code,
		&n.reason, &n.desc, &n.vi, &n.oc, &n.created, &n.delivered, &n.publishAt}
}

func (n *nullableOutbox) row() *OutboxRow {
	if n.id == nil {
		return nil
	}
	r := &OutboxRow{ID: *n.id, ContentID: *n.contentID, Version: uint64(*n.version), Status: *n.status,
		Attempts: int(*n.attempts), NextAttemptAt: *n.next, LastError: *n.lastErr, HubOutcome: *n.oc,
		CreatedAt: *n.created, DeliveredAt: n.delivered, PublishAt: n.publishAt}
	if *n.code != "" {
		// The reason's field is folded into the description column.
		r.Refusal = &Refusal{Code: *n.code, Reason: *n.reason, Description: *n.desc, MessageVI: *n.vi}
	}
	return r
}

// ListOutbox returns outbox rows, oldest first, of one status or of all
// statuses when status is empty.
func (s *Store) ListOutbox(ctx context.Context, status string, limit int) (_ []OutboxRow, err error) {
	defer boundary(&err)
	return s.queryOutbox(ctx, "list outbox", `SELECT `+outboxColumns+` FROM outbox
		WHERE $1 = '' OR status = $1 ORDER BY id LIMIT $2`, status, limit)
}

// NotDelivered returns, oldest first, the rows the hub does not hold yet
// although it should: pending rows that are due (scheduled rows before their
// time are left out) and refused rows.
func (s *Store) NotDelivered(ctx context.Context, limit int) (_ []OutboxRow, err error) {
	defer boundary(&err)
	return s.queryOutbox(ctx, "list undelivered", `SELECT `+outboxColumns+` FROM outbox
		WHERE status = 'refused' OR (status = 'pending' AND (publish_at IS NULL OR publish_at <= now()))
		ORDER BY id LIMIT $1`, limit)
}

// queryOutbox runs a query selecting outboxColumns; what names it in errors.
func (s *Store) queryOutbox(ctx context.Context, what, sql string, args ...any) ([]OutboxRow, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var n nullableOutbox
		if err := rows.Scan(n.dest()...); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *n.row())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// Claimed is an outbox row a relay leased for delivery.
type Claimed struct {
	ID        int64
	Item      *pb.ContentItem
	Attempts  int // including this one
	CreatedAt time.Time
}

// HoldAttempts bounds how long a version that keeps failing holds back its
// item's later versions: once it has been tried this often (with the relay's
// backoff, 200 ms doubling to 10 s with jitter, three to six minutes of
// failures) its
// successors go first, and it keeps being retried on its own, to be answered
// STALE once one of them is delivered. A version whose own delivery cannot
// succeed (an upload that times out each time on a slow uplink, a file too
// large for the hub) would otherwise keep a correction or a withdrawal of its
// item from the portal for ever; an outage of the hub or of the way to it
// (make chaos's faults, a restart of the primary) is over well within it.
const HoldAttempts = 40

// Claim leases up to limit due pending rows for lease: they are not offered
// again until the lease runs out, so a relay that dies mid-way loses nothing.
// The lease names the database session that took it (leased_by, the
// claiming connection's backend): once that session is gone (the relay's
// process died, the database restarted) the row is due again at once, not at
// the lease's end. A session that ends while its relay lives (the pool
// closed an old connection) at worst has a row sent twice, which the hub
// answers UNCHANGED. Rows locked by another relay are skipped, not waited for. A row whose next
// attempt lies further ahead than lease is due too: no lease or retry delay
// is that long (the relay's backoff stays below its lease), so the database's
// clock ran ahead when it was set and has come back (an hour's jump would
// otherwise hold the row back for an hour). Rows go in the order they were
// written (id), never by their times.
//
// A row waits while an earlier version of its item is pending (due, or
// leased by a relay that is sending it): only the oldest pending version of
// an item is offered, so a retried version is never overtaken by its
// successor (which the hub would keep, answering the retry STALE: the
// older version never announced). Other items are not held up; a refused
// version does not hold its successors, nor does one scheduled for later
// (a later approval that goes at once overtakes it, as the editorial
// workflow says). A successor is offered by the claim that follows the
// delivery of its predecessor: the relay claims again until nothing is due.
// A version tried HoldAttempts times without being delivered no longer holds
// its successors (see HoldAttempts).
func (s *Store) Claim(ctx context.Context, limit int, lease time.Duration) (_ []Claimed, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `
		UPDATE outbox SET next_attempt_at = now() + $2 * interval '1 microsecond', attempts = attempts + 1,
		       leased_by = pg_backend_pid()
		WHERE id IN (
			SELECT id FROM outbox
			WHERE status = 'pending'
			  AND (next_attempt_at <= now() OR ($2 > 0 AND next_attempt_at > now() + $2 * interval '1 microsecond')
			       OR leased_by NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL))
			  AND (publish_at IS NULL OR publish_at <= now())
			  AND NOT EXISTS (
				SELECT 1 FROM outbox e
				WHERE e.content_id = outbox.content_id AND e.version < outbox.version
				  AND e.status = 'pending' AND (e.publish_at IS NULL OR e.publish_at <= now())
				  AND e.attempts < $3)
			ORDER BY id LIMIT $1
			FOR UPDATE SKIP LOCKED)
		RETURNING id, payload, attempts, created_at`, limit, lease.Microseconds(), HoldAttempts)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	defer rows.Close()
	var out []Claimed
	for rows.Next() {
		var c Claimed
		var payload []byte
		if err := rows.Scan(&c.ID, &payload, &c.Attempts, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("claim outbox: %w", err)
		}
		c.Item = &pb.ContentItem{}
		if err := proto.Unmarshal(payload, c.Item); err != nil {
			return nil, fmt.Errorf("decode outbox row %d: %w", c.ID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MarkDelivered records that the hub accepted a row, with its outcome.
func (s *Store) MarkDelivered(ctx context.Context, id int64, outcome string) (err error) {
	defer boundary(&err)
	_, err = s.pool.Exec(ctx, `
		UPDATE outbox SET status = 'delivered', hub_outcome = $2, delivered_at = now(), last_error = '', leased_by = NULL
		WHERE id = $1`, id, outcome)
	if err != nil {
		return fmt.Errorf("mark outbox row %d delivered: %w", id, err)
	}
	return nil
}

// Retry keeps a row pending and offers it again after the given delay.
func (s *Store) Retry(ctx context.Context, id int64, after time.Duration, lastErr string) (err error) {
	defer boundary(&err)
	_, err = s.pool.Exec(ctx, `
		UPDATE outbox SET next_attempt_at = now() + $2 * interval '1 microsecond', last_error = $3, leased_by = NULL
		WHERE id = $1 AND status = 'pending'`, id, after.Microseconds(), lastErr)
	if err != nil {
		return fmt.Errorf("reschedule outbox row %d: %w", id, err)
	}
	return nil
}

// Refuse parks a row as refused with the hub's answer; it is not retried.
func (s *Store) Refuse(ctx context.Context, id int64, r Refusal) (err error) {
	defer boundary(&err)
	desc := r.Description
	if r.Field != "" {
		desc = r.Field + ": " + desc
	}
	_, err = s.pool.Exec(ctx, `
		UPDATE outbox SET status = 'refused', refusal_code = $2, refusal_reason = $3,
		       refusal_description = $4, refusal_message_vi = $5, last_error = $6, leased_by = NULL
		WHERE id = $1`, id, r.Code, r.Reason, desc, r.MessageVI, r.Code+": "+desc)
	if err != nil {
		return fmt.Errorf("park outbox row %d: %w", id, err)
	}
	return nil
}

// OutboxCounts returns the number of rows in each status.
func (s *Store) OutboxCounts(ctx context.Context) (_ map[string]int64, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{StatusPending: 0, StatusDelivered: 0, StatusRefused: 0}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Requeue makes sure the hub gets an item's newest approved version again:
// its outbox row is put back to pending if it was delivered (the hub lost
// it), written if missing, and left alone if pending or refused (a refusal
// needs a new version). A row delivered at or after listedAt (when the
// caller asked the hub what it holds) is left alone: the hub got it after
// answering. It reports whether anything changed.
func (s *Store) Requeue(ctx context.Context, contentID string, listedAt time.Time) (_ bool, err error) {
	defer boundary(&err)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("requeue %s: %w", contentID, err)
	}
	defer tx.Rollback(ctx)
	var version int64
	var doc []byte
	if err := tx.QueryRow(ctx, `SELECT hub_version, doc FROM items WHERE content_id = $1 FOR UPDATE`, contentID).Scan(&version, &doc); err != nil {
		return false, fmt.Errorf("requeue %s: %w", contentID, err)
	}
	tag, err := tx.Exec(ctx, `
		UPDATE outbox SET status = 'pending', next_attempt_at = now(), hub_outcome = '', delivered_at = NULL
		WHERE content_id = $1 AND version = $2 AND status = 'delivered' AND delivered_at < $3`, contentID, version, listedAt)
	if err != nil {
		return false, fmt.Errorf("requeue %s: %w", contentID, err)
	}
	changed := tag.RowsAffected() > 0
	if !changed {
		item := &pb.ContentItem{}
		if err := protojson.Unmarshal(doc, item); err != nil {
			return false, fmt.Errorf("decode %s: %w", contentID, err)
		}
		payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(item)
		if err != nil {
			return false, err
		}
		tag, err = tx.Exec(ctx, `
			INSERT INTO outbox (content_id, version, payload) VALUES ($1, $2, $3)
			ON CONFLICT (content_id, version) DO NOTHING`, contentID, version, payload)
		// A conflict here means the row exists: pending, refused, or
		// delivered after listedAt.
		if err != nil {
			return false, fmt.Errorf("requeue %s: %w", contentID, err)
		}
		changed = tag.RowsAffected() > 0
	}
	if changed {
		if err := audit(ctx, tx, "resync", "requeue", contentID, version, []byte(`{}`)); err != nil {
			return false, err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, NotifyChannel); err != nil {
			return false, fmt.Errorf("notify relay: %w", err)
		}
	}
	return changed, tx.Commit(ctx)
}

// NoteHubVersion records that the hub holds version v of an item, so the
// item's next approval goes above it.
func (s *Store) NoteHubVersion(ctx context.Context, contentID string, v uint64) (err error) {
	defer boundary(&err)
	_, err = s.pool.Exec(ctx, `
		UPDATE items SET hub_seen_version = greatest(hub_seen_version, $2) WHERE content_id = $1`, contentID, int64(v))
	if err != nil {
		return fmt.Errorf("note hub version of %s: %w", contentID, err)
	}
	return nil
}

// Now is the database's clock, so that times compared with delivered_at come
// from the same clock.
func (s *Store) Now(ctx context.Context) (_ time.Time, err error) {
	defer boundary(&err)
	var t time.Time
	if err := s.pool.QueryRow(ctx, `SELECT now()`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("read the database clock: %w", err)
	}
	return t, nil
}

// RequeueRefused puts refused rows back to pending, due now and with their
// attempts and refusal cleared, when the hub refused them with one of codes
// (gRPC code names, "Unauthenticated") or reasons ("TENANT_MISMATCH"): rows
// parked by a configuration error, fixed since, rather than a verdict on
// the item. Each row is written to the audit log as actor's, and the relay
// is woken. It returns how many rows it put back.
func (s *Store) RequeueRefused(ctx context.Context, actor string, codes, reasons []string) (_ int, err error) {
	defer boundary(&err)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("requeue refused outbox rows: %w", err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `
		UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(),
		       refusal_code = '', refusal_reason = '', refusal_description = '', refusal_message_vi = '',
		       last_error = 'requeued by an operator after: ' || last_error
		WHERE status = 'refused' AND (refusal_code = ANY($1) OR refusal_reason = ANY($2))
		RETURNING content_id, version`, codes, reasons)
	if err != nil {
		return 0, fmt.Errorf("requeue refused outbox rows: %w", err)
	}
	type requeued struct {
		contentID string
		version   int64
	}
	var done []requeued
	for rows.Next() {
		var r requeued
		if err := rows.Scan(&r.contentID, &r.version); err != nil {
			return 0, fmt.Errorf("requeue refused outbox rows: %w", err)
		}
		done = append(done, r)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("requeue refused outbox rows: %w", err)
	}
	for _, r := range done {
		if err := audit(ctx, tx, actor, "outbox_requeue", r.contentID, r.version, []byte(`{}`)); err != nil {
			return 0, err
		}
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, NotifyChannel); err != nil {
		return 0, fmt.Errorf("wake the relay: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("requeue refused outbox rows: %w", err)
	}
	return len(done), nil
}

// OldestPendingAge returns how long the oldest pending row that is due has
// waited since it became due (approval, or its publishing time), or 0.
func (s *Store) OldestPendingAge(ctx context.Context) (_ time.Duration, err error) {
	defer boundary(&err)
	var secs float64
	err = s.pool.QueryRow(ctx, `
		SELECT coalesce(extract(epoch FROM now() - min(greatest(created_at, coalesce(publish_at, created_at)))), 0)::float8
		FROM outbox WHERE status = 'pending' AND coalesce(publish_at, now()) <= now()`).Scan(&secs)
	if err != nil {
		return 0, fmt.Errorf("age of the oldest pending outbox row: %w", err)
	}
	return time.Duration(secs * float64(time.Second)), nil
}
