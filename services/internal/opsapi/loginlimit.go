package opsapi

import (
	"context"
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
)

// Login attempts per caller address: loginBurst at once, then one every
// loginEvery. The lockout protects each account; this bounds how many
// accounts one address can try, and the hashing it can ask for.
const (
	loginBurst = 10
	loginEvery = 3 * time.Second
	maxPeers   = 10000 // the map is emptied when it grows past this
)

// loginLimiter keeps a token bucket per caller address.
type loginLimiter struct {
	burst int
	mu    sync.Mutex
	peers map[string]*rate.Limiter
}

func newLoginLimiter(burst int) *loginLimiter {
	if burst <= 0 {
		burst = loginBurst
	}
	return &loginLimiter{burst: burst, peers: map[string]*rate.Limiter{}}
}

// allow takes a login attempt from the caller's budget, or answers
// RESOURCE_EXHAUSTED OPS_RATE_LIMITED.
func (l *loginLimiter) allow(ctx context.Context) error {
	host := "unknown"
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		host = p.Addr.String()
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	l.mu.Lock()
	lim := l.peers[host]
	if lim == nil {
		if len(l.peers) >= maxPeers {
			l.peers = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(rate.Every(loginEvery), l.burst)
		l.peers[host] = lim
	}
	l.mu.Unlock()
	if !lim.Allow() {
		return refuse(codes.ResourceExhausted, "OPS_RATE_LIMITED", map[string]string{"retry_after": loginEvery.String()},
			"too many login attempts from this address; wait a few seconds",
			"Quá nhiều lần đăng nhập từ địa chỉ này; vui lòng chờ vài giây rồi thử lại.")
	}
	return nil
}
