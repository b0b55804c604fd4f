package password

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/semaphore"
)

// DefaultGateMiB is the memory password hashing may take at once by
// default: four argon2id hashes of the default cost (64 MiB each).
const DefaultGateMiB = 4 * DefaultMemoryKiB >> 10

// GateWait is how long a password check waits for memory before it is
// refused with ErrBusy: long enough to smooth a morning's logins, short
// enough that a flood of attempts does not pile up.
const GateWait = time.Second

// ErrBusy: the memory password hashing may take is all in use; try again
// in a moment.
var ErrBusy = errors.New("too many passwords are being checked at once")

// Gate bounds the memory argon2id takes at once: each hash holds its
// memory cost (KiB) of a weighted semaphore while it runs. Without it every
// login attempt takes 64 MiB, and a few dozen parallel attempts exhaust the
// process without logging in.
type Gate struct {
	sem      *semaphore.Weighted
	capacity int64         // KiB
	wait     time.Duration // how long a hash may queue for memory
}

// NewGate returns a gate of capacityKiB that lets a hash queue for wait
// (0: not at all).
func NewGate(capacityKiB int64, wait time.Duration) *Gate {
	capacityKiB = max(capacityKiB, 1)
	return &Gate{sem: semaphore.NewWeighted(capacityKiB), capacity: capacityKiB, wait: wait}
}

// Enter reserves the memory of a hash of cost p (all of the gate's when a
// hash costs more) and returns the function that gives it back. It answers
// ErrBusy when the memory does not come free within the gate's wait, and
// ctx's error when ctx ends first.
func (g *Gate) Enter(ctx context.Context, p Params) (release func(), err error) {
	w := min(max(int64(p.Memory), 1), g.capacity)
	if g.wait <= 0 {
		if !g.sem.TryAcquire(w) {
			return nil, ErrBusy
		}
	} else {
		wctx, cancel := context.WithTimeout(ctx, g.wait)
		defer cancel()
		if err := g.sem.Acquire(wctx, w); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, ErrBusy
		}
	}
	return func() { g.sem.Release(w) }, nil
}
