package accounts

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// DefaultHashMemoryMiB is the memory password hashing may take at once by
// default: four argon2id hashes of the default cost (defaultMemoryKiB, 64
// MiB each).
const DefaultHashMemoryMiB = 4 * defaultMemoryKiB >> 10

// hashQueueWait is how long a password check waits for memory before it
// is answered ErrBusy: long enough to smooth a morning's logins, short
// enough that a flood of attempts does not pile up.
const hashQueueWait = time.Second

// busyRetryAfter is what ErrBusy tells the caller to wait.
const busyRetryAfter = 2 * time.Second

// ErrBusy is the answer to a password check when the memory that password
// hashing may take is all in use (TooManyRequests, HTTP 429).
var ErrBusy = errs.New(errs.TooManyRequests, "", "too many logins are being checked at once; try again in a moment",
	"Hệ thống đang kiểm tra quá nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau vài giây.")

// hashGate bounds the memory argon2id takes at once: each hash holds its
// memory cost (KiB) of a weighted semaphore while it runs. Without it every
// login attempt takes 64 MiB, and a few dozen parallel attempts exhaust the
// process without logging in.
type hashGate struct {
	sem      *semaphore.Weighted
	capacity int64         // KiB
	wait     time.Duration // how long a hash may queue for memory
}

func newHashGate(capacityKiB int64, wait time.Duration) *hashGate {
	capacityKiB = max(capacityKiB, 1)
	return &hashGate{sem: semaphore.NewWeighted(capacityKiB), capacity: capacityKiB, wait: wait}
}

// enter reserves memKiB of the budget (all of it when a hash costs more)
// and returns the function that gives it back. It answers ErrBusy when the
// memory does not come free within the gate's wait.
func (g *hashGate) enter(ctx context.Context, memKiB uint32) (release func(), err error) {
	w := min(max(int64(memKiB), 1), g.capacity)
	if g.wait <= 0 {
		if !g.sem.TryAcquire(w) {
			return nil, retryLater(ErrBusy, busyRetryAfter)
		}
	} else {
		wctx, cancel := context.WithTimeout(ctx, g.wait)
		defer cancel()
		if err := g.sem.Acquire(wctx, w); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, retryLater(ErrBusy, busyRetryAfter)
		}
	}
	return func() { g.sem.Release(w) }, nil
}

// hash returns password's argon2id hash at the store's cost, holding the
// memory it takes.
func (s *Store) hash(ctx context.Context, password string) (string, error) {
	release, err := s.gate.enter(ctx, s.params.memory)
	if err != nil {
		return "", err
	}
	defer release()
	if s.beforeHash != nil {
		s.beforeHash()
	}
	return hashPassword(password, s.params)
}

// costOf is the memory (KiB) checking a password against encoded takes:
// its own cost, or the store's for a missing or unreadable hash.
func (s *Store) costOf(encoded string) uint32 {
	if p, _, _, err := parseHash(encoded); err == nil {
		return p.memory
	}
	return s.params.memory
}

// check reports whether password matches encoded. With encoded == "" (an
// unknown account), or a password over the length limit, it does the same
// work against nothing and answers false, so that such attempts cost what a
// wrong password costs. The caller holds the memory (gate.enter, costOf).
func (s *Store) check(password, encoded string) (bool, error) {
	if s.beforeHash != nil {
		s.beforeHash()
	}
	switch {
	case encoded == "":
		burnPassword(password, s.params)
		return false, nil
	case len(password) > maxPasswordBytes:
		burnPassword(password[:maxPasswordBytes], s.params)
		return false, nil
	}
	return verifyPassword(password, encoded)
}

// verify is check holding the memory it takes.
func (s *Store) verify(ctx context.Context, password, encoded string) (bool, error) {
	release, err := s.gate.enter(ctx, s.costOf(encoded))
	if err != nil {
		return false, err
	}
	defer release()
	return s.check(password, encoded)
}
