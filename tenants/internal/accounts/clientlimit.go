package accounts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// ErrRateLimited is the answer to a login attempt from a client that has
// made too many (TooManyRequests, HTTP 429); RetryAfter says when to retry.
var ErrRateLimited = errs.New(errs.TooManyRequests, "", "too many login attempts from your address; try again later",
	"Có quá nhiều lượt đăng nhập từ địa chỉ của bạn. Vui lòng thử lại sau ít phút.")

// maxClients bounds how many clients a ClientLimiter remembers.
const maxClients = 100_000

// ClientLimit configures a ClientLimiter.
type ClientLimit struct {
	// Attempts a client may make at once; it regains them steadily, all
	// of them over Window.
	Attempts int
	Window   time.Duration
	// TrustedProxies are the addresses of the reverse proxies in front of
	// the sub-portal: a request from one of them is the client's that its
	// X-Forwarded-For names (the right-most address that is not a trusted
	// proxy). Requests from anywhere else are their peer's, whatever they
	// claim.
	TrustedProxies []netip.Prefix
}

// ClientLimiter limits login attempts per client address, as a token bucket
// per client. It never keeps an address: clients are known by a keyed hash
// (HMAC-SHA-256 with a key of this process), IPv6 clients by their /64.
type ClientLimiter struct {
	cfg   ClientLimit
	key   []byte
	every time.Duration // one attempt regained per every
	now   func() time.Time

	mu      sync.Mutex
	buckets map[[32]byte]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewClientLimiter returns a limiter with cfg; Attempts < 1 allows every
// attempt.
func NewClientLimiter(cfg ClientLimit) *ClientLimiter {
	l := &ClientLimiter{cfg: cfg, key: make([]byte, 32), now: time.Now, buckets: map[[32]byte]*bucket{}}
	if cfg.Attempts > 0 {
		l.every = cfg.Window / time.Duration(cfg.Attempts)
	}
	if _, err := rand.Read(l.key); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return l
}

// Allow counts a login attempt of r's client and answers nil, or
// ErrRateLimited (with RetryAfter) when the client has none left. A nil
// limiter allows everything.
func (l *ClientLimiter) Allow(r *http.Request) error {
	if l == nil || l.cfg.Attempts < 1 || l.every <= 0 {
		return nil
	}
	id := l.clientID(ClientAddress(r, l.cfg.TrustedProxies))
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[id]
	if !ok {
		l.makeRoom(now)
		b = &bucket{tokens: float64(l.cfg.Attempts), at: now}
		l.buckets[id] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return retryLater(ErrRateLimited, time.Duration((1-b.tokens)*float64(l.every)))
	}
	b.tokens--
	return nil
}

func (l *ClientLimiter) refill(b *bucket, now time.Time) {
	if now.After(b.at) {
		b.tokens = min(float64(l.cfg.Attempts), b.tokens+float64(now.Sub(b.at))/float64(l.every))
		b.at = now
	}
}

// makeRoom forgets, when the limiter is full, the clients whose buckets are
// full again (they are as good as new), and if none are, any one.
func (l *ClientLimiter) makeRoom(now time.Time) {
	if len(l.buckets) < maxClients {
		return
	}
	for id, b := range l.buckets {
		if l.refill(b, now); b.tokens >= float64(l.cfg.Attempts) {
			delete(l.buckets, id)
		}
	}
	for id := range l.buckets {
		if len(l.buckets) < maxClients {
			break
		}
		delete(l.buckets, id)
	}
}

// clientID is the keyed hash a client is known by.
func (l *ClientLimiter) clientID(addr netip.Addr) [32]byte {
	if addr.Is6() && !addr.Is4In6() {
		addr = netip.PrefixFrom(addr, 64).Masked().Addr()
	}
	mac := hmac.New(sha256.New, l.key)
	mac.Write(addr.Unmap().AsSlice())
	var id [32]byte
	copy(id[:], mac.Sum(nil))
	return id
}

// ClientAddress is the address of r's client: its peer, or, when the peer
// is one of the trusted proxies, the right-most address of X-Forwarded-For
// that is not. An unreadable address is the zero Addr (all such requests
// are one client).
func ClientAddress(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseAddr(r.RemoteAddr)
	if !isTrusted(addr, trusted) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseAddr(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			return addr // a malformed chain: the proxy it came through
		}
		if !isTrusted(hop, trusted) {
			return hop
		}
		addr = hop
	}
	return addr
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if addr.IsValid() && p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// parseAddr reads "host:port" or a bare address.
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
