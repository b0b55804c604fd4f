package opsapi

import (
	"context"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

func (s *Server) credentialPB(c hubstore.Credential) *pb.Credential {
	return &pb.Credential{
		Id: c.ID, TenantId: c.Tenant, Label: c.Label, CreatedAt: ts(&c.Created), RevokedAt: ts(c.Revoked),
		ExpiresAt: ts(c.Expires), LastUsedAt: ts(c.LastUsed), ReplacedBy: c.ReplacedBy, Live: c.Live(s.now()),
	}
}

// ListCredentials lists credentials with their last use.
func (s *Server) ListCredentials(ctx context.Context, req *pb.ListCredentialsRequest) (*pb.ListCredentialsResponse, error) {
	cs, err := s.store.ListCredentials(ctx, req.GetTenantId())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListCredentialsResponse{Credentials: make([]*pb.Credential, len(cs))}
	for i, c := range cs {
		out.Credentials[i] = s.credentialPB(c)
	}
	return out, nil
}

// IssueCredential creates a credential.
func (s *Server) IssueCredential(ctx context.Context, req *pb.IssueCredentialRequest) (*pb.IssueCredentialResponse, error) {
	if req.GetTenantId() == "" {
		return nil, invalid("tenant_id", "tenant_id is required", "Thiếu mã đơn vị (tenant_id).")
	}
	id, token, err := s.store.IssueCredential(ctx, caller(ctx).Account.Actor(), req.GetTenantId(), req.GetLabel())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.IssueCredentialResponse{Credential: s.credentialPB(c), Token: token}, nil
}

// RotateCredential issues a successor; the old credential works for the
// overlap.
func (s *Server) RotateCredential(ctx context.Context, req *pb.RotateCredentialRequest) (*pb.RotateCredentialResponse, error) {
	overlap := hubstore.DefaultOverlap
	if req.GetOverlap() != nil {
		if err := req.GetOverlap().CheckValid(); err != nil {
			return nil, invalid("overlap", "overlap is not a valid duration", "overlap không hợp lệ.")
		}
		overlap = req.GetOverlap().AsDuration()
	}
	if overlap < 0 || overlap > hubstore.MaxOverlap {
		return nil, invalid("overlap", "overlap must be between 0 and "+hubstore.MaxOverlap.String(),
			"overlap phải từ 0 đến 30 ngày.")
	}
	nu, token, old, err := s.store.RotateCredential(ctx, caller(ctx).Account.Actor(), req.GetId(), overlap, req.GetLabel())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.RotateCredentialResponse{Credential: s.credentialPB(nu), Token: token, Replaced: s.credentialPB(old)}, nil
}

// RevokeCredential ends a credential at once.
func (s *Server) RevokeCredential(ctx context.Context, req *pb.RevokeCredentialRequest) (*pb.RevokeCredentialResponse, error) {
	if err := s.store.RevokeCredential(ctx, caller(ctx).Account.Actor(), req.GetId()); err != nil {
		return nil, s.fail(ctx, err)
	}
	c, err := s.store.Credential(ctx, req.GetId())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.RevokeCredentialResponse{Credential: s.credentialPB(c)}, nil
}
