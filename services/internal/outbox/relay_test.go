package outbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// fixture is a fresh hub database and a JetStream with the content stream:
// the relay publishes as the aggregator's user, the tests read and
// administer the stream as the ops user.
type fixture struct {
	pool   *pgxpool.Pool
	js     jetstream.JetStream // the aggregator's
	ops    jetstream.JetStream
	stream jetstream.Stream
}

func newFixture(t *testing.T) *fixture {
	return newFixtureWithNATS(t, natsServer(t, t.TempDir(), -1))
}

func newFixtureWithNATS(t *testing.T, bus *testenv.NATSServer, opts ...nats.Option) *fixture {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testDatabase(t))
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close)
	js, err := jetstream.New(bus.Connect(t, natsauth.Aggregator, opts...))
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	ops, err := jetstream.New(bus.Connect(t, natsauth.Ops, opts...))
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	stream, err := ops.Stream(ctx, events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{pool: pool, js: js, ops: ops, stream: stream}
}

func (f *fixture) relay(t *testing.T, cfg Config) *Relay {
	cfg.Pool = f.pool
	cfg.JS = f.js
	cfg.Log = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
	return NewRelay(cfg)
}

// run runs r until the test ends, then checks that Run returns nil promptly.
func run(t *testing.T, r *Relay) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after its context was cancelled")
		}
	})
}

// event is one outbox row as the aggregator writes it.
type event struct {
	subject, msgID, payload string
}

func newEvent(tenant, contentID string, version uint64) event {
	payload := fmt.Sprintf("event %s/%s/%d", tenant, contentID, version)
	hash := sha256.Sum256([]byte(payload))
	return event{
		subject: events.ContentSubject(tenant, contentID),
		msgID:   events.ContentMsgID(tenant, contentID, version, hex.EncodeToString(hash[:])),
		payload: payload,
	}
}

// insert writes e into the outbox through q and returns the row's id.
func insert(t *testing.T, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, e event) int64 {
	t.Helper()
	var id int64
	err := q.QueryRow(context.Background(),
		`INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3) RETURNING id`,
		e.subject, e.msgID, []byte(e.payload)).Scan(&id)
	if err != nil {
		t.Fatalf("insert outbox row: %v", err)
	}
	return id
}

// streamMsgs returns the stream's messages in sequence order.
func streamMsgs(t *testing.T, s jetstream.Stream) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx := context.Background()
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	var msgs []*jetstream.RawStreamMsg
	if info.State.Msgs == 0 {
		return nil
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("get message %d: %v", seq, err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

func msgIDs(msgs []*jetstream.RawStreamMsg) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.Header.Get(jetstream.MsgIDHeader)
	}
	return ids
}

// rowState is what the relay records on a row.
type rowState struct {
	published bool
	attempts  int
	lastError string
}

func state(t *testing.T, pool *pgxpool.Pool, id int64) rowState {
	t.Helper()
	var s rowState
	var lastError *string
	err := pool.QueryRow(context.Background(),
		`SELECT published_at IS NOT NULL, attempts, last_error FROM outbox WHERE id = $1`, id).
		Scan(&s.published, &s.attempts, &lastError)
	if err != nil {
		t.Fatalf("row %d: %v", id, err)
	}
	if lastError != nil {
		s.lastError = *lastError
	}
	return s
}

// pendingIs returns a condition for waitFor: no more and no fewer than want
// rows are unpublished.
func pendingIs(r *Relay, want int64) func() error {
	return func() error {
		got, err := r.Pending(context.Background())
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("pending = %d, want %d", got, want)
		}
		return nil
	}
}

// streamHas returns a condition for waitFor: the stream holds exactly want
// messages.
func streamHas(s jetstream.Stream, want uint64) func() error {
	return func() error {
		info, err := s.Info(context.Background())
		if err != nil {
			return err
		}
		if info.State.Msgs != want {
			return fmt.Errorf("stream holds %d messages, want %d", info.State.Msgs, want)
		}
		return nil
	}
}

// metricValue reads a counter or gauge from reg.
func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

func TestPublishesAndMarks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	r := f.relay(t, Config{Registerer: reg})

	want := []event{
		newEvent("so-tai-chinh", "bao-cao-2025", 3),
		newEvent("phuong-ba-dinh", "lich-tiep-dan", 1),
		newEvent("so-tai-chinh", "bao-cao-2025", 4),
	}
	var ids []int64
	for _, e := range want {
		ids = append(ids, insert(t, f.pool, e))
	}
	if n, err := r.Pending(ctx); err != nil || n != 3 {
		t.Fatalf("Pending = %d, %v before the pass, want 3", n, err)
	}

	n, err := r.Flush(ctx)
	if err != nil || n != 3 {
		t.Fatalf("Flush = %d, %v, want 3, nil", n, err)
	}
	msgs := streamMsgs(t, f.stream)
	if len(msgs) != len(want) {
		t.Fatalf("stream holds %d messages, want %d", len(msgs), len(want))
	}
	for i, m := range msgs {
		got := event{subject: m.Subject, msgID: m.Header.Get(jetstream.MsgIDHeader), payload: string(m.Data)}
		if got != want[i] {
			t.Errorf("message %d = %+v, want %+v", i, got, want[i])
		}
	}
	for _, id := range ids {
		if got, want := state(t, f.pool, id), (rowState{published: true, attempts: 1}); got != want {
			t.Errorf("row %d = %+v, want %+v", id, got, want)
		}
	}
	if got := metricValue(t, reg, "portalhub_outbox_published_total"); got != 3 {
		t.Errorf("published_total = %v, want 3", got)
	}

	n, err = r.Flush(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second Flush = %d, %v, want 0, nil", n, err)
	}
	if got := len(streamMsgs(t, f.stream)); got != 3 {
		t.Errorf("after the second pass the stream holds %d messages, want 3", got)
	}
	if n, err := r.Pending(ctx); err != nil || n != 0 {
		t.Errorf("Pending = %d, %v after the pass, want 0", n, err)
	}
}

func TestFullBatchesLoop(t *testing.T) {
	f := newFixture(t)
	r := f.relay(t, Config{Batch: 4})
	for i := range 10 {
		insert(t, f.pool, newEvent("so-y-te", fmt.Sprintf("tin-%d", i), 1))
	}
	n, err := r.Flush(context.Background())
	if err != nil || n != 10 {
		t.Fatalf("Flush with batch 4 = %d, %v, want 10, nil", n, err)
	}
	want := make([]string, 10)
	for i := range want {
		want[i] = newEvent("so-y-te", fmt.Sprintf("tin-%d", i), 1).msgID
	}
	if got := msgIDs(streamMsgs(t, f.stream)); !slices.Equal(got, want) {
		t.Errorf("stream order = %v, want id order %v", got, want)
	}
}

// TestOutOfOrderCommit is the case an id cursor gets wrong: the row with the
// lower id commits after a pass published the row with the higher id.
func TestOutOfOrderCommit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.relay(t, Config{})

	t1, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer t1.Rollback(ctx)
	early := newEvent("xa-dao-tran", "thong-bao", 1)
	lowID := insert(t, t1, early)

	t2, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer t2.Rollback(ctx)
	late := newEvent("xa-dao-tran", "thong-bao-khac", 1)
	highID := insert(t, t2, late)
	if lowID >= highID {
		t.Fatalf("ids %d, %d: want the first transaction's row lower", lowID, highID)
	}
	if err := t2.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	if n, err := r.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("pass with the lower row uncommitted = %d, %v, want 1, nil", n, err)
	}
	if got, want := msgIDs(streamMsgs(t, f.stream)), []string{late.msgID}; !slices.Equal(got, want) {
		t.Fatalf("stream = %v, want %v", got, want)
	}

	if err := t1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("pass after the lower row committed = %d, %v, want 1, nil", n, err)
	}
	if got, want := msgIDs(streamMsgs(t, f.stream)), []string{late.msgID, early.msgID}; !slices.Equal(got, want) {
		t.Errorf("stream = %v, want %v", got, want)
	}
	for _, id := range []int64{lowID, highID} {
		if s := state(t, f.pool, id); !s.published {
			t.Errorf("row %d not marked published", id)
		}
	}
}

// TestOutOfOrderCommitRunning is the same case with the relay running.
func TestOutOfOrderCommitRunning(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.relay(t, Config{})
	run(t, r)

	t1, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer t1.Rollback(ctx)
	early := newEvent("xa-dao-tran", "thong-bao", 1)
	insert(t, t1, early)
	late := newEvent("xa-dao-tran", "thong-bao-khac", 1)
	insert(t, f.pool, late)

	waitFor(t, 10*time.Second, streamHas(f.stream, 1))
	if err := t1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, streamHas(f.stream, 2))
	if got, want := msgIDs(streamMsgs(t, f.stream)), []string{late.msgID, early.msgID}; !slices.Equal(got, want) {
		t.Errorf("stream = %v, want %v", got, want)
	}
	waitFor(t, 10*time.Second, pendingIs(r, 0))
}

func TestConcurrentRelays(t *testing.T) {
	const rows = 500
	f := newFixture(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	a := f.relay(t, Config{Batch: 20, Sweep: 10 * time.Millisecond, Registerer: reg})
	b := f.relay(t, Config{Batch: 20, Sweep: 10 * time.Millisecond, Registerer: reg})
	run(t, a)
	run(t, b)

	// Write while both relays run, from several writers at once.
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for w := range 10 {
		wg.Go(func() {
			for i := range rows / 10 {
				e := newEvent("so-giao-duc", fmt.Sprintf("tin-%d-%d", w, i), 1)
				_, err := f.pool.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
					e.subject, e.msgID, []byte(e.payload))
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("insert: %v", err)
	}

	waitFor(t, 30*time.Second, pendingIs(a, 0))
	msgs := streamMsgs(t, f.stream)
	if len(msgs) != rows {
		t.Errorf("stream holds %d messages, want %d", len(msgs), rows)
	}
	distinct := map[string]bool{}
	for _, id := range msgIDs(msgs) {
		distinct[id] = true
	}
	if len(distinct) != rows {
		t.Errorf("stream holds %d distinct msg ids, want %d", len(distinct), rows)
	}
	// Every row was claimed exactly once: SKIP LOCKED never hands one row
	// to both relays.
	var unpublished, reclaimed int
	err := f.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE published_at IS NULL), count(*) FILTER (WHERE attempts <> 1)
		FROM outbox`).Scan(&unpublished, &reclaimed)
	if err != nil {
		t.Fatal(err)
	}
	if unpublished != 0 || reclaimed != 0 {
		t.Errorf("%d rows unpublished and %d published with attempts other than 1, want 0 and 0", unpublished, reclaimed)
	}
	if got := metricValue(t, reg, "portalhub_outbox_published_total"); got != rows {
		t.Errorf("published_total shared by both relays = %v, want %d", got, rows)
	}
}

func TestStreamMissing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	r := f.relay(t, Config{Sweep: 20 * time.Millisecond, Registerer: reg})
	if err := f.ops.DeleteStream(ctx, events.ContentStream); err != nil {
		t.Fatal(err)
	}

	want := []event{newEvent("so-xay-dung", "quy-hoach", 1), newEvent("so-xay-dung", "quy-hoach", 2)}
	var ids []int64
	for _, e := range want {
		ids = append(ids, insert(t, f.pool, e))
	}
	n, err := r.Flush(ctx)
	if err == nil || n != 0 {
		t.Fatalf("Flush without the stream = %d, %v, want 0 and an error", n, err)
	}
	for _, id := range ids {
		s := state(t, f.pool, id)
		if s.published || s.attempts != 1 || s.lastError == "" {
			t.Errorf("row %d after a failed publish = %+v, want unpublished, 1 attempt, an error", id, s)
		}
	}

	run(t, r)
	// The running relay keeps failing, with backoff, while the stream is gone.
	waitFor(t, 10*time.Second, func() error {
		if s := state(t, f.pool, ids[0]); s.attempts < 3 {
			return fmt.Errorf("attempts = %d, want 3 or more", s.attempts)
		}
		return nil
	})
	if got := metricValue(t, reg, "portalhub_outbox_publish_errors_total"); got < 4 {
		t.Errorf("publish_errors_total = %v, want at least 4", got)
	}
	if got := metricValue(t, reg, "portalhub_outbox_pending"); got != 2 {
		t.Errorf("pending gauge = %v, want 2", got)
	}
	if got := metricValue(t, reg, "portalhub_outbox_lag_seconds"); got <= 0 {
		t.Errorf("lag gauge = %v, want above 0", got)
	}

	if _, err := events.EnsureContentStream(ctx, f.ops, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, pendingIs(r, 0))
	if got, want := msgIDs(streamMsgs(t, f.stream)), []string{want[0].msgID, want[1].msgID}; !slices.Equal(got, want) {
		t.Errorf("stream = %v, want %v", got, want)
	}
	for _, id := range ids {
		if s := state(t, f.pool, id); !s.published || s.lastError != "" {
			t.Errorf("row %d = %+v, want published with last_error cleared", id, s)
		}
	}
}

func TestNATSRestart(t *testing.T) {
	dir := t.TempDir()
	srv := natsServer(t, dir, -1)
	port := srv.Addr().(*net.TCPAddr).Port
	f := newFixtureWithNATS(t, srv, nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	r := f.relay(t, Config{Sweep: 20 * time.Millisecond})
	run(t, r)

	insert(t, f.pool, newEvent("phuong-hai-chau", "tin-1", 1))
	waitFor(t, 10*time.Second, pendingIs(r, 0))

	srv.Shutdown()
	srv.WaitForShutdown()
	id := insert(t, f.pool, newEvent("phuong-hai-chau", "tin-2", 1))
	waitFor(t, 20*time.Second, func() error {
		if s := state(t, f.pool, id); s.published || s.lastError == "" {
			return fmt.Errorf("row = %+v, want unpublished with an error", s)
		}
		return nil
	})

	natsServer(t, dir, port)
	waitFor(t, 30*time.Second, pendingIs(r, 0))
	if got, want := msgIDs(streamMsgs(t, f.stream)), []string{
		newEvent("phuong-hai-chau", "tin-1", 1).msgID,
		newEvent("phuong-hai-chau", "tin-2", 1).msgID,
	}; !slices.Equal(got, want) {
		t.Errorf("stream = %v, want %v", got, want)
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"Khánh", 3, "Kh"}, // "á" is two bytes: do not cut it in half
		{"Khánh", 4, "Khá"},
	} {
		if got := truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestWakesOnNotify publishes with a sweep of an hour: only the outbox
// trigger's NOTIFY can wake the relay after its first pass.
func TestWakesOnNotify(t *testing.T) {
	f := newFixture(t)
	r := f.relay(t, Config{Sweep: time.Hour})
	run(t, r)
	for i := range 3 {
		insert(t, f.pool, newEvent("dac-khu-van-don", fmt.Sprintf("tin-%d", i), 1))
		waitFor(t, 10*time.Second, streamHas(f.stream, uint64(i+1)))
	}
	waitFor(t, 10*time.Second, pendingIs(r, 0))
}

// TestWakes publishes with a sweep of an hour a row whose insert notified
// no one (the outbox's triggers off for it): only Wake, as the aggregator
// calls it after a commit, can wake the relay for it.
func TestWakes(t *testing.T) {
	f := newFixture(t)
	r := f.relay(t, Config{Sweep: time.Hour})
	run(t, r)
	insert(t, f.pool, newEvent("dac-khu-van-don", "tin-0", 1))
	waitFor(t, 10*time.Second, streamHas(f.stream, 1))
	insertQuietly(t, f.pool, newEvent("dac-khu-van-don", "tin-1", 1))
	r.Wake()
	waitFor(t, 10*time.Second, streamHas(f.stream, 2))
	waitFor(t, 10*time.Second, pendingIs(r, 0))
}

// TestHandPublishesWithoutClaiming hands the relay a committed row that a
// pass cannot claim (another transaction holds its lock, as another relay's
// pass would) and whose insert notified no one: the relay publishes it all
// the same, as it was handed, without reading it from the table; it leaves
// the row's mark to the holder. Once the lock is gone, a pass publishes the
// row again and the stream drops it as a duplicate.
func TestHandPublishesWithoutClaiming(t *testing.T) {
	ctx := context.Background()
	var holder pgx.Tx
	// The row is held before the relay starts: its first passes (at start
	// and when its listener connects) must not claim it either.
	f, r, e, id := handFixture(t, "tin-trao-tay", func(f *fixture, id int64) {
		var err error
		if holder, err = f.pool.Begin(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := holder.Exec(ctx, `SELECT id FROM outbox WHERE id = $1 FOR UPDATE`, id); err != nil {
			t.Fatal(err)
		}
	})
	defer holder.Rollback(ctx)
	r.Hand(id, e.subject, e.msgID, []byte(e.payload))
	waitFor(t, 10*time.Second, streamHas(f.stream, 1))
	if got := msgIDs(streamMsgs(t, f.stream)); !slices.Equal(got, []string{e.msgID}) {
		t.Errorf("stream holds %v, want %v", got, []string{e.msgID})
	}
	// The relay's attempt to mark the row comes after its publish; a second
	// row, handed now and marked by this pass or the next (passes run one
	// after another), tells when that attempt is over.
	next := newEvent("dac-khu-van-don", "tin-sau", 1)
	nextID := insertQuietly(t, f.pool, next)
	r.Hand(nextID, next.subject, next.msgID, []byte(next.payload))
	waitFor(t, 10*time.Second, func() error {
		if !state(t, f.pool, nextID).published {
			return fmt.Errorf("row %d not yet marked published", nextID)
		}
		return nil
	})
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if st := state(t, f.pool, id); st.published {
		t.Errorf("row %d marked published while another transaction held it", id)
	}
	r.Wake()
	waitFor(t, 10*time.Second, pendingIs(r, 0))
	want := []string{e.msgID, next.msgID}
	if got := msgIDs(streamMsgs(t, f.stream)); !slices.Equal(got, want) {
		t.Errorf("stream after the pass holds %v, want %v", got, want)
	}
}

// TestHandMarks: a handed row that no one else holds is published and
// marked by the relay, once.
func TestHandMarks(t *testing.T) {
	f, r, e, id := handFixture(t, "tin-danh-dau", nil)
	r.Hand(id, e.subject, e.msgID, []byte(e.payload))
	waitFor(t, 10*time.Second, pendingIs(r, 0))
	if st := state(t, f.pool, id); !st.published || st.attempts != 1 || st.lastError != "" {
		t.Errorf("row %d: %+v, want published after one attempt", id, st)
	}
	waitFor(t, 10*time.Second, streamHas(f.stream, 1))
}

// insertQuietly inserts e as insert does, with the outbox's triggers off, so
// that no notification wakes a relay for it, and returns the row's id.
func insertQuietly(t *testing.T, pool *pgxpool.Pool, e event) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	id := insert(t, tx, e)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return id
}

// handFixture writes a row for contentID that notified no one
// (insertQuietly), calls beforeRun (when set) with it, and runs a relay
// that sweeps once an hour, for the Hand tests. The relay's first passes
// may claim the row.
func handFixture(t *testing.T, contentID string, beforeRun func(*fixture, int64)) (*fixture, *Relay, event, int64) {
	t.Helper()
	f := newFixture(t)
	e := newEvent("dac-khu-van-don", contentID, 1)
	id := insertQuietly(t, f.pool, e)
	if beforeRun != nil {
		beforeRun(f, id)
	}
	r := f.relay(t, Config{Sweep: time.Hour})
	run(t, r)
	return f, r, e, id
}

// TestPublishedAtIsTheAck: a row's published_at is when JetStream's
// acknowledgement was seen, before the statement that marks the row began
// (the stage "on the bus" of publish-to-visible ends there, issue 11 point
// 3), for a claimed batch and for a handed row alike. A trigger records
// each marking statement's start beside the value it writes.
func TestPublishedAtIsTheAck(t *testing.T) {
	ctx := context.Background()
	f, r, e, handedID := handFixture(t, "tin-luc-xac-nhan", func(f *fixture, _ int64) {
		if _, err := f.pool.Exec(ctx, `
			CREATE TABLE mark_times (id bigint, published_at timestamptz, statement_at timestamptz);
			CREATE FUNCTION record_mark() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.published_at IS NOT NULL AND OLD.published_at IS NULL THEN
					INSERT INTO mark_times VALUES (NEW.id, NEW.published_at, statement_timestamp());
				END IF;
				RETURN NEW;
			END $$;
			CREATE TRIGGER record_mark BEFORE UPDATE ON outbox FOR EACH ROW EXECUTE FUNCTION record_mark();`); err != nil {
			t.Fatal(err)
		}
	})
	r.Hand(handedID, e.subject, e.msgID, []byte(e.payload))
	waitFor(t, 10*time.Second, pendingIs(r, 0))
	claimedID := insertQuietly(t, f.pool, newEvent("dac-khu-van-don", "tin-luc-xac-nhan-2", 1))
	if _, err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, pendingIs(r, 0))
	for _, id := range []int64{handedID, claimedID} {
		var late bool
		err := f.pool.QueryRow(ctx, `SELECT published_at >= statement_at FROM mark_times WHERE id = $1`, id).Scan(&late)
		if err != nil {
			t.Fatalf("row %d: %v", id, err)
		}
		if late {
			t.Errorf("row %d: published_at is the marking statement's time, not the acknowledgement's", id)
		}
	}
}
