// Package invalidate keeps the page cache true to the hub: each gateway
// instance runs its own ordered JetStream consumer on the content stream,
// from new messages on, and invalidates the pages that depend on each item
// an event names (its page, its tenant's home, the provincial home); the
// tenant changes the stream also carries (events.RegistrySubjects) poke the
// TenantWatcher. The
// event also claims its version for the item in the cache, so that no page
// showing an older version is stored while the store catches up (see
// pagecache's version floors). An event is a hint: it always invalidates,
// also when its version is older than one already seen.
//
// Events missed while the connection is down could leave stale pages, so the
// cache is switched off on disconnect and cleared on reconnect, and cleared
// again whenever the ordered consumer is reset. The newest stream sequence
// seen is kept for /readyz and as a metric.
//
// A consumer can also be alive and deliver nothing: in a cluster the
// server places the ephemeral (R1) consumer on any replica of the stream,
// and one placed on a replica that does not catch up (make chaos: a gateway
// started after the stream's leader was killed) sends its heartbeats, so
// nats.go never resets it, while the stream moves on without it. Every
// CheckEvery the consumer therefore asks the stream's leader for the newest
// message its filters match (STREAM.MSG.GET, last_by_subj), and when the
// newest one of the previous check has still not been delivered and nothing
// was delivered since, it makes
// the consumer anew (from the sequence after the last event delivered, so
// the withheld events are replayed) and clears the cache.
package invalidate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
)

// Config wires a Consumer.
type Config struct {
	Conn  *nats.Conn
	Cache *pagecache.Cache
	Log   zerolog.Logger
	// Registerer receives the consumer's metrics; nil registers none.
	Registerer prometheus.Registerer
	// RetryEvery is how long to wait before retrying to create the consumer
	// (for instance while the stream does not exist yet); default 1s.
	RetryEvery time.Duration
	// CheckEvery is how often the consumer's progress is checked against
	// the stream's; default 2s.
	CheckEvery time.Duration
	// Replay is how far back the first consumer starts: the events of
	// the last Replay are applied again, so that a gateway that starts
	// while the replica it reads lags behind them claims their versions
	// (pagecache's floors) and caches no older render; 0 starts after the
	// newest event. The gateway sets its GATEWAY_CACHE_VERSION_WAIT, the
	// replica's worst lag.
	Replay time.Duration
	// OnTenant, when set, is called with the tenant of each change the hub
	// announces on events.RegistrySubjects (added, renamed, new host
	// names, suspended), and with "" whenever events may have been missed
	// (the consumer started, was reset, the connection came back). The
	// gateway pokes its TenantWatcher there. It must not block.
	OnTenant func(tenant string)
}

// Consumer invalidates the cache from the content stream.
type Consumer struct {
	cfg Config
	js  jetstream.JetStream

	lastSeq atomic.Uint64
	// delivered is the newest stream sequence the current consumer has
	// delivered, or the one before its start.
	delivered atomic.Uint64
	seen      atomic.Bool // a message arrived on the current consumer
	running   atomic.Bool
	// again asks Run to create the ordered consumer anew (on reconnect).
	again    chan struct{}
	mu       sync.Mutex
	lastErr  error
	eventsC  prometheus.Counter
	resetsC  prometheus.Counter
	olderC   prometheus.Counter
	stallsC  prometheus.Counter
	lastSeqG prometheus.GaugeFunc
}

// New returns a consumer and installs its disconnect and reconnect handlers
// on the connection.
func New(cfg Config) (*Consumer, error) {
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if cfg.RetryEvery == 0 {
		cfg.RetryEvery = time.Second
	}
	if cfg.CheckEvery == 0 {
		cfg.CheckEvery = 2 * time.Second
	}
	c := &Consumer{cfg: cfg, js: js, again: make(chan struct{}, 1),
		eventsC: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_content_events_total",
			Help: "Content events received from the hub."}),
		resetsC: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_cache_resets_total",
			Help: "Times the whole page cache was cleared (reconnect, consumer reset)."}),
		olderC: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_content_events_older_total",
			Help: "Content events announcing an older version than one already read from the store (they still invalidate the item's pages)."}),
		stallsC: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_content_consumer_stalls_total",
			Help: "Times the content consumer was made anew because the stream moved past what it delivered."}),
	}
	c.lastSeqG = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portalhub_gateway_content_stream_last_sequence",
		Help: "Newest HUB_CONTENT stream sequence this instance has seen."},
		func() float64 { return float64(c.lastSeq.Load()) })
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(c.eventsC, c.resetsC, c.olderC, c.stallsC, c.lastSeqG)
	}
	cfg.Conn.SetDisconnectErrHandler(func(_ *nats.Conn, err error) {
		c.cfg.Log.Warn().Err(err).Msg("nats disconnected; page cache off until reconnected")
		c.cfg.Cache.SetEnabled(false)
	})
	cfg.Conn.SetReconnectHandler(func(*nats.Conn) { c.reconnected() })
	return c, nil
}

// reconnected clears the cache and turns it back on: events may have been
// missed while the connection was down. It also has Run create the ordered
// consumer anew: when the node the connection was on died, the ephemeral
// consumer (placed with the stream's leader) may have died with it, and the
// library's own recovery was seen to stall for minutes in a 3-node cluster
// (make chaos), leaving pages stale.
func (c *Consumer) reconnected() {
	c.cfg.Log.Info().Msg("nats reconnected; clearing page cache")
	c.reset()
	c.cfg.Cache.SetEnabled(true)
	select {
	case c.again <- struct{}{}:
	default:
	}
}

func (c *Consumer) reset() {
	c.resetsC.Inc()
	c.cfg.Cache.Clear()
	if c.cfg.OnTenant != nil {
		c.cfg.OnTenant("")
	}
}

// LastSequence is the newest stream sequence whose event has been applied
// to the cache.
func (c *Consumer) LastSequence() uint64 { return c.lastSeq.Load() }

// Ready reports nil once the consumer is running and the connection is up.
func (c *Consumer) Ready(context.Context) error {
	if !c.cfg.Conn.IsConnected() {
		return errors.New("nats: not connected")
	}
	if !c.running.Load() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.lastErr != nil {
			return fmt.Errorf("content consumer not running: %w", c.lastErr)
		}
		return errors.New("content consumer not running yet")
	}
	return nil
}

// Run consumes until ctx ends, creating the ordered consumer first (and
// retrying while the stream is missing), and again after each reconnect
// and whenever the check finds it stalled.
func (c *Consumer) Run(ctx context.Context) error {
	for {
		var cc jetstream.ConsumeContext
		for cc == nil {
			var err error
			cc, err = c.start(ctx)
			if err != nil {
				c.mu.Lock()
				c.lastErr = err
				c.mu.Unlock()
				c.cfg.Log.Warn().Err(err).Str("stream", events.ContentStream).Msg("content consumer not started; retrying")
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(c.cfg.RetryEvery):
				}
			}
		}
		c.running.Store(true)
		c.cfg.Log.Info().Str("stream", events.ContentStream).Msg("content consumer running")
		c.watch(ctx)
		c.running.Store(false)
		cc.Stop()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// watch returns when ctx ends, after a reconnect, or when the consumer is
// found stalled: the newest event the stream's leader held at the previous
// check has still not been delivered, and nothing was delivered since (a
// consumer that is behind but moving, on a busy machine, is left alone).
func (c *Consumer) watch(ctx context.Context) {
	tick := time.NewTicker(c.cfg.CheckEvery)
	defer tick.Stop()
	var want uint64 // the newest matching sequence at the previous check
	prev := c.delivered.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.again:
			return
		case <-tick.C:
		}
		got := c.delivered.Load()
		moved := got != prev
		prev = got
		if got < want && !moved {
			c.stallsC.Inc()
			c.cfg.Log.Warn().Uint64("delivered", got).Uint64("stream", want).
				Msg("content consumer delivers nothing while the stream moved on; making it anew")
			return
		}
		newest, err := c.newestMatching(ctx)
		if err != nil {
			// The JetStream API may not answer while a leader is elected:
			// what was asked for before was delivered, ask again later.
			c.cfg.Log.Debug().Err(err).Msg("content stream's newest event not read; checking again later")
			continue
		}
		want = newest
	}
}

// msgGetReply is the JetStream API's answer to STREAM.MSG.GET.
type msgGetReply struct {
	Message *struct {
		Seq uint64 `json:"seq"`
	} `json:"message"`
	Error *struct {
		Code        int    `json:"code"`
		ErrCode     int    `json:"err_code"`
		Description string `json:"description"`
	} `json:"error"`
}

// consumerFilters are the subjects the gateway's consumer takes.
var consumerFilters = []string{events.ContentSubjects, events.RegistrySubjects}

// newestMatching asks the content stream's leader (STREAM.MSG.GET, never a
// direct get, which any replica answers) for the sequence of the newest
// message the consumer's filters match; 0 when there is none.
func (c *Consumer) newestMatching(ctx context.Context) (uint64, error) {
	var newest uint64
	for _, f := range consumerFilters {
		req, _ := json.Marshal(map[string]string{"last_by_subj": f})
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		msg, err := c.cfg.Conn.RequestWithContext(rctx, "$JS.API.STREAM.MSG.GET."+events.ContentStream, req)
		cancel()
		if err != nil {
			return 0, fmt.Errorf("newest event on %s: %w", f, err)
		}
		var r msgGetReply
		if err := json.Unmarshal(msg.Data, &r); err != nil {
			return 0, fmt.Errorf("newest event on %s: %w", f, err)
		}
		switch {
		case r.Error != nil && r.Error.ErrCode == int(jetstream.JSErrCodeMessageNotFound):
			// No message on these subjects.
		case r.Error != nil:
			return 0, fmt.Errorf("newest event on %s: %d %s", f, r.Error.Code, r.Error.Description)
		case r.Message != nil:
			newest = max(newest, r.Message.Seq)
		}
	}
	return newest, nil
}

func (c *Consumer) start(ctx context.Context) (jetstream.ConsumeContext, error) {
	// From the event after the newest one delivered, so that events missed
	// by a stalled consumer or while disconnected are replayed (they claim
	// their versions again); for the first consumer, or when the stream
	// holds less than was delivered (restored from a backup), after the
	// newest one the stream holds now (the cache is empty: older events
	// change nothing).
	newest, err := c.newestMatching(ctx)
	if err != nil {
		return nil, err
	}
	from := c.lastSeq.Load()
	if from == 0 || from > newest {
		from = newest
	}
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: consumerFilters,
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    from + 1,
	}
	if c.lastSeq.Load() == 0 && c.cfg.Replay > 0 {
		// The first consumer: the last Replay's events too (see Replay).
		since := time.Now().Add(-c.cfg.Replay)
		cfg.DeliverPolicy, cfg.OptStartSeq, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, 0, &since
		from = 0
	}
	cons, err := c.js.OrderedConsumer(ctx, events.ContentStream, cfg)
	if err != nil {
		return nil, err
	}
	c.delivered.Store(from)
	c.seen.Store(false)
	// Pages rendered before the consumer existed may predate events we will
	// never see (or see only now, replayed): start from an empty cache.
	c.reset()
	return cons.Consume(c.handle, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		c.cfg.Log.Warn().Err(err).Msg("content consumer error; clearing page cache")
		c.reset()
	}))
}

func (c *Consumer) handle(msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err == nil {
		// An ordered consumer that was reset starts its consumer sequence
		// again at 1.
		if meta.Sequence.Consumer == 1 && c.seen.Load() {
			c.cfg.Log.Info().Msg("content consumer reset; clearing page cache")
			c.reset()
		}
		c.seen.Store(true)
		// Recorded once the event is applied, so that LastSequence is the
		// newest event whose pages are invalidated (tests wait on it).
		defer func() {
			raise(&c.lastSeq, meta.Sequence.Stream)
			raise(&c.delivered, meta.Sequence.Stream)
		}()
	}
	c.eventsC.Inc()
	if tenant, ok := strings.CutPrefix(msg.Subject(), events.RegistryPrefix); ok {
		// A tenant changed: the watcher reloads the registry and drops the
		// pages that show the tenant.
		c.cfg.Log.Debug().Str("tenant", tenant).Msg("tenant change announced")
		if c.cfg.OnTenant != nil {
			c.cfg.OnTenant(tenant)
		}
		return
	}
	// The subject is authoritative (NATS permissions confine each tenant to
	// its own); the payload gives the version (and the change, for the log).
	tenant, contentID, ok := parseSubject(msg.Subject())
	if !ok {
		c.cfg.Log.Warn().Str("subject", msg.Subject()).Msg("content event names no item; clearing page cache")
		c.reset()
		return
	}
	tags := []pagecache.Tag{pagecache.ItemTag(tenant, contentID), pagecache.TenantItemsTag(tenant), pagecache.AnyContent}
	var ev pb.ContentEvent
	if err := proto.Unmarshal(msg.Data(), &ev); err != nil {
		// No version to claim: invalidate the item's pages all the same
		// (and, its kind unknown, the legal documents' pages).
		c.cfg.Log.Warn().Err(err).Str("subject", msg.Subject()).Msg("undecodable content event; its item's pages invalidated")
		c.cfg.Cache.Invalidate(append(tags, pagecache.LegalDocuments)...)
		return
	}
	if ev.GetKind() == pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT {
		// A legal document's page shows the documents that replace or
		// amend it, whatever their tenant.
		tags = append(tags, pagecache.LegalDocuments)
	}
	// The event claims its version and invalidates the pages in one step.
	// An older event than a version already read still invalidates: the
	// page is rendered again from the store, which is the truth, so a
	// replayed or forged event costs a render, never a stale page.
	older := c.cfg.Cache.ItemEvent(tenant, contentID, ev.GetVersion(), tags...)
	if older {
		c.olderC.Inc()
	}
	c.cfg.Log.Debug().Str("tenant", tenant).Str("content_id", contentID).Uint64("version", ev.GetVersion()).
		Str("change", ev.GetChange().String()).Bool("older", older).Msg("invalidated")
}

// raise sets v to seq unless it holds more already.
func raise(v *atomic.Uint64, seq uint64) {
	for {
		old := v.Load()
		if seq <= old || v.CompareAndSwap(old, seq) {
			return
		}
	}
}

// parseSubject splits hub.<tenant>.content.<content_id>.
func parseSubject(s string) (tenant, contentID string, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 || parts[0] != "hub" || parts[2] != "content" || parts[1] == "" || parts[3] == "" {
		return "", "", false
	}
	return parts[1], parts[3], true
}
