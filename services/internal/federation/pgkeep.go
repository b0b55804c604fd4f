package federation

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/portalhub/portalhub/services/pgcluster"
	"github.com/portalhub/portalhub/services/supervise"
)

// PGKept is a private PostgreSQL server (the primary, or the clustered
// topology's replica) kept running as Options.Restart keeps the children,
// as systemd's Restart=always keeps postgresql.service: pg_ctl runs the
// server apart from this process, so the keeper watches its postmaster
// and, when it is gone (killed, crashed), starts the server again on the
// same folder and port with backoff. Stop takes it down on purpose (an
// operator's systemctl stop) until Start.
type PGKept struct {
	name  string
	c     *pgcluster.Cluster // its folder and port stay the same across restarts
	start func(context.Context) error
	r     supervise.Restart

	mu       sync.Mutex
	held     bool // stopped on purpose: not restarted
	restarts int
	cancel   context.CancelFunc
	done     chan struct{}
}

// pgPoll is how often the keeper looks for the postmaster.
const pgPoll = 250 * time.Millisecond

// keepPG keeps c running; start starts it again on its folder and port.
func keepPG(name string, c *pgcluster.Cluster, start func(context.Context) error, r supervise.Restart) *PGKept {
	if r.Logf == nil {
		r.Logf = func(string, ...any) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	k := &PGKept{name: name, c: c, start: start, r: r, cancel: cancel, done: make(chan struct{})}
	go k.keep(ctx)
	return k
}

func (k *PGKept) keep(ctx context.Context) {
	defer close(k.done)
	backoff := k.r.Backoff
	up := time.Now()
	tick := time.NewTicker(pgPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		k.mu.Lock()
		if k.held || k.c.Running() {
			k.mu.Unlock()
			continue
		}
		if time.Since(up) >= k.r.Steady {
			backoff = k.r.Backoff
		}
		k.r.Logf("%s: its server is gone; starting it again in %s", k.name, backoff)
		select {
		case <-ctx.Done():
			k.mu.Unlock()
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, k.r.MaxBackoff)
		if err := k.start(ctx); err != nil {
			k.r.Logf("%s did not start again (%v); next try in %s", k.name, err, backoff)
			k.mu.Unlock()
			continue
		}
		k.restarts++
		up = time.Now()
		k.r.Logf("%s restarted (restart %d), postmaster pid %d", k.name, k.restarts, k.c.Pid())
		k.mu.Unlock()
	}
}

// Pid is the postmaster's PID, 0 while no server runs.
func (k *PGKept) Pid() int { return k.c.Pid() }

// Restarts counts the restarts after a death (not those of Start).
func (k *PGKept) Restarts() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.restarts
}

// Stop stops the server (pg_ctl stop -m fast: sessions end) and keeps it
// down until Start.
func (k *PGKept) Stop() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.held = true
	if err := k.c.Stop(); err != nil {
		return fmt.Errorf("stop %s: %w", k.name, err)
	}
	return nil
}

// Start starts a server stopped with Stop again, and keeps it running.
func (k *PGKept) Start(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.start(ctx); err != nil {
		return fmt.Errorf("start %s: %w", k.name, err)
	}
	k.held = false
	return nil
}

// stop ends the keeping (the server stays as it is).
func (k *PGKept) stop() {
	k.cancel()
	<-k.done
}
