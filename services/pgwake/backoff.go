package pgwake

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is exponential backoff with jitter and a cap: the pause after the
// n-th consecutive failure is Base·2^(n-1), at most Cap, of which a random
// part is taken (equal jitter: between half and all of it), so that many
// workers that failed together do not retry together. The zero value is
// DefaultBackoff.
type Backoff struct {
	Base, Cap time.Duration
}

// DefaultBackoff is the backoff of both relays, for their retries and for
// their listeners' reconnections: 200ms, doubling up to 30s.
var DefaultBackoff = Backoff{Base: 200 * time.Millisecond, Cap: 30 * time.Second}

// Delay returns the pause after the n-th consecutive failure (n from 1; a
// smaller n counts as 1).
func (b Backoff) Delay(n int) time.Duration {
	if b.Base <= 0 {
		b.Base = DefaultBackoff.Base
	}
	if b.Cap <= 0 {
		b.Cap = max(DefaultBackoff.Cap, b.Base)
	}
	d := min(b.Base, b.Cap)
	for i := 1; i < n && d < b.Cap; i++ {
		d *= 2
	}
	d = min(d, b.Cap)
	return d/2 + rand.N(d/2+1)
}

// Sleep waits for d and reports whether ctx is still live.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
