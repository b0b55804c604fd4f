package supervise

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Restart says how Keep restarts a child that exits on its own, as
// systemd's Restart=always does: after Backoff, doubling up to MaxBackoff,
// back to Backoff once the child has stayed up for Steady.
type Restart struct {
	Backoff, MaxBackoff, Steady time.Duration
	// Rebind names, for each address of the child's ready file, the
	// environment variable that tells it where to listen: a restarted
	// child listens where the first one did, so that its clients find it
	// again (e.g. {"grpc": "AGGREGATOR_GRPC_ADDR"}).
	Rebind map[string]string
	// Logf reports each exit and restart; nil discards them.
	Logf func(format string, args ...any)
}

// DefaultRestart restarts after 100 ms, doubling to 10 s, reset after a
// minute up.
var DefaultRestart = Restart{Backoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second, Steady: time.Minute}

// Kept is a child that Keep runs until Stop: each time it exits, another is
// started.
type Kept struct {
	dir     string
	spec    Spec
	restart Restart

	mu       sync.Mutex
	cur      *Process
	stopping bool
	restarts int
	stopped  chan struct{} // closed when the keeping loop has ended
	cancel   context.CancelFunc
}

// Keep starts the child as Start does, and starts it again, with backoff,
// whenever it exits before Stop. The first start's error is returned; a
// restart that fails is retried after the next backoff.
func Keep(ctx context.Context, dir string, spec Spec, r Restart) (*Kept, error) {
	p, err := Start(ctx, dir, spec)
	if err != nil {
		return nil, err
	}
	if len(r.Rebind) > 0 {
		spec.Env = append([]string{}, spec.Env...)
		for name, env := range r.Rebind {
			if addr, ok := p.Addrs[name]; ok {
				spec.Env = append(spec.Env, env+"="+addr)
			}
		}
	}
	if r.Logf == nil {
		r.Logf = func(string, ...any) {}
	}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	k := &Kept{dir: dir, spec: spec, restart: r, cur: p, stopped: make(chan struct{}), cancel: cancel}
	go k.keep(loopCtx, p)
	return k, nil
}

func (k *Kept) keep(ctx context.Context, p *Process) {
	defer close(k.stopped)
	backoff := k.restart.Backoff
	for {
		started := time.Now()
		select {
		case <-p.Done():
		case <-ctx.Done():
			return
		}
		if k.isStopping() {
			return
		}
		if time.Since(started) >= k.restart.Steady {
			backoff = k.restart.Backoff
		}
		k.restart.Logf("%s exited (%v); restarting in %s", k.spec.Name, p.Err(), backoff)
		for {
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(2*backoff, k.restart.MaxBackoff)
			next, err := Start(ctx, k.dir, k.spec)
			if err != nil {
				if k.isStopping() {
					return
				}
				k.restart.Logf("%s did not start again (%v); next try in %s", k.spec.Name, err, backoff)
				continue
			}
			k.mu.Lock()
			if k.stopping {
				k.mu.Unlock()
				next.Kill()
				return
			}
			k.cur, p = next, next
			k.restarts++
			n := k.restarts
			k.mu.Unlock()
			k.restart.Logf("%s restarted (restart %d), pid %d", k.spec.Name, n, next.Pid())
			break
		}
	}
}

func (k *Kept) isStopping() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.stopping
}

// Process is the child running now (or the last one, between a death and
// its restart).
func (k *Kept) Process() *Process {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.cur
}

// Restarts counts the restarts so far.
func (k *Kept) Restarts() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.restarts
}

// Stop stops restarting and stops the child as Process.Stop does.
func (k *Kept) Stop(timeout time.Duration) error {
	k.mu.Lock()
	k.stopping = true
	p := k.cur
	k.mu.Unlock()
	err := p.Stop(timeout)
	k.cancel()
	<-k.stopped
	if err != nil {
		return fmt.Errorf("stop %s: %w", k.spec.Name, err)
	}
	return nil
}
