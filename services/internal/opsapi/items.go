package opsapi

import (
	"context"
	"strings"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// TakeDownItem takes an item down on the hub's authority.
func (s *Server) TakeDownItem(ctx context.Context, req *pb.TakeDownItemRequest) (*pb.TakeDownItemResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.GetReason()) == "" {
		return nil, invalid("reason", "a public reason is required: it is shown on the page and to the tenant",
			"Cần nêu lý do công khai: lý do hiện trên trang và được gửi tới đơn vị.")
	}
	if err := s.store.TakeDown(ctx, caller(ctx).Account.Actor(), req.GetTenantId(), req.GetContentId(), req.GetReason()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.TakeDownItemResponse{}, nil
}

// LiftTakedown makes a taken-down item visible again.
func (s *Server) LiftTakedown(ctx context.Context, req *pb.LiftTakedownRequest) (*pb.LiftTakedownResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	if err := s.store.LiftTakedown(ctx, caller(ctx).Account.Actor(), req.GetTenantId(), req.GetContentId(), req.GetReason()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.LiftTakedownResponse{}, nil
}

func itemNamed(tenant, contentID string) error {
	if tenant == "" || contentID == "" {
		return invalid("content_id", "tenant_id and content_id are required", "Cần mã đơn vị (tenant_id) và mã nội dung (content_id).")
	}
	return nil
}
