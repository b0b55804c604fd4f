// Package inbox is the sub-portal's end of what the hub routes to it
// (issue 9 point 2): a durable JetStream consumer of its own inbox subjects
// (events.InboxConsumerConfig), consumed as its own NATS user
// (natsauth.Tenant), that stores each citizen's question in the sub-portal's
// database once, by its hub id, and acknowledges it only then. A sub-portal
// that was down finds every message waiting in its consumer when it comes
// back; a message delivered again (the acknowledgement lost, the process
// stopped between the insert and the ack) changes nothing.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// maxErasureWaits is how many times an erasure of a question not stored
// here is tried (every 5 s) before it is taken as done.
const maxErasureWaits = 60

// AckWait is how long the hub's stream waits for an acknowledgement before
// delivering a message again.
const AckWait = 30 * time.Second

// Config wires a Consumer.
type Config struct {
	Tenant string
	JS     jetstream.JetStream // connected as the tenant's NATS user
	Pool   *pgxpool.Pool
	Log    zerolog.Logger
	// Registerer takes the consumer's metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Consumer applies the tenant's inbox to its database.
type Consumer struct {
	cfg     Config
	applied *prometheus.CounterVec
}

// New returns the consumer cfg describes.
func New(cfg Config) (*Consumer, error) {
	c := &Consumer{cfg: cfg, applied: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portalhub_subportal_inbox_messages_total",
		Help: "Messages of the hub's inbox handled, by outcome (stored, duplicate, refused, retried).",
	}, []string{"outcome"})}
	if cfg.Registerer != nil {
		if err := cfg.Registerer.Register(c.applied); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Run creates or updates the tenant's durable consumer and applies its
// messages until ctx ends. A consumer that cannot be made (NATS away, the
// stream not provisioned) is tried again with backoff.
func (c *Consumer) Run(ctx context.Context) error {
	var cons jetstream.Consumer
	wait := time.Second
	for {
		var err error
		cons, err = c.cfg.JS.CreateOrUpdateConsumer(ctx, events.InboxStream, events.InboxConsumerConfig(c.cfg.Tenant, AckWait))
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		c.cfg.Log.Warn().Err(err).Dur("retry_in", wait).Msg("inbox consumer not ready; retrying")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) { c.handle(ctx, m) })
	if err != nil {
		return fmt.Errorf("consume the inbox: %w", err)
	}
	c.cfg.Log.Info().Str("consumer", events.InboxConsumer(c.cfg.Tenant)).Msg("inbox consumer running")
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	return nil
}

// handle applies one message and acknowledges it once it is stored. The
// subject's fourth word says what it is: hub.<tenant>.inbox.<kind>.<id>,
// kind feedback (a question routed here), reply (the visitor's reply to a
// request for more information), erasure (its personal data deleted: the
// copy here is emptied), takedown or transfer.
func (c *Consumer) handle(ctx context.Context, m jetstream.Msg) {
	kind := ""
	if parts := strings.Split(m.Subject(), "."); len(parts) >= 5 {
		kind = parts[3]
	}
	var (
		id, label string
		stored    bool
		err       error
	)
	switch kind {
	case "takedown":
		var n pb.TakedownNotice
		if uerr := proto.Unmarshal(m.Data(), &n); uerr != nil || n.GetContentId() == "" || n.GetTenant() != c.cfg.Tenant {
			c.refuse(m, uerr)
			return
		}
		id, label = n.GetContentId(), "content_id"
		stored, err = StoreTakedown(ctx, c.cfg.Pool, &n)
	case "transfer":
		// An item a merge moved to this sub-portal (issue 10 point 3).
		var tr pb.ItemTransfer
		if uerr := proto.Unmarshal(m.Data(), &tr); uerr != nil || tr.GetItem().GetContentId() == "" || tr.GetTenant() != c.cfg.Tenant {
			c.refuse(m, uerr)
			return
		}
		id, label = tr.GetItem().GetContentId(), "content_id"
		stored, err = store.New(c.cfg.Pool).ImportTransferred(ctx, &tr)
	case "reply":
		// The visitor's reply to a request for more information.
		var ev pb.FeedbackReply
		if uerr := proto.Unmarshal(m.Data(), &ev); uerr != nil || ev.GetId() == "" || ev.GetTenant() != c.cfg.Tenant {
			c.refuse(m, uerr)
			return
		}
		id, label = ev.GetId(), "feedback_id"
		stored, err = StoreReply(ctx, c.cfg.Pool, &ev)
		if errors.Is(err, errNotYet) {
			if md, merr := m.Metadata(); merr == nil && md.NumDelivered >= maxErasureWaits {
				err = nil // its question never came: nothing to add it to
			}
		}
	case "erasure":
		var ev pb.FeedbackErasure
		if uerr := proto.Unmarshal(m.Data(), &ev); uerr != nil || ev.GetId() == "" || ev.GetTenant() != c.cfg.Tenant {
			c.refuse(m, uerr)
			return
		}
		id, label = ev.GetId(), "feedback_id"
		stored, err = StoreErasure(ctx, c.cfg.Pool, &ev)
		if errors.Is(err, errNotYet) {
			if md, merr := m.Metadata(); merr == nil && md.NumDelivered >= maxErasureWaits {
				// Its question never came (refused as unreadable): there
				// is nothing here to erase.
				err = nil
			}
		}
	default:
		var ev pb.FeedbackEvent
		if uerr := proto.Unmarshal(m.Data(), &ev); uerr != nil || ev.GetId() == "" || ev.GetTenant() != c.cfg.Tenant {
			c.refuse(m, uerr)
			return
		}
		id, label, kind = ev.GetId(), "feedback_id", "feedback"
		stored, err = Store(ctx, c.cfg.Pool, &ev)
	}
	if err != nil {
		c.cfg.Log.Warn().Err(err).Str(label, id).Msg("inbox: not stored; delivered again later")
		c.applied.WithLabelValues("retried").Inc()
		_ = m.NakWithDelay(5 * time.Second)
		return
	}
	outcome := "stored"
	if !stored {
		outcome = "duplicate"
	}
	if err := m.DoubleAck(ctx); err != nil && !errors.Is(err, context.Canceled) {
		// Stored already: a redelivery is a duplicate, nothing more.
		c.cfg.Log.Warn().Err(err).Str(label, id).Msg("inbox: acknowledgement lost")
	}
	c.applied.WithLabelValues(outcome).Inc()
	c.cfg.Log.Info().Str(label, id).Str("kind", kind).Str("outcome", outcome).Msg("inbox: message from the hub")
}

// refuse terminates a message that is not ours or not readable: it will
// never be, so it is not retried.
func (c *Consumer) refuse(m jetstream.Msg, err error) {
	c.cfg.Log.Error().Err(err).Str("subject", m.Subject()).Msg("inbox: message refused")
	c.applied.WithLabelValues("refused").Inc()
	_ = m.Term()
}

// Store inserts the question of ev unless it is there, and reports whether
// it inserted it.
func Store(ctx context.Context, pool *pgxpool.Pool, ev *pb.FeedbackEvent) (bool, error) {
	var due *time.Time
	if d, err := time.Parse(time.DateOnly, ev.GetDueOn()); err == nil {
		due = &d
	}
	var consultation, consultationTenant *string
	if c := ev.GetConsultationId(); c != "" {
		consultation = &c
		ct := ev.GetConsultationTenant()
		if ct == "" {
			ct = ev.GetTenant() // sent before events named it: the draft is the tenant's own
		}
		consultationTenant = &ct
	}
	files := []Attachment{}
	for _, a := range ev.GetAttachments() {
		files = append(files, Attachment{Index: int(a.GetIndex()), MediaType: a.GetMediaType(), Size: a.GetSize()})
	}
	tag, err := pool.Exec(ctx, `INSERT INTO feedback_inbox (id, asked_tenant, topic, question, lang, has_email, has_phone, submitted_at, due_on,
			consultation_id, attachments, consultation_tenant)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
		ev.GetId(), ev.GetAskedTenant(), ev.GetTopic(), ev.GetQuestion(), ev.GetLang(), ev.GetHasEmail(), ev.GetHasPhone(),
		ev.GetSubmittedAt().AsTime(), due, consultation, files, consultationTenant)
	if err != nil {
		return false, fmt.Errorf("store feedback %s: %w", ev.GetId(), err)
	}
	return tag.RowsAffected() == 1, nil
}
