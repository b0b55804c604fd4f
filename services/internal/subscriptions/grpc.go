package subscriptions

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/auth"
)

// Server is the SubscriptionService.
type Server struct {
	pb.UnimplementedSubscriptionServiceServer
	store   *Store
	gateway string
	log     zerolog.Logger
}

// GatewayMethods are what the gateway's service credential may call here.
var GatewayMethods = []string{
	pb.SubscriptionService_Subscribe_FullMethodName,
	pb.SubscriptionService_ConfirmSubscription_FullMethodName,
	pb.SubscriptionService_Unsubscribe_FullMethodName,
}

// NewServer serves store to the service credential named gateway
// (auth.WithService) and to nobody else.
func NewServer(store *Store, gateway string, log zerolog.Logger) *Server {
	return &Server{store: store, gateway: gateway, log: log.With().Str("service", "subscriptions").Logger()}
}

func (s *Server) onlyGateway(ctx context.Context) error {
	if auth.Service(ctx) != s.gateway {
		return status.Error(codes.PermissionDenied, "only the gateway calls the SubscriptionService")
	}
	return nil
}

func scopeOf(sc *pb.SubscriptionScope) Scope {
	return Scope{Tenant: sc.GetTenant(), Category: sc.GetCategory(), LegalType: sc.GetLegalType(), LegalField: sc.GetLegalField()}
}

// Subscribe records a subscription (Store.Subscribe).
func (s *Server) Subscribe(ctx context.Context, req *pb.SubscribeRequest) (*pb.SubscribeResponse, error) {
	if err := s.onlyGateway(ctx); err != nil {
		return nil, err
	}
	err := s.store.Subscribe(ctx, Request{RequestID: req.GetRequestId(), Email: req.GetEmail(), Lang: req.GetLang(),
		Scope: scopeOf(req.GetScope()), Consent: req.GetConsent() && req.GetConsentVersion() == ConsentVersion})
	if err != nil {
		return nil, s.status(ctx, "subscribe", err)
	}
	return &pb.SubscribeResponse{}, nil
}

// ConfirmSubscription makes a subscription work (Store.Confirm).
func (s *Server) ConfirmSubscription(ctx context.Context, req *pb.ConfirmSubscriptionRequest) (*pb.ConfirmSubscriptionResponse, error) {
	if err := s.onlyGateway(ctx); err != nil {
		return nil, err
	}
	sc, lang, err := s.store.Confirm(ctx, req.GetToken())
	if err != nil {
		return nil, s.status(ctx, "confirm", err)
	}
	return &pb.ConfirmSubscriptionResponse{Lang: lang, Scope: &pb.SubscriptionScope{Tenant: sc.Tenant, Category: sc.Category,
		LegalType: sc.LegalType, LegalField: sc.LegalField}}, nil
}

// Unsubscribe ends a subscription (Store.Unsubscribe).
func (s *Server) Unsubscribe(ctx context.Context, req *pb.UnsubscribeRequest) (*pb.UnsubscribeResponse, error) {
	if err := s.onlyGateway(ctx); err != nil {
		return nil, err
	}
	removed, err := s.store.Unsubscribe(ctx, req.GetToken())
	if err != nil {
		return nil, s.status(ctx, "unsubscribe", err)
	}
	return &pb.UnsubscribeResponse{Removed: removed}, nil
}

// status maps the store's errors to gRPC status errors.
func (s *Server) status(ctx context.Context, what string, err error) error {
	var inv *InvalidError
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &inv):
		vs := make([]contentrules.Violation, 0, len(inv.Problems))
		for _, p := range inv.Problems {
			reason := contentrules.ReasonInvalidFormat
			switch p.Code {
			case "required":
				reason = contentrules.ReasonRequired
			case "too_long":
				reason = contentrules.ReasonTooLong
			}
			vs = append(vs, contentrules.Violation{Field: p.Field, Reason: reason, Description: p.Field + ": " + p.Code})
		}
		return contentrules.InvalidArgument(vs)
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, "no such subscription, or its link expired")
	case ctx.Err() != nil, errors.As(err, &pgErr) && pgErr.Code[:2] == "08", pgconn.SafeToRetry(err):
		return status.Error(codes.Unavailable, "the hub cannot take it now; try again")
	}
	s.log.Error().Err(err).Str("op", what).Msg("subscriptions failed")
	return status.Error(codes.Internal, "internal error")
}
