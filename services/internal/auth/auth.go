// Package auth authenticates the tenants calling the aggregator's gRPC
// services: interceptors read the credential ("authorization: Bearer
// <token>"), look it up (through a short in-memory cache keyed by the
// token's SHA-256; tokens themselves are never kept or logged) and put the
// tenant it belongs to in the call's context, where Tenant finds it.
//
// A flood of bad credentials must not reach the database on every call:
// an unknown or revoked credential is remembered as such for NegativeTTL
// (its look-up replaces any positive entry, so a revocation takes effect
// within TTL), and each peer (remote IP address) has a budget of failed
// look-ups (a token bucket): once it is spent, that peer's credentials
// that are not already known good are refused as RATE_LIMITED without
// asking the database, until the bucket refills.
package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// TenantHeader is the optional metadata entry naming the tenant the caller
// means to act as; it must match the credential's tenant.
const TenantHeader = "x-portalhub-tenant"

// DefaultCacheTTL is how long a successful look-up is reused: a revoked
// credential or a suspended tenant is refused at most this long after.
const DefaultCacheTTL = 5 * time.Second

// DefaultNegativeTTL is how long an unknown or revoked credential is
// refused without asking the database again.
const DefaultNegativeTTL = 5 * time.Second

// Each peer may fail DefaultPeerFailureBurst look-ups at once, then one per
// 1/DefaultPeerFailureRate seconds (an operator who mistypes a token, or a
// sub-portal whose credential was revoked, stays well within it).
const (
	DefaultPeerFailureRate  = rate.Limit(1) // per second
	DefaultPeerFailureBurst = 20
)

// maxCached bounds each cache (good, bad, peers); a full one is emptied, and
// the bad credentials' cache and the peers' never empty the good one.
const maxCached = 10000

// Options tune an Authenticator; zero values take the defaults.
type Options struct {
	TTL          time.Duration // DefaultCacheTTL
	NegativeTTL  time.Duration // DefaultNegativeTTL
	FailureRate  rate.Limit    // DefaultPeerFailureRate
	FailureBurst int           // DefaultPeerFailureBurst
}

// Store looks credentials up; *hubstore.Store is one. Unknown or revoked
// credentials are hubstore.ErrNotFound.
type Store interface {
	AuthenticateSHA256(ctx context.Context, sum [32]byte) (tenant, status string, err error)
}

// Exempt lists the method prefixes served without a credential: health
// checks and server reflection.
var Exempt = []string{
	"/grpc.health.v1.Health/",
	"/grpc.reflection.v1.ServerReflection/",
	"/grpc.reflection.v1alpha.ServerReflection/",
}

// Authenticator is the pair of interceptors.
type Authenticator struct {
	store Store
	log   zerolog.Logger
	ttl   time.Duration
	now   func() time.Time

	opt Options

	mu    sync.Mutex
	cache map[[32]byte]cached    // good credentials
	bad   map[[32]byte]time.Time // unknown or revoked ones, until when
	peers map[string]*peerBudget // failed look-ups per remote address

	// services are the hub's own services' credentials (the gateway's),
	// by the SHA-256 of their token: see WithService.
	services map[[32]byte]service
}

type peerBudget struct {
	lim     *rate.Limiter
	limited bool // the last look-up was refused (logged once per episode)
}

// service is a hub service's credential: its name and the methods it may
// call.
type service struct {
	name    string
	methods map[string]bool
}

type cached struct {
	tenant, status string
	expires        time.Time
}

// New returns an authenticator backed by store; ttl 0 means DefaultCacheTTL.
func New(store Store, log zerolog.Logger, ttl time.Duration) *Authenticator {
	return NewWithOptions(store, log, Options{TTL: ttl})
}

// NewWithOptions is New with every setting.
func NewWithOptions(store Store, log zerolog.Logger, opt Options) *Authenticator {
	if opt.TTL <= 0 {
		opt.TTL = DefaultCacheTTL
	}
	if opt.NegativeTTL <= 0 {
		opt.NegativeTTL = DefaultNegativeTTL
	}
	if opt.FailureRate <= 0 {
		opt.FailureRate = DefaultPeerFailureRate
	}
	if opt.FailureBurst <= 0 {
		opt.FailureBurst = DefaultPeerFailureBurst
	}
	return &Authenticator{store: store, log: log, ttl: opt.TTL, now: time.Now, opt: opt,
		cache: map[[32]byte]cached{}, bad: map[[32]byte]time.Time{}, peers: map[string]*peerBudget{}}
}

type tenantKey struct{}

type serviceKey struct{}

// WithService makes the tokens whose SHA-256 are sums the credential of the
// hub's service name (the gateway), which may call methods (full method
// names) and nothing else; such a call carries no tenant (Tenant is "") and
// Service returns name. A service's tokens are configured on the
// aggregator, never stored in the credentials table.
func (a *Authenticator) WithService(name string, sums [][32]byte, methods []string) *Authenticator {
	if a.services == nil {
		a.services = map[[32]byte]service{}
	}
	svc := service{name: name, methods: map[string]bool{}}
	for _, m := range methods {
		svc.methods[m] = true
	}
	for _, sum := range sums {
		a.services[sum] = svc
	}
	return a
}

// Service returns the hub service a call is authenticated as, or "" for a
// tenant's call.
func Service(ctx context.Context) string {
	s, _ := ctx.Value(serviceKey{}).(string)
	return s
}

// WithServiceName returns a context carrying the service name, as the
// interceptors do (for tests and in-process callers).
func WithServiceName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, serviceKey{}, name)
}

// Tenant returns the authenticated tenant of a call, or "".
func Tenant(ctx context.Context) string {
	t, _ := ctx.Value(tenantKey{}).(string)
	return t
}

// WithTenant returns a context carrying tenant, as the interceptors do (for
// tests and in-process callers).
func WithTenant(ctx context.Context, tenant string) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenant)
}

// Unary is the unary server interceptor.
func (a *Authenticator) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if exempt(info.FullMethod) {
			return handler(ctx, req)
		}
		ctx, err := a.authenticate(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// Stream is the stream server interceptor.
func (a *Authenticator) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if exempt(info.FullMethod) {
			return handler(srv, ss)
		}
		ctx, err := a.authenticate(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return handler(srv, &stream{ServerStream: ss, ctx: ctx})
	}
}

type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }

func exempt(method string) bool {
	for _, p := range Exempt {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

func (a *Authenticator) authenticate(ctx context.Context, method string) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	token, ok := bearer(md.Get("authorization"))
	if !ok {
		a.log.Info().Str("method", method).Str("outcome", "unauthenticated").Msg("call without a credential")
		return nil, unauthenticated("no credential: send the metadata entry \"authorization: Bearer <token>\"",
			"Thiếu thông tin xác thực: hãy gửi \"authorization: Bearer <token>\"")
	}
	sum := sha256.Sum256([]byte(token))
	if svc, ok := a.services[sum]; ok {
		if !svc.methods[method] {
			a.log.Warn().Str("service", svc.name).Str("method", method).Msg("service credential used for another method")
			return nil, status.Error(codes.PermissionDenied, "the "+svc.name+"'s credential may not call "+method)
		}
		return WithServiceName(ctx, svc.name), nil
	}
	tenant, st, err := a.lookup(ctx, sum)
	if errors.Is(err, errRateLimited) {
		return nil, contentrules.Refuse(contentrules.ReasonRateLimited, "",
			"too many calls with unknown or revoked credentials from this address; retry in a minute with a valid credential",
			"Quá nhiều lời gọi với thông tin xác thực không hợp lệ từ địa chỉ này; hãy thử lại sau một phút với thông tin xác thực đúng")
	}
	if errors.Is(err, hubstore.ErrNotFound) {
		a.log.Info().Str("method", method).Str("outcome", "unauthenticated").Msg("unknown or revoked credential")
		return nil, unauthenticated("unknown or revoked credential", "Thông tin xác thực không hợp lệ hoặc đã bị thu hồi")
	}
	if err != nil {
		a.log.Error().Err(err).Str("method", method).Msg("credential look-up failed")
		return nil, contentrules.Refuse(contentrules.ReasonUnavailable, "", "credential look-up failed; try again",
			"Không kiểm tra được thông tin xác thực lúc này; hãy thử lại sau")
	}
	if named := md.Get(TenantHeader); len(named) > 0 && (len(named) > 1 || named[0] != tenant) {
		a.log.Warn().Str("tenant", tenant).Strs("named", named).Str("method", method).Msg("tenant mismatch")
		return nil, contentrules.Refuse(contentrules.ReasonTenantMismatch, TenantHeader,
			"the credential belongs to tenant "+tenant+", not to the tenant this call names",
			"Thông tin xác thực thuộc về đơn vị "+tenant+", không phải đơn vị được nêu trong lời gọi")
	}
	if st != hubstore.StatusActive {
		a.log.Warn().Str("tenant", tenant).Str("status", st).Str("method", method).Msg("inactive tenant")
		return nil, contentrules.Refuse(contentrules.ReasonTenantInactive, "",
			"tenant "+tenant+" is "+st+"; ask the hub's operators",
			"Đơn vị "+tenant+" đang bị tạm dừng hoặc đã ngừng hoạt động; hãy liên hệ quản trị cổng")
	}
	return WithTenant(ctx, tenant), nil
}

func unauthenticated(en, vi string) error {
	return contentrules.Refuse(contentrules.ReasonUnauthenticated, "", en, vi)
}

// bearer extracts the token of the single "Bearer <token>" value.
func bearer(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// errRateLimited: the peer spent its budget of failed look-ups.
var errRateLimited = errors.New("too many failed credential look-ups from this peer")

// lookup answers a credential from the caches when it can, else from the
// store, within the peer's budget of failed look-ups.
func (a *Authenticator) lookup(ctx context.Context, sum [32]byte) (tenant, st string, err error) {
	now := a.now()
	peerAddr := peerOf(ctx)
	a.mu.Lock()
	c, good := a.cache[sum]
	badUntil, bad := a.bad[sum]
	budget := a.peer(peerAddr)
	a.mu.Unlock()
	switch {
	case good && now.Before(c.expires):
		return c.tenant, c.status, nil
	case bad && now.Before(badUntil):
		return "", "", hubstore.ErrNotFound
	}
	// Only a peer with budget left may make the database look: a failure
	// is paid for before the look-up (so concurrent calls cannot overdraw),
	// and refunded when the credential is good.
	r := budget.lim.ReserveN(now, 1)
	if !r.OK() || r.DelayFrom(now) > 0 {
		r.CancelAt(now)
		a.mu.Lock()
		first := !budget.limited
		budget.limited = true
		a.mu.Unlock()
		if first {
			a.log.Warn().Str("peer", peerAddr).Msg("failed credential look-ups over budget: refusing unknown credentials from this peer for now")
		}
		return "", "", errRateLimited
	}
	tenant, st, err = a.store.AuthenticateSHA256(ctx, sum)
	a.mu.Lock()
	defer a.mu.Unlock()
	budget.limited = false
	switch {
	case errors.Is(err, hubstore.ErrNotFound):
		// Unknown or revoked: remembered briefly, and it replaces a good
		// entry (a revocation holds from here on).
		delete(a.cache, sum)
		if len(a.bad) >= maxCached {
			clear(a.bad)
		}
		a.bad[sum] = now.Add(a.opt.NegativeTTL)
		return "", "", err
	case err != nil:
		r.CancelAt(now) // the database's fault, not the peer's
		return "", "", err
	}
	r.CancelAt(now)
	delete(a.bad, sum)
	if len(a.cache) >= maxCached {
		clear(a.cache)
	}
	a.cache[sum] = cached{tenant: tenant, status: st, expires: now.Add(a.ttl)}
	return tenant, st, nil
}

// peer returns the budget of the peer at addr; a.mu is held.
func (a *Authenticator) peer(addr string) *peerBudget {
	if b, ok := a.peers[addr]; ok {
		return b
	}
	if len(a.peers) >= maxCached {
		clear(a.peers)
	}
	b := &peerBudget{lim: rate.NewLimiter(a.opt.FailureRate, a.opt.FailureBurst)}
	a.peers[addr] = b
	return b
}

// peerOf is the remote IP address of the call ("" when unknown): a peer's
// ports share its budget.
func peerOf(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return ""
	}
	addr := p.Addr.String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}
