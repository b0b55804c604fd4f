// Package auth authenticates the tenants calling the aggregator's gRPC
// services: interceptors read the credential ("authorization: Bearer
// <token>"), look it up (through a short in-memory cache keyed by the
// token's SHA-256; tokens themselves are never kept or logged) and put the
// tenant it belongs to in the call's context, where Tenant finds it.
package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// TenantHeader is the optional metadata entry naming the tenant the caller
// means to act as; it must match the credential's tenant.
const TenantHeader = "x-portalhub-tenant"

// DefaultCacheTTL is how long a successful look-up is reused: a revoked
// credential or a suspended tenant is refused at most this long after.
const DefaultCacheTTL = 5 * time.Second

// maxCached bounds the cache; it is emptied when full.
const maxCached = 10000

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

	mu    sync.Mutex
	cache map[[32]byte]cached
}

type cached struct {
	tenant, status string
	expires        time.Time
}

// New returns an authenticator backed by store; ttl 0 means DefaultCacheTTL.
func New(store Store, log zerolog.Logger, ttl time.Duration) *Authenticator {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &Authenticator{store: store, log: log, ttl: ttl, now: time.Now, cache: map[[32]byte]cached{}}
}

type tenantKey struct{}

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
	tenant, st, err := a.lookup(ctx, sum)
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

func (a *Authenticator) lookup(ctx context.Context, sum [32]byte) (tenant, st string, err error) {
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[sum]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.tenant, c.status, nil
	}
	tenant, st, err = a.store.AuthenticateSHA256(ctx, sum)
	if err != nil {
		return "", "", err
	}
	a.mu.Lock()
	if len(a.cache) >= maxCached {
		clear(a.cache)
	}
	a.cache[sum] = cached{tenant: tenant, status: st, expires: now.Add(a.ttl)}
	a.mu.Unlock()
	return tenant, st, nil
}
