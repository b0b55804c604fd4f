// Package opsapi is the aggregator's OpsService (proto/portalhub/v1/ops.proto):
// the admin API of the central ops team, on a TLS listener of its own. Its
// interceptor (auth.go) authenticates ops tokens (services/opsaccounts),
// refuses tenants' credentials and anonymous callers, authorises each call
// by the caller's role and records it in the audit log; the calls use the
// hub store's registry, credential, audit and compliance code.
package opsapi

import (
	"context"
	"crypto/tls"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/personaldata"
)

// Config is what the OpsService is built from.
type Config struct {
	Store    *hubstore.Store
	Accounts *opsaccounts.Store
	// Rules are the deployment's Article 11 rules; nil: ComplianceReport
	// answers FAILED_PRECONDITION (HUB_COMPLIANCE_RULES is not set).
	Rules *compliance.Rules
	Log   zerolog.Logger
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
	// Registerer receives the service's metrics; nil registers none.
	Registerer prometheus.Registerer
	// LoginBurst is how many logins one address may try at once before
	// one every 3 s; 0 is 10.
	LoginBurst int
	// Consumers lists the JetStream consumers' backlog (Backlog); nil: the
	// answer says they could not be listed.
	Consumers backlog.Lister
	// PersonalData keeps citizens' personal-data keys under the
	// aggregator's keyring (RewrapPersonalData); nil when the aggregator
	// runs without the FeedbackService.
	PersonalData *personaldata.Store
	// Context is the aggregator's lifetime: a rebuild of the search index
	// started through the API (RebuildSearchIndex) runs until it ends or
	// this is done, whoever follows it; nil is context.Background().
	Context context.Context
}

// Server implements pb.OpsServiceServer.
type Server struct {
	pb.UnimplementedOpsServiceServer
	store     *hubstore.Store
	accounts  *opsaccounts.Store
	rules     *compliance.Rules
	log       zerolog.Logger
	now       func() time.Time
	calls     *prometheus.CounterVec
	logins    *loginLimiter
	read      *hubread.Store
	consumers backlog.Lister
	personal  *personaldata.Store
	life      context.Context
	rebuilds  rebuildSlot
}

// New returns the OpsService.
func New(cfg Config) *Server {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	life := cfg.Context
	if life == nil {
		life = context.Background()
	}
	s := &Server{store: cfg.Store, accounts: cfg.Accounts, rules: cfg.Rules, log: cfg.Log, now: now, logins: newLoginLimiter(cfg.LoginBurst),
		read: hubread.New(cfg.Store.Pool()), consumers: cfg.Consumers, personal: cfg.PersonalData, life: life,
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portalhub_ops_calls_total",
			Help: "Calls of the admin API (OpsService) by method and gRPC code; PermissionDenied and Unauthenticated are refusals."},
			[]string{"method", "code"})}
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(s.calls)
	}
	return s
}

// Limits of the ops listener: small messages, a deadline on every call.
const (
	maxRecvMsgSize = 1 << 20
	callDeadline   = 60 * time.Second
)

// NewGRPCServer builds the ops listener's gRPC server: the OpsService
// behind its interceptors (Unary, Stream), with TLS (nil: plain text,
// tests only), a panic guard, a deadline cap on unary calls and the
// standard health service (SERVING).
func NewGRPCServer(s *Server, tlsCfg *tls.Config, guard grpc.UnaryServerInterceptor) *grpc.Server {
	deadline := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, cancel := context.WithTimeout(ctx, callDeadline)
		defer cancel()
		return handler(ctx, req)
	}
	chain := []grpc.UnaryServerInterceptor{deadline, s.Unary()}
	if guard != nil {
		chain = append([]grpc.UnaryServerInterceptor{guard}, chain...)
	}
	opts := []grpc.ServerOption{grpc.MaxRecvMsgSize(maxRecvMsgSize), grpc.ChainUnaryInterceptor(chain...), grpc.StreamInterceptor(s.Stream())}
	if tlsCfg != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tlsCfg)))
	}
	srv := grpc.NewServer(opts...)
	pb.RegisterOpsServiceServer(srv, s)
	hs := health.NewServer()
	hs.SetServingStatus(pb.OpsService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	return srv
}

func ts(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return timestamppb.New(*t)
}

func account(a opsaccounts.Account) *pb.OpsAccount {
	created := a.CreatedAt
	return &pb.OpsAccount{Login: a.Login, DisplayName: a.DisplayName, Role: string(a.Role), Disabled: a.Disabled,
		LockedUntil: ts(a.LockedUntil), CreatedAt: ts(&created), LastLoginAt: ts(a.LastLoginAt)}
}

// Login exchanges a login and password for a bearer token.
func (s *Server) Login(ctx context.Context, req *pb.LoginRequest) (*pb.LoginResponse, error) {
	if err := s.logins.allow(ctx); err != nil {
		return nil, err
	}
	acc, err := s.accounts.Authenticate(ctx, req.GetLogin(), req.GetPassword())
	if err != nil {
		s.log.Info().Str("outcome", "refused").Msg("ops login refused")
		return nil, s.fail(ctx, err)
	}
	sess, token, err := s.accounts.StartSession(ctx, acc, opsaccounts.Token)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	s.log.Info().Str("account", acc.Login).Msg("ops login")
	return &pb.LoginResponse{Token: token, ExpiresAt: timestamppb.New(sess.ExpiresAt), Account: account(acc)}, nil
}

// Logout revokes the call's token.
func (s *Server) Logout(ctx context.Context, _ *pb.LogoutRequest) (*pb.LogoutResponse, error) {
	token, _ := bearerOf(ctx)
	if err := s.accounts.Revoke(ctx, token); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.LogoutResponse{}, nil
}

// Whoami names the caller.
func (s *Server) Whoami(ctx context.Context, _ *pb.WhoamiRequest) (*pb.WhoamiResponse, error) {
	sess := caller(ctx)
	return &pb.WhoamiResponse{Account: account(sess.Account), ExpiresAt: timestamppb.New(sess.ExpiresAt)}, nil
}

// RefreshToken exchanges the call's token for a new one.
func (s *Server) RefreshToken(ctx context.Context, _ *pb.RefreshTokenRequest) (*pb.RefreshTokenResponse, error) {
	token, _ := bearerOf(ctx)
	sess, fresh, err := s.accounts.Refresh(ctx, token)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	s.log.Info().Str("account", sess.Account.Login).Msg("ops token refreshed")
	return &pb.RefreshTokenResponse{Token: fresh, ExpiresAt: timestamppb.New(sess.ExpiresAt), LoginAt: timestamppb.New(sess.CreatedAt)}, nil
}
