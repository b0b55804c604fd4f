// Package pgwake wakes a worker that drains rows from a PostgreSQL table,
// such as a relay over an outbox: when a notification arrives on its
// LISTEN channel, after every (re)connection of the listener (notifications
// sent while it was away are lost), and at least once per sweep interval,
// so that a row whose notification was missed is still picked up.
//
// The listener holds a connection of its own, reconnects with Backoff when
// it loses it, and pings it when no notification came for a while, so a
// silently dropped connection is noticed. Backoff, exponential with jitter
// and a cap, is also the policy of the relays' own retries.
package pgwake

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
)

// DefaultSweep is Config.Sweep's default.
const DefaultSweep = time.Second

// listenCheck is how long the listener waits for a notification before it
// pings its connection.
const listenCheck = time.Minute

// Config configures a Waker.
type Config struct {
	// Pool is the database. The listener opens a connection of its own with
	// the pool's settings: a LISTENing connection cannot go back to a pool.
	Pool *pgxpool.Pool
	// Channel is the notification channel.
	Channel string
	// AppName names the listening connection in pg_stat_activity.
	AppName string
	// Sweep is the longest Wait waits without a wake-up (default 1s).
	Sweep time.Duration
	// Reconnect paces the listener's attempts to listen again
	// (default DefaultBackoff).
	Reconnect Backoff
	// Log receives the listener's warnings.
	Log zerolog.Logger
}

// A Waker turns notifications on a channel into wake-ups. Build it with
// New, run its listener with Run (or Start), and call Wait between passes.
type Waker struct {
	cfg  Config
	wake chan struct{}
}

// New returns a Waker configured by cfg, with defaults for the zero fields.
func New(cfg Config) *Waker {
	if cfg.Sweep <= 0 {
		cfg.Sweep = DefaultSweep
	}
	return &Waker{cfg: cfg, wake: make(chan struct{}, 1)}
}

// Wait returns when a wake-up came since the previous Wait returned (a
// notification, or the listener's (re)connection), or when Sweep has passed.
// It reports false when ctx is done.
func (w *Waker) Wait(ctx context.Context) bool { return w.WaitAtMost(ctx, w.cfg.Sweep) }

// WaitAtMost is Wait, waiting at most d when 0 < d < Sweep (a retry that
// falls due before the next sweep).
func (w *Waker) WaitAtMost(ctx context.Context, d time.Duration) bool {
	if d <= 0 || d > w.cfg.Sweep {
		d = w.cfg.Sweep
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-w.wake:
	case <-t.C:
	}
	return true
}

// Run holds a connection on LISTEN until ctx is done. It reconnects with
// backoff when the connection fails (the sweep goes on meanwhile) and wakes
// the worker after every (re)connection.
func (w *Waker) Run(ctx context.Context) {
	failures := 0
	for {
		err := w.listen(ctx, func() { failures = 0 })
		if ctx.Err() != nil {
			return
		}
		failures++
		delay := w.cfg.Reconnect.Delay(failures)
		w.cfg.Log.Warn().Err(err).Str("channel", w.cfg.Channel).Int("failures", failures).Dur("retry_in", delay).
			Msg("listener lost its connection; sweeping meanwhile")
		if !Sleep(ctx, delay) {
			return
		}
	}
}

// Start runs the listener (Run) and each of also (a relay's other loops,
// such as its pruning) in goroutines of their own until ctx is done. wait
// returns once they all have; a worker defers it.
func (w *Waker) Start(ctx context.Context, also ...func(context.Context)) (wait func()) {
	var wg sync.WaitGroup
	for _, run := range append([]func(context.Context){w.Run}, also...) {
		wg.Go(func() { run(ctx) })
	}
	return wg.Wait
}

// Loop runs a relay's passes until ctx is done. After a pass that failed it
// logs the error (as "<what> pass failed") and waits with DefaultBackoff;
// after one that succeeded it waits for a wake-up, at most the duration the
// pass returned (0: the sweep interval).
func (w *Waker) Loop(ctx context.Context, what string, pass func(context.Context) (time.Duration, error)) {
	failures := 0
	for {
		next, err := pass(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			delay := DefaultBackoff.Delay(failures)
			w.cfg.Log.Warn().Err(err).Int("failures", failures).Dur("retry_in", delay).Msg(what + " pass failed")
			if !Sleep(ctx, delay) {
				return
			}
			continue
		}
		failures = 0
		if !w.WaitAtMost(ctx, next) {
			return
		}
	}
}

// listen connects, listens and signals notifications until the connection
// fails or ctx is done. It calls connected once LISTEN is in effect.
func (w *Waker) listen(ctx context.Context, connected func()) error {
	cfg := w.cfg.Pool.Config().ConnConfig.Copy()
	if w.cfg.AppName != "" {
		cfg.RuntimeParams["application_name"] = w.cfg.AppName
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{w.cfg.Channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	w.cfg.Log.Debug().Str("channel", w.cfg.Channel).Msg("listening")
	w.signal()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, listenCheck)
		_, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			w.signal()
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			if err := conn.Ping(ctx); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// Wake wakes the worker as a notification would, without the round trip
// through the database: the writer of a row in the same process calls it
// once its transaction committed (the notification still comes, and the
// worker's next pass finds nothing left, or the row it missed).
func (w *Waker) Wake() { w.signal() }

// signal wakes the worker without blocking; one pending wake-up is enough.
func (w *Waker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
