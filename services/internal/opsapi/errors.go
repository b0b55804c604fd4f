package opsapi

import (
	"context"
	"errors"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// Domain of the OpsService's google.rpc.ErrorInfo details.
const errorDomain = "ops.portalhub"

// refuse returns a status error with an ErrorInfo (reason, metadata) and
// the Vietnamese text as a LocalizedMessage.
func refuse(code codes.Code, reason string, meta map[string]string, en, vi string) error {
	st := status.New(code, en)
	if d, err := st.WithDetails(
		&errdetails.ErrorInfo{Reason: reason, Domain: errorDomain, Metadata: meta},
		&errdetails.LocalizedMessage{Locale: "vi", Message: vi},
	); err == nil {
		st = d
	}
	return st.Err()
}

// fail maps an error of the stores to the status the caller sees: the
// one place that decides what an error means to an ops client. Server
// faults are logged here and answered INTERNAL without their text.
func (s *Server) fail(ctx context.Context, err error) error {
	var refusal *opsaccounts.Error
	if errors.As(err, &refusal) {
		switch {
		case errors.Is(err, opsaccounts.ErrLocked):
			return refuse(codes.ResourceExhausted, "OPS_LOCKED", map[string]string{"locked_until": refusal.Until.UTC().Format(time.RFC3339)},
				refusal.English, refusal.Vietnamese)
		case errors.Is(err, opsaccounts.ErrDisabled):
			return refuse(codes.PermissionDenied, "OPS_DISABLED", nil, refusal.English, refusal.Vietnamese)
		case errors.Is(err, opsaccounts.ErrBadCredentials):
			return refuse(codes.Unauthenticated, "OPS_BAD_CREDENTIALS", nil, refusal.English, refusal.Vietnamese)
		case errors.Is(err, opsaccounts.ErrRefreshLimit):
			return refuse(codes.Unauthenticated, "OPS_REFRESH_LIMIT", nil, refusal.English, refusal.Vietnamese)
		case errors.Is(err, opsaccounts.ErrBusy):
			return refuse(codes.Unavailable, "OPS_BUSY", nil, refusal.English, refusal.Vietnamese)
		default:
			return refuse(codes.InvalidArgument, "OPS_INVALID", nil, refusal.English, refusal.Vietnamese)
		}
	}
	var inv *hubstore.Invalid
	if errors.As(err, &inv) {
		return refuse(codes.InvalidArgument, "INVALID_ARGUMENT", nil, inv.English, inv.Vietnamese)
	}
	var pre *hubstore.Precondition
	if errors.As(err, &pre) {
		return refuse(codes.FailedPrecondition, pre.Reason, nil, pre.English, pre.Vietnamese)
	}
	switch {
	case errors.Is(err, hubstore.ErrNotFound), errors.Is(err, hubread.ErrNotFound):
		return refuse(codes.NotFound, "NOT_FOUND", nil, err.Error(),
			"Không tìm thấy điều được nêu (đơn vị, mục nội dung, thông tin xác thực...): kiểm tra lại mã. Chi tiết: "+err.Error())
	case errors.Is(err, hubstore.ErrConflict):
		return refuse(codes.AlreadyExists, "ALREADY_EXISTS", nil, err.Error(), "Đã tồn tại.")
	case errors.Is(err, hubstore.ErrInvalidArgument):
		return refuse(codes.InvalidArgument, "INVALID_ARGUMENT", nil, err.Error(),
			"Giá trị không hợp lệ (mã đơn vị: a-z, 0-9, -; loại và trạng thái theo danh sách; tên miền hợp lệ).")
	case errors.Is(err, hubstore.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		if ctx.Err() != nil {
			return status.FromContextError(ctx.Err()).Err()
		}
		return refuse(codes.Unavailable, "UNAVAILABLE", nil, "the hub database is unavailable; try again", "Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau.")
	}
	s.log.Error().Err(err).Msg("ops call failed")
	return refuse(codes.Internal, "INTERNAL", nil, "internal error; the aggregator's log says more", "Lỗi hệ thống; xem nhật ký của aggregator.")
}

// invalid is an INVALID_ARGUMENT about a request's field.
func invalid(field, en, vi string) error {
	return refuse(codes.InvalidArgument, "INVALID_ARGUMENT", map[string]string{"field": field}, en, vi)
}
