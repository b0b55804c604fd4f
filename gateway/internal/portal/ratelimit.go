package portal

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// addressLimiter limits requests per client address and all together
// (issue 9 point 1: the feedback form and the status page). Addresses are
// never kept: each is known by a keyed hash (HMAC-SHA-256 under the form
// key, first 16 bytes), so the table in memory cannot be turned back into
// addresses without the key.
type addressLimiter struct {
	key      []byte
	perRate  rate.Limit
	perBurst int
	global   *rate.Limiter

	mu   sync.Mutex
	per  map[[16]byte]*addressBudget
	seen time.Time // when per was last swept
}

type addressBudget struct {
	lim  *rate.Limiter
	last time.Time
}

// maxAddresses bounds the table; past it, budgets idle for the sweep
// interval are dropped (a full budget again is what they would be anyway).
const maxAddresses = 100_000

// newAddressLimiter allows each address burst requests at once and one per
// every, and all addresses together globalBurst at once and one per
// globalEvery.
func newAddressLimiter(key []byte, every time.Duration, burst int, globalEvery time.Duration, globalBurst int) *addressLimiter {
	return &addressLimiter{key: key, perRate: rate.Every(every), perBurst: burst,
		global: rate.NewLimiter(rate.Every(globalEvery), globalBurst), per: map[[16]byte]*addressBudget{}}
}

// allow reports whether a request from addr may go on now; when not, how
// long until it may (for Retry-After).
func (l *addressLimiter) allow(addr string, now time.Time) (bool, time.Duration) {
	mac := hmac.New(sha256.New, l.key)
	mac.Write([]byte(addr))
	var id [16]byte
	copy(id[:], mac.Sum(nil))

	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.per) >= maxAddresses && now.Sub(l.seen) > time.Minute {
		for k, b := range l.per {
			if now.Sub(b.last) > 10*time.Minute {
				delete(l.per, k)
			}
		}
		l.seen = now
	}
	b, ok := l.per[id]
	if !ok {
		if len(l.per) >= maxAddresses {
			// Full of recent addresses: a flood; the global budget decides.
			return l.takeGlobal(now)
		}
		b = &addressBudget{lim: rate.NewLimiter(l.perRate, l.perBurst)}
		l.per[id] = b
	}
	b.last = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	if ok, d := l.takeGlobal(now); !ok {
		r.CancelAt(now) // refused: not charged to the address
		return false, d
	}
	return true, 0
}

func (l *addressLimiter) takeGlobal(now time.Time) (bool, time.Duration) {
	r := l.global.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
