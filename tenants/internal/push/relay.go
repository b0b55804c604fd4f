package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Config tunes a relay; zero values take the defaults.
type Config struct {
	// CallTimeout bounds each call to the hub (default 10s).
	CallTimeout time.Duration
	// Backoff paces the retries of deliveries and of the resync while the
	// hub is unavailable (default DefaultBackoff: 200ms doubling to 10s,
	// jittered).
	Backoff pgwake.Backoff
	// Sweep is how often the relay looks for due rows without being woken
	// (default 2s).
	Sweep time.Duration
	// Batch is how many rows one claim takes (default 50).
	Batch int
	// Lease is how long a claimed row is hidden from other relays (default 5m).
	Lease time.Duration
	// Registerer receives the relay's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Endpoint names the tenant and the hub's address in what the relay
	// says about its link to the hub.
	Endpoint Endpoint
}

// Relay delivers the outbox to the hub.
type Relay struct {
	store *store.Store
	hub   pb.IngestServiceClient
	log   zerolog.Logger
	cfg   Config
	m     metrics
	pause time.Time // no claims before this: the hub is unavailable
	fails int       // consecutive transient failures
	// unreleased are rows whose release the database refused (it was
	// down): released again before the next claim, so that a restart of
	// the database does not hide them for the whole lease.
	unreleased map[int64]release
	link       linkTracker
	waker      *pgwake.Waker
}

type metrics struct {
	rows     *prometheus.GaugeVec
	pushes   *prometheus.CounterVec
	duration prometheus.Histogram
	lag      prometheus.Histogram
	oldest   prometheus.Gauge
	link     *prometheus.GaugeVec
}

// DefaultBackoff is the sub-portal relay's: its cap is a third of the hub
// relay's (pgwake.DefaultBackoff), because the version waiting is what the
// visitors are waiting for once the hub is back: with 30 s, a sub-portal
// that failed through a restart of the hub's primary retried up to 30 s
// after the hub answered again (make chaos: 22.7 s to the newest version
// served, against its 15 s bound). A thousand sub-portals at one attempt
// each per 5-10 s are a hundred or two calls a second to a hub that is down.
var DefaultBackoff = pgwake.Backoff{Base: 200 * time.Millisecond, Cap: 10 * time.Second}

// New returns a relay from st's outbox to hub.
func New(st *store.Store, hub pb.IngestServiceClient, log zerolog.Logger, cfg Config) *Relay {
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 10 * time.Second
	}
	if cfg.Sweep == 0 {
		cfg.Sweep = 2 * time.Second
	}
	if cfg.Batch == 0 {
		cfg.Batch = 50
	}
	if cfg.Lease == 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Backoff == (pgwake.Backoff{}) {
		cfg.Backoff = DefaultBackoff
	}
	r := &Relay{store: st, hub: hub, log: log, cfg: cfg}
	r.waker = pgwake.New(pgwake.Config{Pool: st.Pool(), Channel: store.NotifyChannel, AppName: listenerAppName,
		Sweep: cfg.Sweep, Reconnect: cfg.Backoff, Log: log})
	r.m = metrics{
		rows: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "subportal_outbox_rows",
			Help: "Outbox rows by status (pending, delivered, refused)."}, []string{"status"}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "subportal_push_attempts_total",
			Help: "Publish attempts by result (applied, unchanged, stale, retry, refused)."}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "subportal_push_duration_seconds",
			Help: "Duration of Publish calls to the hub.", Buckets: prometheus.DefBuckets}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "subportal_push_delivery_lag_seconds",
			Help:    "Time from approval to the hub's acknowledgement.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}),
		oldest: prometheus.NewGauge(prometheus.GaugeOpts{Name: "subportal_outbox_oldest_pending_age_seconds",
			Help: "Age of the oldest pending push that is due (0: none waits)."}),
		link: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "subportal_hub_link",
			Help: "1 for the state of the link to the hub (ok, unavailable, tls, credential, tenant_inactive, tenant_mismatch, unknown), 0 for the others."},
			[]string{"state"}),
	}
	r.setLink(Link{State: LinkUnknown})
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(r.m.rows, r.m.pushes, r.m.duration, r.m.lag, r.m.oldest, r.m.link)
	}
	return r
}

// listenerAppName names the relay's listening connection in
// pg_stat_activity.
const listenerAppName = "subportal-outbox-listener"

// Run delivers until ctx ends: it resyncs with the hub (retrying until the
// hub answers), then claims due rows whenever the outbox trigger notifies,
// a retry falls due, or the periodic sweep comes round.
func (r *Relay) Run(ctx context.Context) error {
	defer r.waker.Start(ctx, r.resyncUntilDone)()
	for {
		r.Drain(ctx)
		r.refreshCounts(ctx)
		if !r.waker.WaitAtMost(ctx, time.Until(r.pause)) {
			return nil
		}
	}
}

// Wake starts a drain now, as the outbox trigger's notification would: the
// store calls it when an approval's transaction committed (store.OnOutbox),
// so that the push does not wait for the notification's way through the
// database.
func (r *Relay) Wake() { r.waker.Wake() }

// Drain delivers due rows until none is left or the relay holds off (the
// hub or the sub-portal's database is unavailable).
func (r *Relay) Drain(ctx context.Context) {
	for id, rel := range r.unreleased {
		if ctx.Err() != nil || time.Now().Before(r.pause) {
			return
		}
		delete(r.unreleased, id)
		r.release(r.log, id, max(0, time.Until(rel.at)), rel.why)
	}
	for ctx.Err() == nil && !time.Now().Before(r.pause) {
		rows, err := r.store.Claim(ctx, r.cfg.Batch, r.cfg.Lease)
		if err != nil {
			if ctx.Err() == nil {
				r.databaseTrouble(r.log, err, "claim outbox rows")
			}
			return
		}
		if len(rows) == 0 {
			return
		}
		for i, row := range rows {
			if ctx.Err() != nil || time.Now().Before(r.pause) {
				// Give the rest back at once rather than at the lease's end.
				for _, rest := range rows[i:] {
					r.release(r.log, rest.ID, 0, "relay paused")
				}
				return
			}
			r.deliver(ctx, row)
		}
	}
}

// holdOff pauses every delivery for the backoff of the row's attempts or
// of the relay's consecutive failures, whichever is more, and returns the
// pause.
func (r *Relay) holdOff(attempts int) time.Duration {
	r.fails++
	delay := r.cfg.Backoff.Delay(max(attempts, r.fails))
	r.pause = time.Now().Add(delay)
	return delay
}

// databaseTrouble logs a failure of the sub-portal's own database as such,
// never as the hub's (a warning when it is unavailable for now, an error
// otherwise), holds the relay off and returns the pause.
func (r *Relay) databaseTrouble(log zerolog.Logger, err error, what string) time.Duration {
	delay := r.holdOff(0)
	if errs.KindOf(err) == errs.Unavailable {
		log.Warn().Err(err).Dur("retry_in", delay).Msg(what + ": the sub-portal's database is unavailable; will retry")
	} else {
		log.Error().Err(err).Dur("retry_in", delay).Msg(what + ": the sub-portal's database failed; will retry")
	}
	return delay
}

// release is a row to offer again at a time, with the reason.
type release struct {
	at  time.Time
	why string
}

// release keeps a row pending and offers it again after the given delay.
// When the database refuses, the row is released again at the next drain
// (or, if the relay stops first, when its lease ends).
func (r *Relay) release(log zerolog.Logger, id int64, after time.Duration, why string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.store.Retry(ctx, id, after, why); err != nil {
		r.databaseTrouble(log, err, "release outbox row")
		if r.unreleased == nil {
			r.unreleased = map[int64]release{}
		}
		r.unreleased[id] = release{at: time.Now().Add(after), why: why}
	}
}

// deliver pushes one row, its files first, then the item, and does what
// decide says the outcome means.
func (r *Relay) deliver(ctx context.Context, row store.Claimed) {
	item := row.Item
	log := r.log.With().Str("content_id", item.GetContentId()).Uint64("version", item.GetVersion()).Int64("outbox_id", row.ID).Logger()

	uploaded, err := r.uploadBlobs(ctx, item)
	var resp *pb.PublishResponse
	if err == nil {
		start := time.Now()
		cctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
		resp, err = r.hub.Publish(cctx, &pb.PublishRequest{Item: item})
		cancel()
		r.m.duration.Observe(time.Since(start).Seconds())
	}
	if err != nil && ctx.Err() != nil {
		r.release(log, row.ID, 0, "relay stopped")
		return
	}

	r.settle(ctx, log, row, resp, err, uploaded)
}

// settle does what decide says the hub's answer to row's push means: mark
// it delivered, release it for a retry, upload its files again, or park it.
func (r *Relay) settle(ctx context.Context, log zerolog.Logger, row store.Claimed, resp *pb.PublishResponse, err error, uploaded bool) {
	item := row.Item
	act := decide(resp, err, uploaded, row.Attempts)
	switch act {
	case actDone:
		outcome := strings.TrimPrefix(resp.GetOutcome().String(), "PUBLISH_OUTCOME_")
		if err := r.store.MarkDelivered(context.WithoutCancel(ctx), row.ID, outcome); err != nil {
			// The hub has it: the row goes again once the database answers
			// and the hub answers UNCHANGED.
			r.release(log, row.ID, r.databaseTrouble(log, err, "mark a delivered row"), err.Error())
			return
		}
		r.fails, r.pause = 0, time.Time{}
		r.setLink(Link{State: LinkOK})
		r.m.pushes.WithLabelValues(strings.ToLower(outcome)).Inc()
		r.m.lag.Observe(time.Since(row.CreatedAt).Seconds())
		log.Info().Str("outcome", outcome).Uint64("hub_version", resp.GetCurrentVersion()).Msg("delivered to the hub")
	case actRetry, actHold:
		delay := r.holdOff(row.Attempts)
		r.m.pushes.WithLabelValues("retry").Inc()
		r.release(log, row.ID, delay, err.Error())
		r.logLink(log, r.noteLink(err), delay, row.Attempts)
	case actDatabase:
		r.release(log, row.ID, r.databaseTrouble(log, err, "deliver"), err.Error())
	case actReupload:
		if err := r.store.UnconfirmBlobs(context.WithoutCancel(ctx), shasOf(item)); err != nil {
			r.databaseTrouble(log, err, "forget the hub's files")
			return
		}
		r.release(log, row.ID, 0, err.Error())
		r.setLink(Link{State: LinkOK})
		log.Warn().Int("attempts", row.Attempts).Msg("hub lacks an attachment; uploading again")
	case actPark:
		ref := refusalOf(err)
		if err := r.store.Refuse(context.WithoutCancel(ctx), row.ID, ref); err != nil {
			r.databaseTrouble(log, err, "park a refused row")
			return
		}
		r.m.pushes.WithLabelValues("refused").Inc()
		r.setLink(Link{State: LinkOK}) // the hub answered, on this item
		log.Error().Str("code", ref.Code).Str("reason", ref.Reason).Str("description", ref.Description).Msg("hub refused the push; parked")
	}
}

func shasOf(item *pb.ContentItem) []string {
	var shas []string
	for _, a := range item.GetAttachments() {
		shas = append(shas, a.GetSha256())
	}
	return shas
}

// uploadBlobs uploads the item's files the hub has not confirmed yet. It
// reports whether it uploaded any. Errors of the sub-portal's database are
// marked as such (ownDatabase), not dressed as the hub's.
func (r *Relay) uploadBlobs(ctx context.Context, item *pb.ContentItem) (bool, error) {
	shas := shasOf(item)
	if len(shas) == 0 {
		return false, nil
	}
	todo, err := r.store.BlobsToUpload(ctx, shas)
	if err != nil {
		return false, ownDatabase(err)
	}
	for _, sha := range todo {
		b, err := r.store.GetBlob(ctx, sha)
		if err != nil {
			return false, ownDatabase(err)
		}
		if err := r.upload(ctx, b); err != nil {
			return true, err
		}
		if err := r.store.ConfirmBlob(ctx, sha); err != nil {
			return true, ownDatabase(err)
		}
	}
	return len(todo) > 0, nil
}

const chunkSize = 1 << 20

func (r *Relay) upload(ctx context.Context, b store.Blob) error {
	// Large files get longer than one call's deadline: a second per MiB more.
	ctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout+time.Duration(b.Size/chunkSize)*time.Second)
	defer cancel()
	stream, err := r.hub.UploadBlob(ctx)
	if err != nil {
		return err
	}
	send := func(req *pb.UploadBlobRequest) error {
		if err := stream.Send(req); err != nil {
			if errors.Is(err, io.EOF) {
				_, err = stream.CloseAndRecv() // the server's verdict
			}
			return err
		}
		return nil
	}
	if err := send(&pb.UploadBlobRequest{Part: &pb.UploadBlobRequest_Header{Header: &pb.BlobHeader{
		Sha256: b.SHA256, Size: uint64(b.Size), MediaType: b.MediaType, Filename: b.Filename}}}); err != nil {
		return err
	}
	for off := 0; off < len(b.Data); off += chunkSize {
		end := min(off+chunkSize, len(b.Data))
		if err := send(&pb.UploadBlobRequest{Part: &pb.UploadBlobRequest_Chunk{Chunk: b.Data[off:end]}}); err != nil {
			return err
		}
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return err
	}
	r.log.Info().Str("sha256", b.SHA256).Bool("already_present", resp.GetAlreadyPresent()).Msg("file uploaded to the hub")
	return nil
}

func (r *Relay) refreshCounts(ctx context.Context) {
	counts, err := r.store.OutboxCounts(ctx)
	if err != nil {
		return
	}
	for st, n := range counts {
		r.m.rows.WithLabelValues(st).Set(float64(n))
	}
	if age, err := r.store.OldestPendingAge(ctx); err == nil {
		r.m.oldest.Set(age.Seconds())
	}
}

// Resync asks the hub which versions it holds and re-enqueues the newest
// approved version of every item the hub lacks or holds at a lower version.
// Versions the hub holds above ours are recorded so the next approval goes
// above them. It returns how many items it re-enqueued.
func (r *Relay) Resync(ctx context.Context) (int, error) {
	// Deliveries that finish while the hub is being listed are not lost at
	// the hub: only rows delivered before the listing started are requeued.
	listedAt, err := r.store.Now(ctx)
	if err != nil {
		return 0, ownDatabase(err)
	}
	held := map[string]uint64{}
	token := ""
	for {
		cctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
		resp, err := r.hub.ListVersions(cctx, &pb.ListVersionsRequest{PageSize: 1000, PageToken: token})
		cancel()
		if err != nil {
			return 0, fmt.Errorf("list the hub's versions: %w", err)
		}
		for _, iv := range resp.GetItems() {
			held[iv.GetContentId()] = iv.GetVersion()
			if iv.GetTakedown() != nil {
				r.log.Warn().Str("content_id", iv.GetContentId()).Str("reason", iv.GetTakedown().GetReason()).Msg("the hub took this item down")
			}
		}
		token = resp.GetNextPageToken()
		if token == "" {
			break
		}
	}
	ours, err := r.store.LatestVersions(ctx)
	if err != nil {
		return 0, ownDatabase(err)
	}
	n := 0
	for _, l := range ours {
		hv, ok := held[l.ContentID]
		switch {
		case !ok || hv < l.Version:
			changed, err := r.store.Requeue(ctx, l.ContentID, listedAt)
			if err != nil {
				return n, ownDatabase(err)
			}
			if changed {
				n++
				r.log.Info().Str("content_id", l.ContentID).Uint64("version", l.Version).Uint64("hub_version", hv).Msg("resync: re-enqueued")
			}
		case hv > l.Version:
			if err := r.store.NoteHubVersion(ctx, l.ContentID, hv); err != nil {
				return n, ownDatabase(err)
			}
			r.log.Warn().Str("content_id", l.ContentID).Uint64("version", l.Version).Uint64("hub_version", hv).
				Msg("resync: the hub holds a newer version than this store (restored from a backup?); the next approval goes above it")
		}
	}
	return n, nil
}

func (r *Relay) resyncUntilDone(ctx context.Context) {
	for attempt := 1; ctx.Err() == nil; attempt++ {
		n, err := r.Resync(ctx)
		if err == nil {
			r.setLink(Link{State: LinkOK})
			r.log.Info().Int("requeued", n).Msg("resync with the hub done")
			return
		}
		delay := r.cfg.Backoff.Delay(attempt)
		if errors.Is(err, errOwnDatabase) {
			r.log.Warn().Err(err).Dur("retry_in", delay).Msg("resync: the sub-portal's database is unavailable; will retry")
		} else {
			r.logLink(r.log.With().Str("step", "resync").Logger(), r.noteLink(err), delay, attempt)
		}
		if !pgwake.Sleep(ctx, delay) {
			return
		}
	}
}
