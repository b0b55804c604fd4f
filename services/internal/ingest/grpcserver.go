package ingest

import (
	"context"
	"crypto/tls"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/auth"
)

// Transport limits of the aggregator's gRPC server.
const (
	MaxRecvMsgSize  = 4 << 20
	DefaultDeadline = 30 * time.Second
	// DefaultIdleTimeout is how long a stream may go without a message
	// (a 1 MiB chunk at 420 kbit/s).
	DefaultIdleTimeout = 20 * time.Second
	// MaxConcurrentStreams bounds the calls in progress on one connection
	// (a sub-portal needs a few).
	MaxConcurrentStreams = 64
)

// GRPCConfig is what the aggregator's gRPC server is built from.
type GRPCConfig struct {
	TLS    *tls.Config // nil serves plain text (tests only)
	Auth   *auth.Authenticator
	Ingest *Server
	// Feedback is the FeedbackService, served beside IngestService when
	// not nil.
	Feedback pb.FeedbackServiceServer
	// Subscriptions is the SubscriptionService, served beside it (nil:
	// none).
	Subscriptions pb.SubscriptionServiceServer
	Log           zerolog.Logger
	// Deadline caps every call's deadline: a call runs until the earlier of
	// its own deadline (if any) and now + Deadline. 0 means DefaultDeadline.
	Deadline time.Duration
	// IdleTimeout ends a stream (UploadBlob, PublishBulk) that waits longer
	// than this for its next message. 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Reflection serves gRPC server reflection (grpcurl list, describe)
	// to anyone who can connect, credential or not: for development only.
	Reflection bool
}

// NewGRPCServer builds the aggregator's gRPC server: the IngestService
// behind the auth interceptors, with the UTF-8-repairing codec, a 4 MiB
// message limit, at most MaxConcurrentStreams calls per connection,
// keepalive enforcement, a deadline cap and an idle timeout on streams,
// messages that cannot be decoded refused as INVALID_ARGUMENT, the standard
// health service (NOT_SERVING until the caller says otherwise) and, when
// configured, server reflection.
func NewGRPCServer(cfg GRPCConfig) (*grpc.Server, *health.Server) {
	d := cfg.Deadline
	if d <= 0 {
		d = DefaultDeadline
	}
	idle := cfg.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	opts := []grpc.ServerOption{
		grpc.ForceServerCodecV2(contentrules.Codec()),
		grpc.MaxRecvMsgSize(MaxRecvMsgSize),
		grpc.MaxConcurrentStreams(MaxConcurrentStreams),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: 15 * time.Minute, Time: 2 * time.Minute, Timeout: 20 * time.Second}),
		grpc.ChainUnaryInterceptor(recoverUnary(cfg.Log), undecodableUnary, deadlineUnary(d), cfg.Auth.Unary()),
		grpc.ChainStreamInterceptor(recoverStream(cfg.Log), undecodableStream, deadlineStream(d, idle), cfg.Auth.Stream()),
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg.TLS)))
	}
	srv := grpc.NewServer(opts...)
	pb.RegisterIngestServiceServer(srv, cfg.Ingest)
	if cfg.Subscriptions != nil {
		pb.RegisterSubscriptionServiceServer(srv, cfg.Subscriptions)
	}
	if cfg.Feedback != nil {
		pb.RegisterFeedbackServiceServer(srv, cfg.Feedback)
	}
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	hs.SetServingStatus(pb.IngestService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	if cfg.Reflection {
		reflection.Register(srv)
	}
	return srv, hs
}

// SetServing flips the health status of the server and of the IngestService.
func SetServing(hs *health.Server, serving bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if serving {
		st = healthpb.HealthCheckResponse_SERVING
	}
	hs.SetServingStatus("", st)
	hs.SetServingStatus(pb.IngestService_ServiceDesc.ServiceName, st)
}

// deadlineUnary caps the call's deadline at d from now: a client's earlier
// deadline is kept (context.WithTimeout never extends its parent's), a later
// one or none is cut to d.
func deadlineUnary(d time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return handler(ctx, req)
	}
}

// deadlineStream caps a stream's deadline as deadlineUnary does a call's,
// and bounds each wait for a message: a stream whose peer sends nothing for
// idle, or is still waiting at the deadline, is ended (a blocked Recv does
// not watch the capped context by itself).
func deadlineStream(d, idle time.Duration) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, cancel := context.WithTimeout(ss.Context(), d)
		defer cancel()
		return handler(srv, &boundedStream{ServerStream: ss, ctx: ctx, idle: idle})
	}
}

// boundedStream is a server stream with the capped context and an idle
// timeout on each message received.
type boundedStream struct {
	grpc.ServerStream
	ctx  context.Context
	idle time.Duration
}

func (s *boundedStream) Context() context.Context { return s.ctx }

// RecvMsg receives the next message, or ends the wait with
// DEADLINE_EXCEEDED when none comes within the idle timeout or before the
// deadline. The receive goes on in its goroutine until the handler returns,
// which ends the stream; the caller must then return, not touch m.
func (s *boundedStream) RecvMsg(m any) error {
	received := make(chan error, 1)
	go func() { received <- s.ServerStream.RecvMsg(m) }()
	idle := time.NewTimer(s.idle)
	defer idle.Stop()
	select {
	case err := <-received:
		return err
	case <-idle.C:
		return status.Errorf(codes.DeadlineExceeded, "the stream was idle: no message for %v; send the parts of a call without pausing", s.idle)
	case <-s.ctx.Done():
		return status.FromContextError(s.ctx.Err()).Err()
	}
}

// undecodableUnary answers a request the codec could not decode
// (contentrules.Undecodable) as INVALID_ARGUMENT: grpc-go would answer
// INTERNAL had the codec failed, for what is the caller's fault.
func undecodableUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := contentrules.Undecodable(req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// undecodableStream is undecodableUnary for every message of a stream.
func undecodableStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, decodingStream{ss})
}

// decodingStream is a server stream whose RecvMsg answers a message the
// codec could not decode as INVALID_ARGUMENT.
type decodingStream struct{ grpc.ServerStream }

func (s decodingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return contentrules.Undecodable(m)
}

// RecoverUnary is the aggregator's guard against a handler's panic: the
// call is answered INTERNAL and the panic logged, the process lives on
// (the ops listener uses it too).
func RecoverUnary(log zerolog.Logger) grpc.UnaryServerInterceptor { return recoverUnary(log) }

func recoverUnary(log zerolog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if p := recover(); p != nil {
				log.Error().Interface("panic", p).Str("method", info.FullMethod).Msg("handler panicked")
				err = status.Error(codes.Internal, "internal error")
			}
		}()
		return handler(ctx, req)
	}
}

func recoverStream(log zerolog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		defer func() {
			if p := recover(); p != nil {
				log.Error().Interface("panic", p).Str("method", info.FullMethod).Msg("handler panicked")
				err = status.Error(codes.Internal, "internal error")
			}
		}()
		return handler(srv, ss)
	}
}
