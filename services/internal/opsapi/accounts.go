package opsapi

import (
	"context"

	"google.golang.org/grpc/codes"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// ListOpsAccounts lists the ops accounts.
func (s *Server) ListOpsAccounts(ctx context.Context, _ *pb.ListOpsAccountsRequest) (*pb.ListOpsAccountsResponse, error) {
	as, err := s.accounts.List(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListOpsAccountsResponse{Accounts: make([]*pb.OpsAccount, len(as))}
	for i, a := range as {
		out.Accounts[i] = account(a)
	}
	return out, nil
}

// AddOpsAccount adds an ops account, recorded (ops.account_add) under the
// administrator who added it.
func (s *Server) AddOpsAccount(ctx context.Context, req *pb.AddOpsAccountRequest) (*pb.AddOpsAccountResponse, error) {
	role, err := opsaccounts.ParseRole(req.GetRole())
	if err != nil {
		return nil, invalid("role", err.Error(), "Vai trò phải là viewer, operator hoặc administrator.")
	}
	a, err := s.accounts.Create(ctx, opsaccounts.NewAccount{Login: req.GetLogin(), DisplayName: req.GetDisplayName(), Role: role,
		Password: req.GetPassword()}, caller(ctx).Account.Actor())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.AddOpsAccountResponse{Account: account(a)}, nil
}

// UpdateOpsAccount changes an account's role, status or password.
func (s *Server) UpdateOpsAccount(ctx context.Context, req *pb.UpdateOpsAccountRequest) (*pb.UpdateOpsAccountResponse, error) {
	me := caller(ctx).Account
	a, err := s.accounts.ByLogin(ctx, req.GetLogin())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	var role opsaccounts.Role
	if req.GetRole() != "" {
		if role, err = opsaccounts.ParseRole(req.GetRole()); err != nil {
			return nil, invalid("role", err.Error(), "Vai trò phải là viewer, operator hoặc administrator.")
		}
	}
	if a.ID == me.ID && ((role != "" && role != a.Role) || req.GetDisabled()) {
		return nil, refuse(codes.FailedPrecondition, "OPS_OWN_ACCOUNT", nil,
			"you cannot disable or demote your own account: another administrator must",
			"Bạn không thể tự vô hiệu hoá hay hạ vai trò của chính mình: hãy nhờ một quản trị viên khác.")
	}
	actor := me.Actor()
	if role != "" && role != a.Role {
		if err := s.accounts.SetRole(ctx, a.ID, role, actor); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	if req.Disabled != nil && req.GetDisabled() != a.Disabled {
		if err := s.accounts.SetDisabled(ctx, a.ID, req.GetDisabled(), actor); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	if req.GetPassword() != "" {
		if err := s.accounts.SetPassword(ctx, a.ID, req.GetPassword(), actor); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	if a, err = s.accounts.Get(ctx, a.ID); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.UpdateOpsAccountResponse{Account: account(a)}, nil
}
