// Package backlog reads what waits in the hub: the outbox's events not yet
// on NATS, the mail queue, and each JetStream consumer's undelivered and
// unacknowledged messages. The console's backlog page, the OpsService's
// Backlog call (hubctl backlog) and the consumer-lag metrics read it here.
package backlog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
)

// Consumer is a JetStream consumer of one of the hub's streams and its
// backlog.
type Consumer struct {
	Stream        string
	Name          string
	Filter        string
	Pending       uint64 // messages not yet delivered
	AckPending    int    // delivered, not yet acknowledged
	Redelivered   int
	LastDelivered *time.Time
}

// Lister lists the hub streams' consumers and their backlog.
type Lister interface {
	Consumers(ctx context.Context) ([]Consumer, error)
}

// JetStream lists the consumers of the content stream (the gateways') and
// of the inbox stream (each sub-portal's) through js: the aggregator's
// NATS user may list them.
func JetStream(js jetstream.JetStream) Lister { return jsConsumers{js} }

type jsConsumers struct{ js jetstream.JetStream }

func (j jsConsumers) Consumers(ctx context.Context) ([]Consumer, error) {
	var out []Consumer
	for _, name := range []string{events.ContentStream, events.InboxStream} {
		st, err := j.js.Stream(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", name, err)
		}
		l := st.ListConsumers(ctx)
		for ci := range l.Info() {
			c := Consumer{Stream: name, Name: ci.Name, Filter: ci.Config.FilterSubject, Pending: ci.NumPending,
				AckPending: ci.NumAckPending, Redelivered: ci.NumRedelivered}
			if ci.Delivered.Last != nil {
				t := *ci.Delivered.Last
				c.LastDelivered = &t
			}
			if c.Filter == "" && len(ci.Config.FilterSubjects) > 0 {
				c.Filter = strings.Join(ci.Config.FilterSubjects, " ")
			}
			out = append(out, c)
		}
		if err := l.Err(); err != nil {
			return nil, fmt.Errorf("consumers of %s: %w", name, err)
		}
	}
	return out, nil
}

// Outbox is the hub outbox's backlog and the mail queue.
type Outbox struct {
	Pending   int
	Oldest    *time.Time
	Failing   []OutboxRow // at most FailingRows, by id
	MailQueue int
}

// OutboxRow is a pending outbox row that failed to publish.
type OutboxRow struct {
	ID        int64
	Subject   string
	Created   time.Time
	Attempts  int
	LastError string
}

// FailingRows bounds Outbox.Failing.
const FailingRows = 20

// ReadOutbox reads the outbox's and the mail queue's backlog from the hub
// database.
func ReadOutbox(ctx context.Context, pool *pgxpool.Pool) (Outbox, error) {
	var o Outbox
	if err := pool.QueryRow(ctx, `SELECT count(*), min(created_at) FROM outbox WHERE published_at IS NULL`).
		Scan(&o.Pending, &o.Oldest); err != nil {
		return o, fmt.Errorf("outbox backlog: %w", err)
	}
	rows, err := pool.Query(ctx, `SELECT id, subject, created_at, attempts, coalesce(last_error, '') FROM outbox
		WHERE published_at IS NULL AND attempts > 0 ORDER BY id LIMIT $1`, FailingRows)
	if err != nil {
		return o, fmt.Errorf("outbox backlog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r OutboxRow
		if err := rows.Scan(&r.ID, &r.Subject, &r.Created, &r.Attempts, &r.LastError); err != nil {
			return o, fmt.Errorf("outbox backlog: %w", err)
		}
		o.Failing = append(o.Failing, r)
	}
	if err := rows.Err(); err != nil {
		return o, fmt.Errorf("outbox backlog: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`).
		Scan(&o.MailQueue); err != nil {
		return o, fmt.Errorf("mail queue: %w", err)
	}
	return o, nil
}
