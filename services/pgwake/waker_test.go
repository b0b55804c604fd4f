package pgwake

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	channel = "pgwake_test"
	appName = "pgwake-test-listener"
)

// fixture is a database with a table of jobs and a worker that marks them
// done on every wake-up.
type fixture struct {
	pool   *pgxpool.Pool
	waker  *Waker
	passes atomic.Int64 // wake-ups the worker took
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	url := testenv.Postgres(t, "pgwake", func(ctx context.Context, url string) error {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		_, err = pool.Exec(ctx, `CREATE TABLE jobs (id bigserial PRIMARY KEY, done boolean NOT NULL DEFAULT false)`)
		return err
	})
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	f := &fixture{pool: pool}
	if cfg.Pool == nil {
		cfg.Pool = pool
	}
	cfg.Channel, cfg.AppName = channel, appName
	cfg.Reconnect = Backoff{Base: 10 * time.Millisecond, Cap: 100 * time.Millisecond}
	cfg.Log = zerolog.New(zerolog.NewTestWriter(t))
	f.waker = New(cfg)

	ctx, cancel := context.WithCancel(context.Background())
	wait := f.waker.Start(ctx, func(ctx context.Context) {
		for f.waker.Wait(ctx) {
			f.passes.Add(1)
			if _, err := pool.Exec(ctx, `UPDATE jobs SET done = true WHERE NOT done`); err != nil && ctx.Err() == nil {
				t.Errorf("worker: %v", err)
			}
		}
	})
	t.Cleanup(func() { cancel(); wait() })
	return f
}

// listener returns the backend PID of the listening connection.
func (f *fixture) listener() (int32, error) {
	var pid int32
	err := f.pool.QueryRow(context.Background(), `
		SELECT pid FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database() AND state = 'idle'
			AND query = 'LISTEN "`+channel+`"'`, appName).Scan(&pid)
	return pid, err
}

func (f *fixture) passesAre(n int64) func() error {
	return func() error {
		if got := f.passes.Load(); got != n {
			return fmt.Errorf("worker passes = %d, want %d", got, n)
		}
		return nil
	}
}

func (f *fixture) notify(t *testing.T) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), `SELECT pg_notify($1, '')`, channel); err != nil {
		t.Fatal(err)
	}
}

// insert adds a job without notifying anyone.
func (f *fixture) insert(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := f.pool.QueryRow(context.Background(), `INSERT INTO jobs DEFAULT VALUES RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) doneIs(id int64) func() error {
	return func() error {
		var done bool
		if err := f.pool.QueryRow(context.Background(), `SELECT done FROM jobs WHERE id = $1`, id).Scan(&done); err != nil {
			return err
		}
		if !done {
			return fmt.Errorf("job %d is not done", id)
		}
		return nil
	}
}

// TestNotifyWakes sweeps once an hour: after the wake-up of the listener's
// connection, only a notification can wake the worker.
func TestNotifyWakes(t *testing.T) {
	f := newFixture(t, Config{Sweep: time.Hour})
	testenv.WaitFor(t, 10*time.Second, func() error { _, err := f.listener(); return err })
	testenv.WaitFor(t, 10*time.Second, f.passesAre(1))
	for i := range 3 {
		f.notify(t)
		testenv.WaitFor(t, 10*time.Second, f.passesAre(int64(i+2)))
	}
}

// TestWakeWakes sweeps once an hour and sends no notification: after the
// wake-up of the listener's connection, only Wake can wake the worker, and
// the job it wrote is done.
func TestWakeWakes(t *testing.T) {
	f := newFixture(t, Config{Sweep: time.Hour})
	testenv.WaitFor(t, 10*time.Second, func() error { _, err := f.listener(); return err })
	testenv.WaitFor(t, 10*time.Second, f.passesAre(1))
	for i := range 3 {
		id := f.insert(t)
		f.waker.Wake()
		testenv.WaitFor(t, 10*time.Second, f.passesAre(int64(i+2)))
		testenv.WaitFor(t, 10*time.Second, f.doneIs(id))
	}
}

// TestListenerReconnects kills the listening connection: the listener must
// listen again, wake the worker (notifications may have been lost), and
// still be woken by a notification.
func TestListenerReconnects(t *testing.T) {
	f := newFixture(t, Config{Sweep: time.Hour})
	var old int32
	testenv.WaitFor(t, 10*time.Second, func() (err error) { old, err = f.listener(); return err })
	testenv.WaitFor(t, 10*time.Second, f.passesAre(1))

	if _, err := f.pool.Exec(context.Background(), `SELECT pg_terminate_backend($1)`, old); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		pid, err := f.listener()
		if err != nil {
			return err
		}
		if pid == old {
			return errors.New("the killed listener is still there")
		}
		return nil
	})
	testenv.WaitFor(t, 10*time.Second, f.passesAre(2)) // the reconnection's wake-up
	f.notify(t)
	testenv.WaitFor(t, 10*time.Second, f.passesAre(3))
}

// TestSweepFindsMissedRows inserts jobs without notifying: the periodic
// sweep still has them done.
func TestSweepFindsMissedRows(t *testing.T) {
	f := newFixture(t, Config{Sweep: 20 * time.Millisecond})
	testenv.WaitFor(t, 10*time.Second, func() error { _, err := f.listener(); return err })
	for range 3 {
		testenv.WaitFor(t, 10*time.Second, f.doneIs(f.insert(t)))
	}
}

// TestSweepsWhileListenerIsDown gives the listener a database it cannot
// reach: the worker is still woken by the sweep and does its jobs.
func TestSweepsWhileListenerIsDown(t *testing.T) {
	cfg, err := pgxpool.ParseConfig("postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	unreachable, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unreachable.Close)
	f := newFixture(t, Config{Pool: unreachable, Sweep: 20 * time.Millisecond})
	for range 3 {
		testenv.WaitFor(t, 10*time.Second, f.doneIs(f.insert(t)))
	}
}

func TestLoopRetriesFailedPassesAndWaitsBetweenGoodOnes(t *testing.T) {
	w := New(Config{Sweep: time.Millisecond, Log: zerolog.New(zerolog.NewTestWriter(t))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls []error
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Loop(ctx, "test", func(context.Context) (time.Duration, error) {
			var err error
			if len(calls) < 2 {
				err = errors.New("database away")
			}
			calls = append(calls, err)
			if len(calls) == 4 {
				cancel()
			}
			return 0, err
		})
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Loop did not end after its context did")
	}
	if len(calls) != 4 || calls[0] == nil || calls[1] == nil || calls[2] != nil {
		t.Errorf("passes: %v, want two failures, then passes again until cancelled", calls)
	}
}
