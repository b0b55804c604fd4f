package feedback

import (
	"context"
	"errors"

	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/auth"
)

// Server is the FeedbackService.
type Server struct {
	pb.UnimplementedFeedbackServiceServer
	store *Store
	log   zerolog.Logger
}

// NewServer serves store.
func NewServer(store *Store, log zerolog.Logger) *Server {
	return &Server{store: store, log: log.With().Str("service", "feedback").Logger()}
}

// Gateway is the name of the gateway's service credential (auth.Service):
// the only caller of SubmitFeedback and GetFeedbackStatus.
const Gateway = "gateway"

// Methods the gateway's credential may call (auth.ServiceMethods).
var GatewayMethods = []string{
	pb.FeedbackService_SubmitFeedback_FullMethodName,
	pb.FeedbackService_GetFeedbackStatus_FullMethodName,
	pb.FeedbackService_RequestFeedbackErasure_FullMethodName,
	pb.FeedbackService_ConfirmFeedbackErasure_FullMethodName,
	pb.FeedbackService_ReplyFeedback_FullMethodName,
	pb.FeedbackService_GetFeedbackAnswerFile_FullMethodName,
}

var statuses = map[string]pb.FeedbackStatus{
	"received": pb.FeedbackStatus_FEEDBACK_STATUS_RECEIVED, "forwarded": pb.FeedbackStatus_FEEDBACK_STATUS_FORWARDED,
	"in_progress": pb.FeedbackStatus_FEEDBACK_STATUS_IN_PROGRESS, "answered": pb.FeedbackStatus_FEEDBACK_STATUS_ANSWERED,
	"published": pb.FeedbackStatus_FEEDBACK_STATUS_PUBLISHED, "closed": pb.FeedbackStatus_FEEDBACK_STATUS_CLOSED,
}

// SubmitFeedback stores a submission (Store.Submit).
func (s *Server) SubmitFeedback(ctx context.Context, req *pb.SubmitFeedbackRequest) (*pb.SubmitFeedbackResponse, error) {
	if auth.Service(ctx) != Gateway {
		return nil, status.Error(codes.PermissionDenied, "only the gateway submits feedback")
	}
	r, err := s.store.Submit(ctx, feedbackrules.Form{RequestID: req.GetRequestId(), Tenant: req.GetTenant(), Topic: req.GetTopic(),
		Question: req.GetQuestion(), Name: req.GetName(), Email: req.GetEmail(), Phone: req.GetPhone(), Lang: req.GetLang(),
		Consent:            req.GetConsent() && req.GetConsentVersion() == feedbackrules.ConsentVersion,
		ConsultationTenant: req.GetConsultation().GetTenant(), ConsultationID: req.GetConsultation().GetContentId(),
		Files: filesOf(req.GetAttachments())})
	if err != nil {
		return nil, s.status(ctx, "submit", err)
	}
	// The id and tenant only: never the visitor's details.
	s.log.Info().Str("feedback_id", r.ID).Str("tenant", r.Tenant).Msg("feedback received")
	return &pb.SubmitFeedbackResponse{Id: r.ID, TrackingCode: r.Code, Tenant: r.Tenant}, nil
}

// GetFeedbackStatus answers the public status page.
func (s *Server) GetFeedbackStatus(ctx context.Context, req *pb.GetFeedbackStatusRequest) (*pb.GetFeedbackStatusResponse, error) {
	if auth.Service(ctx) != Gateway {
		return nil, status.Error(codes.PermissionDenied, "only the gateway reads the public status")
	}
	st, err := s.store.StatusOf(ctx, req.GetTrackingCode())
	if err != nil {
		return nil, s.status(ctx, "status", err)
	}
	resp := &pb.GetFeedbackStatusResponse{Status: statuses[st.Status], Tenant: st.Tenant, Topic: st.Topic,
		SubmittedAt: timestamppb.New(st.SubmittedAt), StatusAt: timestamppb.New(st.StatusAt), Answer: st.Answer,
		ForwardReason: st.ForwardReason, AnswerHtml: st.AnswerHTML, InfoRequest: st.InfoRequest, CloseReason: st.CloseReason}
	if st.QA != "" {
		resp.Qa = &pb.ContentRef{Tenant: st.Tenant, ContentId: st.QA}
	}
	for _, f := range st.AnswerFiles {
		resp.AnswerFiles = append(resp.AnswerFiles, &pb.FeedbackFileInfo{Index: int32(f.Index), MediaType: f.MediaType, Size: f.Size})
	}
	if st.ErasedAt != nil {
		resp.ErasedAt = timestamppb.New(*st.ErasedAt)
	}
	return resp, nil
}

// RequestFeedbackErasure sends a deletion link to the submission's e-mail
// address (Store.RequestErasure); its answer tells nothing.
func (s *Server) RequestFeedbackErasure(ctx context.Context, req *pb.RequestFeedbackErasureRequest) (*pb.RequestFeedbackErasureResponse, error) {
	if auth.Service(ctx) != Gateway {
		return nil, status.Error(codes.PermissionDenied, "only the gateway asks for deletions")
	}
	sent, err := s.store.RequestErasure(ctx, req.GetTrackingCode(), req.GetLang())
	if err != nil {
		return nil, s.status(ctx, "request erasure", err)
	}
	if sent {
		s.log.Info().Msg("feedback: deletion link sent")
	}
	return &pb.RequestFeedbackErasureResponse{}, nil
}

// ConfirmFeedbackErasure deletes the personal data a confirmation link
// names (Store.ConfirmErasure).
func (s *Server) ConfirmFeedbackErasure(ctx context.Context, req *pb.ConfirmFeedbackErasureRequest) (*pb.ConfirmFeedbackErasureResponse, error) {
	if auth.Service(ctx) != Gateway {
		return nil, status.Error(codes.PermissionDenied, "only the gateway confirms deletions")
	}
	at, err := s.store.ConfirmErasure(ctx, req.GetToken())
	if err != nil {
		return nil, s.status(ctx, "confirm erasure", err)
	}
	s.log.Info().Msg("feedback: personal data deleted at the visitor's request")
	return &pb.ConfirmFeedbackErasureResponse{ErasedAt: timestamppb.New(at)}, nil
}

// GetFeedbackContact gives the contact details to the tenant the
// submission is routed to.
func (s *Server) GetFeedbackContact(ctx context.Context, req *pb.GetFeedbackContactRequest) (*pb.GetFeedbackContactResponse, error) {
	tenant := auth.Tenant(ctx)
	if tenant == "" {
		return nil, status.Error(codes.PermissionDenied, "only the tenant a submission is routed to reads its contact details")
	}
	name, email, phone, err := s.store.Contact(ctx, tenant, req.GetId())
	if errors.Is(err, ErrPermission) {
		s.log.Warn().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("contact details refused: another tenant's submission")
	}
	if err != nil {
		return nil, s.status(ctx, "contact", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("contact details given")
	return &pb.GetFeedbackContactResponse{Name: name, Email: email, Phone: phone}, nil
}

// filesOf reads a request's attachments.
func filesOf(in []*pb.FeedbackFile) []feedbackrules.File {
	var out []feedbackrules.File
	for _, f := range in {
		out = append(out, feedbackrules.File{Name: f.GetFilename(), Data: f.GetData()})
	}
	return out
}

// GetFeedbackAttachment gives an attachment to the tenant the submission
// is routed to.
func (s *Server) GetFeedbackAttachment(ctx context.Context, req *pb.GetFeedbackAttachmentRequest) (*pb.GetFeedbackAttachmentResponse, error) {
	tenant := auth.Tenant(ctx)
	if tenant == "" {
		return nil, status.Error(codes.PermissionDenied, "only the tenant a submission is routed to reads its attachments")
	}
	f, mediaType, err := s.store.Attachment(ctx, tenant, req.GetId(), int(req.GetIndex()))
	if errors.Is(err, ErrPermission) {
		s.log.Warn().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("attachment refused: another tenant's submission")
	}
	if err != nil {
		return nil, s.status(ctx, "attachment", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Int32("index", req.GetIndex()).Msg("attachment given")
	return &pb.GetFeedbackAttachmentResponse{File: &pb.FeedbackFile{Filename: f.Name, MediaType: mediaType, Data: f.Data}}, nil
}

// AnswerFeedback records the tenant's approved answer.
func (s *Server) AnswerFeedback(ctx context.Context, req *pb.AnswerFeedbackRequest) (*pb.AnswerFeedbackResponse, error) {
	tenant := auth.Tenant(ctx)
	if tenant == "" {
		return nil, status.Error(codes.PermissionDenied, "only the tenant a submission is routed to answers it")
	}
	changed, err := s.store.Answer(ctx, tenant, req.GetId(), Reply{Text: req.GetAnswer(), HTML: req.GetAnswerHtml(),
		ApprovedBy: req.GetApprovedBy(), Files: filesOf(req.GetAttachments())})
	if errors.Is(err, ErrPermission) {
		s.log.Warn().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("answer refused: another tenant's submission")
	}
	if err != nil {
		return nil, s.status(ctx, "answer", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Bool("changed", changed).Msg("feedback answered")
	return &pb.AnswerFeedbackResponse{Changed: changed}, nil
}

// ForwardFeedback re-routes the tenant's submission to another tenant.
func (s *Server) ForwardFeedback(ctx context.Context, req *pb.ForwardFeedbackRequest) (*pb.ForwardFeedbackResponse, error) {
	tenant := auth.Tenant(ctx)
	if tenant == "" {
		return nil, status.Error(codes.PermissionDenied, "only the tenant a submission is routed to forwards it")
	}
	if err := s.store.Forward(ctx, tenant, req.GetId(), req.GetToTenant(), req.GetReason()); err != nil {
		return nil, s.status(ctx, "forward", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Str("to", req.GetToTenant()).Msg("feedback forwarded")
	return &pb.ForwardFeedbackResponse{}, nil
}

// tenantOnly returns the calling tenant, or the refusal of a call only a
// tenant makes.
func tenantOnly(ctx context.Context, what string) (string, error) {
	tenant := auth.Tenant(ctx)
	if tenant == "" {
		return "", status.Error(codes.PermissionDenied, "only the tenant a submission is routed to "+what)
	}
	return tenant, nil
}

// RequestFeedbackInfo asks the visitor for more information.
func (s *Server) RequestFeedbackInfo(ctx context.Context, req *pb.RequestFeedbackInfoRequest) (*pb.RequestFeedbackInfoResponse, error) {
	tenant, err := tenantOnly(ctx, "asks its visitor")
	if err != nil {
		return nil, err
	}
	if err := s.store.RequestInfo(ctx, tenant, req.GetId(), req.GetMessage()); err != nil {
		return nil, s.status(ctx, "request information", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("feedback: more information asked")
	return &pb.RequestFeedbackInfoResponse{}, nil
}

// ReplyFeedback takes the visitor's reply to a request for information.
func (s *Server) ReplyFeedback(ctx context.Context, req *pb.ReplyFeedbackRequest) (*pb.ReplyFeedbackResponse, error) {
	if auth.Service(ctx) != Gateway {
		return nil, status.Error(codes.PermissionDenied, "only the gateway takes a visitor's reply")
	}
	if err := s.store.ReplyTo(ctx, req.GetTrackingCode(), req.GetReply()); err != nil {
		return nil, s.status(ctx, "reply", err)
	}
	s.log.Info().Msg("feedback: a visitor replied")
	return &pb.ReplyFeedbackResponse{}, nil
}

// CloseFeedback closes a submission with a reason.
func (s *Server) CloseFeedback(ctx context.Context, req *pb.CloseFeedbackRequest) (*pb.CloseFeedbackResponse, error) {
	tenant, err := tenantOnly(ctx, "closes it")
	if err != nil {
		return nil, err
	}
	if err := s.store.Close(ctx, tenant, req.GetId(), req.GetReason()); err != nil {
		return nil, s.status(ctx, "close", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("feedback closed")
	return &pb.CloseFeedbackResponse{}, nil
}

// LinkFeedbackQA records the question-and-answer item made from a
// submission.
func (s *Server) LinkFeedbackQA(ctx context.Context, req *pb.LinkFeedbackQARequest) (*pb.LinkFeedbackQAResponse, error) {
	tenant, err := tenantOnly(ctx, "links its item")
	if err != nil {
		return nil, err
	}
	if err := s.store.LinkQA(ctx, tenant, req.GetId(), req.GetContentId()); err != nil {
		return nil, s.status(ctx, "link qa", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Str("content_id", req.GetContentId()).Msg("feedback: Q&A item linked")
	return &pb.LinkFeedbackQAResponse{}, nil
}

// EraseFeedback deletes a submission's personal data at its tenant's
// request (a visitor without an e-mail address).
func (s *Server) EraseFeedback(ctx context.Context, req *pb.EraseFeedbackRequest) (*pb.EraseFeedbackResponse, error) {
	tenant, err := tenantOnly(ctx, "deletes its personal data")
	if err != nil {
		return nil, err
	}
	if _, _, _, err := s.store.Contact(ctx, tenant, req.GetId()); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, s.status(ctx, "erase", err)
	}
	at, err := s.store.Erase(ctx, req.GetId())
	if err != nil {
		return nil, s.status(ctx, "erase", err)
	}
	s.log.Info().Str("tenant", tenant).Str("feedback_id", req.GetId()).Msg("feedback: personal data deleted at the agency's request")
	return &pb.EraseFeedbackResponse{ErasedAt: timestamppb.New(at)}, nil
}

// GetFeedbackAnswerFile gives a file of an answer to its status page.
func (s *Server) GetFeedbackAnswerFile(ctx context.Context, req *pb.GetFeedbackAnswerFileRequest) (*pb.GetFeedbackAnswerFileResponse, error) {
	if auth.Service(ctx) != Gateway {
		return nil, status.Error(codes.PermissionDenied, "only the gateway reads an answer's files")
	}
	f, mediaType, err := s.store.AnswerFile(ctx, req.GetTrackingCode(), int(req.GetIndex()))
	if err != nil {
		return nil, s.status(ctx, "answer file", err)
	}
	return &pb.GetFeedbackAnswerFileResponse{File: &pb.FeedbackFile{Filename: f.Name, MediaType: mediaType, Data: f.Data}}, nil
}

// status maps the store's errors to gRPC status errors, once.
func (s *Server) status(ctx context.Context, what string, err error) error {
	var inv *InvalidError
	switch {
	case errors.As(err, &inv):
		vs := make([]contentrules.Violation, 0, len(inv.Problems))
		for _, p := range inv.Problems {
			vs = append(vs, contentrules.Violation{Field: p.Field, Reason: reasonOf(p.Code), Description: p.Field + ": " + p.Code})
		}
		return contentrules.InvalidArgument(vs)
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, "no such submission")
	case errors.Is(err, ErrNotOpen):
		return status.Error(codes.FailedPrecondition, "the draft is not open for comment today")
	case errors.Is(err, ErrAnswered):
		return status.Error(codes.FailedPrecondition, "the submission is answered or closed already")
	case errors.Is(err, ErrNoRequest):
		return status.Error(codes.FailedPrecondition, "no request for information waits for a reply")
	case errors.Is(err, ErrPermission):
		return status.Error(codes.PermissionDenied, "the submission is routed to another tenant")
	case errors.Is(err, ErrUnavailable), ctx.Err() != nil:
		return status.Error(codes.Unavailable, "the hub cannot store it now; try again")
	}
	s.log.Error().Err(err).Str("op", what).Msg("feedback failed")
	return status.Error(codes.Internal, "internal error")
}

// reasonOf is the reason code of a problem (docs/ARCHITECTURE.md's table).
func reasonOf(code string) string {
	switch code {
	case feedbackrules.Required, feedbackrules.Contact:
		return contentrules.ReasonRequired
	case feedbackrules.TooLong, feedbackrules.TooLarge:
		return contentrules.ReasonTooLong
	case feedbackrules.TooMany:
		return contentrules.ReasonTooMany
	case feedbackrules.Encoding:
		return contentrules.ReasonLegacyEncoding
	}
	return contentrules.ReasonInvalidFormat
}
