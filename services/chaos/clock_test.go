package chaos

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/hubstore"

	"github.com/portalhub/portalhub/services/testenv"
)

// clockJump makes clockTenant's clock jump: its database's server runs
// under libfaketime (startClockServer), whose offset it sets an hour ahead
// while pushes flow, then back. The sub-portal's Go process reads the
// clock through the vDSO, which libfaketime does not move; what its clock
// decides lives in the database (outbox rows' creation, first attempt,
// lease and retry times: now()), while its versions are integers the
// database counts and its relay's pauses and timers run on Go's monotonic
// clock (ARCHITECTURE.md, "A sub-portal's clock").
type clockJump struct {
	// back: when the clock had come back and the hub took the tenant
	// again.
	back  time.Time
	maxID int64 // the sub-portal's newest outbox row then
	// dueLate: its rows pending when the clock came back, all scheduled
	// by the clock ahead: due an hour late.
	dueLate int64
}

// clockItems is how many items the jump's own pushes change: each gets a
// version the hub takes with the clock ahead, a second the hub refuses
// then (its tenant suspended there for a while), which the relay holds
// with a retry time the clock dates an hour ahead, and a third after the
// clock came back, so that any order by time rather than by version would
// put the third first.
const clockItems = 24

// clockCache is how long the server's processes keep the offset they read
// (pgcluster.FakeTimeEnv): a pooled session sees a jump up to this late.
const clockCache = 2 * time.Second

// act jumps the clock ahead, pushes (its own items and first's share of
// the others' load), has the hub refuse the tenant while it pushes again
// (so that rows written ahead are still pending, due an hour late, when
// the clock comes back), jumps it back, lets the hub take the tenant
// again and pushes again (then second's share).
func (j *clockJump) act(ctx context.Context, l *load, first, second func()) error {
	db := fed.SubPortals[clockTenant].DatabaseURL
	hub, err := hubstore.Open(ctx, fed.HubDatabaseURL)
	if err != nil {
		return err
	}
	defer hub.Close()
	if err := setClock("+1h"); err != nil {
		return err
	}
	if err := waitClock(ctx, ClockAhead); err != nil {
		return err
	}
	time.Sleep(clockCache)
	first()
	item := func(n int) string { return fmt.Sprintf("chaos-clock-%02d", n) }
	if err := pushAll(ctx, l, item, 1); err != nil {
		return err
	}
	// The hub refuses the tenant once its credential cache lets it see
	// the suspension; the relay keeps its rows pending, to be tried again
	// at a time its clock dates.
	if err := hub.SetTenantStatus(ctx, "chaos", clockTenant, hubstore.StatusSuspended); err != nil {
		return err
	}
	time.Sleep(auth.DefaultCacheTTL + time.Second)
	if err := pushAll(ctx, l, item, 2); err != nil {
		return err
	}
	if err := waitFor(ctx, time.Minute, func() error {
		n, err := hubQuery(ctx, db, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts > 0`)
		if err != nil || n == 0 {
			return fmt.Errorf("%s: no row held after the hub's refusal (%v)", clockTenant, err)
		}
		return nil
	}); err != nil {
		return err
	}
	// Every row pending now was written and scheduled by the clock an
	// hour ahead: once it is back, each is due an hour late.
	if j.dueLate, err = hubQuery(ctx, db, `SELECT count(*) FROM outbox WHERE status = 'pending'`); err != nil {
		return err
	}
	if err := setClock("+0"); err != nil {
		return err
	}
	if err := waitClock(ctx, 0); err != nil {
		return err
	}
	time.Sleep(clockCache)
	if j.maxID, err = hubQuery(ctx, db, `SELECT coalesce(max(id), 0) FROM outbox`); err != nil {
		return err
	}
	if err := hub.SetTenantStatus(ctx, "chaos", clockTenant, hubstore.StatusActive); err != nil {
		return err
	}
	j.back = time.Now()
	second()
	return pushAll(ctx, l, item, 3)
}

// waitFor calls check until it succeeds or d has passed.
func waitFor(ctx context.Context, d time.Duration, check func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// pushAll pushes version v of each of clockTenant's clockItems items,
// eight at a time, until each is acknowledged.
func pushAll(ctx context.Context, l *load, item func(int) string, v int) error {
	errs := make(chan error, clockItems)
	sem := make(chan struct{}, 8)
	for n := range clockItems {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- l.pushAcked(ctx, clockTenant, item(n), v)
		}()
	}
	for range clockItems {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// recovered waits until the relay delivered every row written before the
// clock came back, and records the jump's figures in fr.
func (j *clockJump) recovered(t *testing.T, fr *FaultReport) time.Time {
	t.Helper()
	db := fed.SubPortals[clockTenant].DatabaseURL
	testenv.WaitFor(t, 2*time.Minute, func() error {
		n, err := hubQuery(t.Context(), db, `SELECT count(*) FROM outbox WHERE status = 'pending' AND id <= $1`, j.maxID)
		if err != nil || n > 0 {
			return fmt.Errorf("%s: %d rows written before the clock came back still pending (%v)", clockTenant, n, err)
		}
		return nil
	})
	drained := time.Since(j.back).Seconds()
	fr.RelayDrainedSec = &drained
	if drained > ClockRelayBound.Seconds() {
		fr.Problems = append(fr.Problems, fmt.Sprintf("the relay delivered what was written before the clock came back %.1f s after, bound %s", drained, ClockRelayBound))
	}
	ahead, err := hubQuery(t.Context(), db, `SELECT count(*) FROM outbox WHERE created_at > now() + interval '30 minutes'`)
	if err != nil {
		t.Fatal(err)
	}
	fr.RowsDatedAhead = &ahead
	fr.DueLateAtReturn = &j.dueLate
	if j.dueLate == 0 {
		fr.Problems = append(fr.Problems, "no row was pending, due an hour late, when the clock came back: the relay's stall was not tried")
	}
	if want := int64(2 * clockItems); ahead < want {
		fr.Problems = append(fr.Problems, fmt.Sprintf("%d outbox rows were written with the clock ahead, want at least the %d acknowledged then: the jump did not happen", ahead, want))
	}
	none := 0
	fr.Reordered = &none // counted over the whole run by checkOrder
	return time.Now()
}

// waitClock waits until the clock of clockTenant's database is off by
// offset (to within ten minutes: libfaketime reads its file again within a
// second).
func waitClock(ctx context.Context, offset time.Duration) error {
	db := fed.SubPortals[clockTenant].DatabaseURL
	var off time.Duration
	for range 300 {
		conn, err := pgx.Connect(ctx, db)
		if err == nil {
			var at time.Time
			err = conn.QueryRow(ctx, `SELECT now()`).Scan(&at)
			conn.Close(context.Background())
			if err == nil {
				off = at.Sub(time.Now())
				if (off - offset).Abs() < 10*time.Minute {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("the clock of %s's database is %s off, want %s", clockTenant, off, offset)
}

// pushAcked pushes version v's content of tenant's item id until the
// sub-portal acknowledges it, and records the acknowledgement.
func (l *load) pushAcked(ctx context.Context, tenant, id string, v int) error {
	for {
		got, err := push(ctx, tenant, id, "Tin thử nghiệm "+id, fmt.Sprintf("<p>Bản %d của %s</p>", v, id))
		if err == nil {
			l.record(tenant, id, got)
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("push %s/%s: %w", tenant, id, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// checkOrder counts tenant's versions found out of order over the whole
// run: acknowledged after a higher one of the same item, written to its
// outbox after a higher one, stored at the hub (the hub's outbox rows, in
// their order) after a higher one, or answered STALE by the hub (it held
// a newer version when an older one came).
func checkOrder(t *testing.T, l *load, tenant string) int {
	t.Helper()
	ctx := t.Context()
	n := 0
	last := map[string]uint64{}
	l.mu.Lock()
	for _, a := range l.acks {
		if a.tenant == tenant {
			if a.version < last[a.id] {
				n++
			}
			last[a.id] = max(last[a.id], a.version)
		}
	}
	l.mu.Unlock()
	db := fed.SubPortals[tenant].DatabaseURL
	sub, err := hubQuery(ctx, db, `SELECT count(*) FROM (
		SELECT version, lag(version) OVER (PARTITION BY content_id ORDER BY id) AS prev FROM outbox) o WHERE version < prev`)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := hubQuery(ctx, db, `SELECT count(*) FROM outbox WHERE hub_outcome = 'STALE'`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgxRows(ctx, fed.Topology.Primary, `SELECT msg_id FROM outbox WHERE msg_id LIKE $1 ORDER BY id`, tenant+"/%")
	if err != nil {
		t.Fatal(err)
	}
	hub := 0
	stored := map[string]uint64{}
	for _, id := range ids {
		parts := strings.Split(id, "/")
		if len(parts) < 4 || parts[3] == "takedown" {
			continue
		}
		v, err := strconv.ParseUint(parts[2], 10, 64)
		if err != nil {
			continue
		}
		if v < stored[parts[1]] {
			hub++
		}
		stored[parts[1]] = max(stored[parts[1]], v)
	}
	if n+int(sub)+int(stale)+hub > 0 {
		t.Logf("%s: versions out of order: %d acknowledged, %d in its outbox, %d answered STALE, %d stored at the hub", tenant, n, sub, stale, hub)
	}
	return n + int(sub) + int(stale) + hub
}
