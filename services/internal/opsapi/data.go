package opsapi

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/personaldata"
)

// Search best bets and citizens' personal-data keys: what hubctl once did
// over DATABASE_URL under $USER, now as the ops account that calls. The
// stores record each change in the audit log under that account (the
// best bets' search.bestbet_*; personal_data.rewrap and .reshred here).

// maxReshred bounds the submission ids of one ReshredPersonalData call
// (hubctl sends a longer shred log in several).
const maxReshred = 10000

func bestBetPB(b hubstore.BestBet) *pb.BestBet {
	return &pb.BestBet{Query: b.Query, TenantId: b.Tenant, ContentId: b.ContentID, Position: int32(b.Position),
		CreatedBy: b.CreatedBy, CreatedAt: timestamppb.New(b.CreatedAt)}
}

// ListBestBets lists best bets, of one query or all.
func (s *Server) ListBestBets(ctx context.Context, req *pb.ListBestBetsRequest) (*pb.ListBestBetsResponse, error) {
	bs, err := s.store.ListBestBets(ctx, req.GetQuery())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListBestBetsResponse{}
	for _, b := range bs {
		out.BestBets = append(out.BestBets, bestBetPB(b))
	}
	return out, nil
}

// AddBestBet puts a published item first for a query.
func (s *Server) AddBestBet(ctx context.Context, req *pb.AddBestBetRequest) (*pb.AddBestBetResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	b, err := s.store.AddBestBet(ctx, caller(ctx).Account.Actor(), req.GetQuery(), req.GetTenantId(), req.GetContentId(), int(req.GetPosition()))
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.AddBestBetResponse{BestBet: bestBetPB(b)}, nil
}

// RemoveBestBet removes a best bet.
func (s *Server) RemoveBestBet(ctx context.Context, req *pb.RemoveBestBetRequest) (*pb.RemoveBestBetResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	if err := s.store.RemoveBestBet(ctx, caller(ctx).Account.Actor(), req.GetQuery(), req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.RemoveBestBetResponse{}, nil
}

// RewrapPersonalData moves every data key to the aggregator's current
// key-encryption key; what moved is recorded even when a later batch
// failed.
func (s *Server) RewrapPersonalData(ctx context.Context, _ *pb.RewrapPersonalDataRequest) (*pb.RewrapPersonalDataResponse, error) {
	if s.personal == nil {
		return nil, refuse(codes.FailedPrecondition, "NO_PERSONAL_DATA", nil,
			"this aggregator keeps no personal data (no FeedbackService: AGGREGATOR_GATEWAY_TOKEN_FILE and PERSONAL_DATA_KEYS unset)",
			"Aggregator này không giữ dữ liệu cá nhân (không bật FeedbackService: chưa đặt AGGREGATOR_GATEWAY_TOKEN_FILE và PERSONAL_DATA_KEYS).")
	}
	kek := s.personal.CurrentKeyID()
	n, rewrapErr := s.personal.Rewrap(ctx)
	if n > 0 || rewrapErr == nil {
		if err := s.store.RecordAction(ctx, caller(ctx).Account.Actor(), "personal_data.rewrap", map[string]any{"kek": kek, "moved": n}); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	if errors.Is(rewrapErr, personaldata.ErrUnknownKEK) {
		s.log.Warn().Err(rewrapErr).Int("moved", n).Msg("ops: rewrap stopped at a data key of an unknown key-encryption key")
		return nil, refuse(codes.FailedPrecondition, "UNKNOWN_KEK", nil,
			rewrapErr.Error()+": add that key to PERSONAL_DATA_KEYS, restart the aggregator and run this again",
			"Có khóa dữ liệu được bọc bằng một khóa không có trong PERSONAL_DATA_KEYS: thêm khóa đó, khởi động lại aggregator rồi chạy lại.")
	}
	if rewrapErr != nil {
		return nil, s.fail(ctx, rewrapErr)
	}
	return &pb.RewrapPersonalDataResponse{Moved: int64(n), KeyId: kek}, nil
}

// ReshredPersonalData destroys again the data keys a shred log names and
// those past their retention; what was destroyed is recorded even when a
// later batch failed.
func (s *Server) ReshredPersonalData(ctx context.Context, req *pb.ReshredPersonalDataRequest) (*pb.ReshredPersonalDataResponse, error) {
	ids := req.GetSubmissionIds()
	if len(ids) > maxReshred {
		return nil, invalid("submission_ids", "at most 10000 submission ids a call", "Mỗi lần gọi tối đa 10000 mã.")
	}
	for _, id := range ids {
		if id == "" || strings.ContainsAny(id, " \n") {
			return nil, invalid("submission_ids", "a submission id is empty or holds a space", "Có mã hồ sơ rỗng hoặc chứa dấu cách.")
		}
	}
	// Reshred deletes in batches: keys a failing call destroyed are gone
	// for good, so they are recorded before the error is returned.
	n, reshredErr := personaldata.NewStore(s.store.Pool(), nil).Reshred(ctx, ids, s.now())
	if n > 0 || reshredErr == nil {
		if err := s.store.RecordAction(ctx, caller(ctx).Account.Actor(), "personal_data.reshred",
			map[string]any{"logged": len(ids), "destroyed": n}); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	if reshredErr != nil {
		return nil, s.fail(ctx, reshredErr)
	}
	return &pb.ReshredPersonalDataResponse{Destroyed: n}, nil
}
