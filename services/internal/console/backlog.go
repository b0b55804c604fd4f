package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
)

// Consumer is what the backlog page shows of a JetStream consumer of the
// content stream.
type Consumer struct {
	Stream        string
	Name          string
	Filter        string
	Pending       uint64 // messages not yet delivered
	AckPending    int    // delivered, not yet acknowledged
	Redelivered   int
	LastDelivered *time.Time
}

// ConsumerLister lists the hub streams' consumers and their backlog.
type ConsumerLister interface {
	Consumers(ctx context.Context) ([]Consumer, error)
}

// JetStreamConsumers lists the consumers of the content stream (the
// gateways') and of the inbox stream (each sub-portal's) through js: the
// aggregator's NATS user may list them.
func JetStreamConsumers(js jetstream.JetStream) ConsumerLister { return jsConsumers{js} }

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

// OutboxState is the hub outbox's backlog.
type OutboxState struct {
	Pending   int
	Oldest    *time.Time
	Failing   []OutboxRow
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

type backlogData struct {
	Outbox       OutboxState
	Consumers    []Consumer
	ConsumersErr bool
	NoConsumers  bool // no lister configured
	Now          time.Time
}

// backlog shows what waits: the hub outbox (rows not yet on NATS, the
// oldest, the ones failing), the mail queue, and each consumer of the
// content stream with what it has not yet received or acknowledged.
func (s *Server) backlog(c *gin.Context) error {
	ctx := c.Request.Context()
	d := backlogData{Now: s.cfg.Now()}
	pool := s.cfg.Store.Pool()
	if err := pool.QueryRow(ctx, `SELECT count(*), min(created_at) FROM outbox WHERE published_at IS NULL`).
		Scan(&d.Outbox.Pending, &d.Outbox.Oldest); err != nil {
		return err
	}
	rows, err := pool.Query(ctx, `SELECT id, subject, created_at, attempts, coalesce(last_error, '') FROM outbox
		WHERE published_at IS NULL AND attempts > 0 ORDER BY id LIMIT 20`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r OutboxRow
		if err := rows.Scan(&r.ID, &r.Subject, &r.Created, &r.Attempts, &r.LastError); err != nil {
			rows.Close()
			return err
		}
		d.Outbox.Failing = append(d.Outbox.Failing, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`).
		Scan(&d.Outbox.MailQueue); err != nil {
		return err
	}
	if s.cfg.Consumers == nil {
		d.NoConsumers = true
	} else {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		d.Consumers, err = s.cfg.Consumers.Consumers(cctx)
		cancel()
		if err != nil {
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				return err
			}
			s.cfg.Log.Warn().Err(err).Msg("console: could not list the content stream's consumers")
			d.ConsumersErr = true
		}
	}
	return s.show(c, http.StatusOK, "backlog", s.newPage(c, s.loc(c).T("backlog.title"), "backlog", d))
}
