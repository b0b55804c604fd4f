package outbox

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is the PostgreSQL notification channel the outbox trigger signals.
const Channel = "hub_outbox"

// listenerAppName names the listening connection in pg_stat_activity.
const listenerAppName = "portalhub-outbox-listener"

const (
	// listenCheck is how long the listener waits for a notification before
	// it pings the connection, so that a silently dropped one is noticed.
	listenCheck = time.Minute
	// maxListenBackoff bounds the pause between reconnection attempts.
	maxListenBackoff = 10 * time.Second
)

// listen holds a dedicated connection on LISTEN hub_outbox and signals wake
// for every notification, until ctx is done. It reconnects with backoff when
// the connection fails, and signals wake after every (re)connection since
// notifications sent meanwhile were lost.
func (r *Relay) listen(ctx context.Context, wake chan<- struct{}) {
	delay := minBackoff
	for {
		err := r.listenOnce(ctx, wake, func() { delay = minBackoff })
		if ctx.Err() != nil {
			return
		}
		r.log.Warn().Err(err).Dur("retry_in", delay).Msg("outbox listener lost its connection")
		if !sleep(ctx, delay) {
			return
		}
		delay = min(2*delay, maxListenBackoff)
	}
}

// listenOnce connects, listens and relays notifications until the connection
// fails or ctx is done. It calls connected once LISTEN is in effect.
func (r *Relay) listenOnce(ctx context.Context, wake chan<- struct{}, connected func()) error {
	cfg := r.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = listenerAppName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	connected()
	r.log.Debug().Str("channel", Channel).Msg("outbox listener connected")
	signal(wake)
	for {
		waitCtx, cancel := context.WithTimeout(ctx, listenCheck)
		_, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			signal(wake)
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

// signal wakes the relay without blocking; one pending wake-up is enough.
func signal(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
