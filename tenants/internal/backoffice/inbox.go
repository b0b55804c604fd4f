package backoffice

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// The inbox of citizens' questions routed to this sub-portal (issue 9
// point 3): /hop-thu lists them by filter (new, assigned, overdue,
// answered) with their due days; /hop-thu/{id} shows one, its contact
// details on demand (fetched from the hub with the sub-portal's credential,
// never stored here), and lets staff take it and draft an answer, and an
// approver approve the answer, which goes to the hub, the visitor's status
// page and e-mail.

// FeedbackHub is the hub's FeedbackService as the back office calls it.
type FeedbackHub interface {
	inbox.AnswerClient
	LinkFeedbackQA(ctx context.Context, in *pb.LinkFeedbackQARequest, opts ...grpc.CallOption) (*pb.LinkFeedbackQAResponse, error)
	GetFeedbackContact(ctx context.Context, in *pb.GetFeedbackContactRequest, opts ...grpc.CallOption) (*pb.GetFeedbackContactResponse, error)
	GetFeedbackAttachment(ctx context.Context, in *pb.GetFeedbackAttachmentRequest, opts ...grpc.CallOption) (*pb.GetFeedbackAttachmentResponse, error)
}

var inboxFilters = []string{"", inbox.FilterNew, inbox.FilterAssigned, inbox.FilterOverdue, inbox.FilterAnswered}

type inboxFilter struct {
	Value, Label string
	Count        int
	Current      bool
}

type inboxView struct {
	Filters   []inboxFilter
	Questions []inbox.Question
	Today     time.Time
	// Draft is set when the page lists the comments on one draft
	// (?du-thao=, issue 9 point 8), in full, oldest first: what the
	// summary of the comments is written from.
	Draft *draftRef
}

// draftRef names a draft of this sub-portal.
type draftRef struct{ ID, Title string }

// draftOf returns the draft id names, its Vietnamese title when the
// sub-portal holds it (the id alone otherwise).
func (s *Server) draftOf(ctx context.Context, id string) (*draftRef, error) {
	d := &draftRef{ID: id, Title: id}
	it, err := s.cfg.Store.Get(ctx, id)
	if errs.KindOf(err) == errs.NotFound {
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	for _, tr := range it.Doc.GetTranslations() {
		if tr.GetLocale() == "vi" {
			d.Title = tr.GetTitle()
		}
	}
	return d, nil
}

type questionView struct {
	Q                     inbox.Question
	Draft                 *draftRef // the draft a comment is on
	Today                 time.Time
	Contact               *pb.GetFeedbackContactResponse
	ContactError          string
	CanApprove, CanAnswer bool
	CanForward            bool
	// CanErase offers the deletion of a phone-only visitor's personal
	// data, on their request checked by telephone (issue 9 point 6).
	CanErase               bool
	ShowContact, NoContact bool
	// AnswerFiles are the files attached to the draft answer.
	AnswerFiles []inbox.AnswerFile
	// OwnDraft says the draft a comment is on is this sub-portal's (a
	// forwarded comment's is another's).
	OwnDraft bool
	// Publish is the anonymised question proposed for publication, when
	// the question is answered, not yet published, and the account may
	// write drafts.
	Publish *qaProposal
}

// today is the current day in GMT+7, as the due days are kept.
func today() time.Time {
	y, m, d := time.Now().In(time.FixedZone("GMT+7", 7*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	filter := r.URL.Query().Get("loc")
	known := false
	for _, f := range inboxFilters {
		known = known || f == filter
	}
	if !known {
		return errs.New(errs.InvalidArgument, "loc", "unknown filter", "Bộ lọc không hợp lệ.")
	}
	day := today()
	if id := r.URL.Query().Get("du-thao"); id != "" {
		if !contentrules.ValidContentID(id) {
			return errs.New(errs.InvalidArgument, "du-thao", "not a content id", "Mã dự thảo không hợp lệ.")
		}
		d, err := s.draftOf(r.Context(), id)
		if err != nil {
			return err
		}
		qs, err := inbox.Inbox{Pool: s.cfg.Store.Pool()}.Comments(r.Context(), id)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, "inbox", &Page{Title: l.T("inbox.consultation.title", d.Title),
			Data: inboxView{Questions: qs, Today: day, Draft: d}, Wide: true})
	}
	qs, counts, err := inbox.Inbox{Pool: s.cfg.Store.Pool()}.List(r.Context(), filter, day)
	if err != nil {
		return err
	}
	v := inboxView{Questions: qs, Today: day}
	for _, f := range inboxFilters {
		n := len(qs)
		if f != "" {
			n = counts[f]
		}
		if f == "" && filter != "" {
			n = -1 // not counted: the page holds one filter's
		}
		v.Filters = append(v.Filters, inboxFilter{Value: f, Label: l.T("inbox.filter." + orAll(f)), Count: n, Current: f == filter})
	}
	return s.render(w, r, http.StatusOK, "inbox", &Page{Title: l.T("inbox.title"), Data: v, Wide: true})
}

func orAll(f string) string {
	if f == "" {
		return "all"
	}
	return f
}

func (s *Server) questionPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderQuestion(w, r, http.StatusOK, "")
}

func (s *Server) renderQuestion(w http.ResponseWriter, r *http.Request, code int, problem string) error {
	l := s.loc(r)
	q, err := inbox.Inbox{Pool: s.cfg.Store.Pool()}.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, inbox.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	actor := current(r).Account
	decides := actor.Has(accounts.RoleApprover) || actor.Has(accounts.RoleAdmin)
	open := q.Open()
	v := questionView{Q: q, Today: today(), CanAnswer: open,
		CanApprove: q.Status == "drafted" && decides, CanForward: open && decides,
		CanErase: decides && q.ErasedAt == nil && !q.HasEmail}
	if v.AnswerFiles, err = (inbox.Inbox{Pool: s.cfg.Store.Pool()}).AnswerFiles(r.Context(), q.ID); err != nil {
		return err
	}
	if q.ConsultationID != "" {
		v.OwnDraft = q.ConsultationTenant == "" || q.ConsultationTenant == s.cfg.Tenant
		v.Draft = &draftRef{ID: q.ConsultationID, Title: q.ConsultationID}
		if v.OwnDraft {
			if v.Draft, err = s.draftOf(r.Context(), q.ConsultationID); err != nil {
				return err
			}
		}
	}
	if q.Status == "answered" && q.QAContentID == "" && q.ErasedAt == nil {
		if _, err := editorial.Decide(actor, editorial.Revision{AuthorID: actor.ID}, editorial.ActionSave, s.cfg.Board); err == nil {
			v.Publish = s.proposeQA(r.Context(), q)
			if typed, ok := r.PostForm["question"]; ok && r.Method == http.MethodPost {
				v.Publish.Text = typed[0] // shown again as typed
			}
		}
	}
	if r.URL.Query().Get("lien-he") == "1" {
		v.ShowContact = true
		switch {
		case s.cfg.Feedback == nil:
			v.ContactError = l.T("inbox.contact.unavailable")
		default:
			c, err := s.cfg.Feedback.GetFeedbackContact(r.Context(), &pb.GetFeedbackContactRequest{Id: q.ID})
			switch {
			case status.Code(err) == codes.NotFound:
				v.NoContact = true
			case err != nil:
				s.cfg.Log.Warn().Str("feedback_id", q.ID).Str("code", status.Code(err).String()).Msg("contact details not fetched")
				v.ContactError = l.T("inbox.contact.unavailable")
			default:
				// Shown, never stored or logged here.
				s.cfg.Log.Info().Str("feedback_id", q.ID).Str("by", actor.Username).Msg("contact details shown")
				v.Contact = c
			}
		}
	}
	p := &Page{Title: l.T("inbox.question") + " " + q.ID[:min(8, len(q.ID))], Data: v, Notice: problem}
	return s.render(w, r, code, "question", p)
}

func (s *Server) questionAction(w http.ResponseWriter, r *http.Request) error {
	in := inbox.Inbox{Pool: s.cfg.Store.Pool()}
	id, actor := r.PathValue("id"), current(r).Account
	var err error
	switch r.PathValue("action") {
	case "nhan":
		err = in.Assign(r.Context(), id, actor.Username)
	case "du-thao":
		err = in.Draft(r.Context(), id, actor.Username, r.PostFormValue("draft"))
		if err == nil {
			if problem := s.addAnswerFiles(r, in, id); problem != "" {
				return s.renderQuestion(w, r, http.StatusUnprocessableEntity, problem)
			}
		}
	case "bo-tep":
		n, perr := strconv.Atoi(r.PostFormValue("n"))
		if perr != nil {
			return errNotFound
		}
		err = in.RemoveAnswerFile(r.Context(), id, n)
	case "hoi-them", "dong", "xoa-du-lieu":
		return s.respondAction(w, r, in, id, r.PathValue("action"))
	case "duyet":
		if !actor.Has(accounts.RoleApprover) && !actor.Has(accounts.RoleAdmin) {
			return errForbidden
		}
		if s.cfg.Feedback == nil {
			return s.renderQuestion(w, r, http.StatusServiceUnavailable, s.loc(r).T("inbox.hub_unavailable"))
		}
		err = in.Approve(r.Context(), s.cfg.Feedback, id, actor.Username, editorial.RenderMarkdown)
		if err != nil && !errors.Is(err, inbox.ErrState) && !errors.Is(err, inbox.ErrNotFound) {
			s.cfg.Log.Warn().Err(err).Str("feedback_id", id).Msg("answer not taken by the hub")
			return s.renderQuestion(w, r, http.StatusBadGateway, s.loc(r).T("inbox.hub_unavailable"))
		}
	case "chuyen":
		if !actor.Has(accounts.RoleApprover) && !actor.Has(accounts.RoleAdmin) {
			return errForbidden
		}
		if s.cfg.Feedback == nil {
			return s.renderQuestion(w, r, http.StatusServiceUnavailable, s.loc(r).T("inbox.hub_unavailable"))
		}
		err = in.Forward(r.Context(), s.cfg.Feedback, id, r.PostFormValue("to_tenant"), r.PostFormValue("reason"))
		switch status.Code(err) {
		case codes.OK, codes.Unknown:
		case codes.InvalidArgument, codes.FailedPrecondition:
			return s.renderQuestion(w, r, http.StatusUnprocessableEntity, s.loc(r).T("inbox.forward_refused"))
		default:
			s.cfg.Log.Warn().Err(err).Str("feedback_id", id).Msg("forward not done by the hub")
			return s.renderQuestion(w, r, http.StatusBadGateway, s.loc(r).T("inbox.hub_unavailable"))
		}
	case "cong-khai":
		var revID int64
		revID, err = s.publishQA(r, id)
		switch {
		case errors.Is(err, errQAQuestion):
			return s.renderQuestion(w, r, http.StatusUnprocessableEntity, s.loc(r).T("inbox.publish.empty"))
		case errors.Is(err, errHubQA):
			s.cfg.Log.Warn().Err(err).Str("feedback_id", id).Msg("Q&A link not taken by the hub")
			return s.renderQuestion(w, r, http.StatusBadGateway, s.loc(r).T("inbox.hub_down"))
		case err == nil:
			return seeOther(w, r, "/ban-sua/"+itoa(revID), "saved")
		}
	default:
		return errNotFound
	}
	switch {
	case errors.Is(err, inbox.ErrNotFound):
		return errNotFound
	case errors.Is(err, inbox.ErrState):
		return s.renderQuestion(w, r, http.StatusConflict, s.loc(r).T("inbox.state"))
	case err != nil:
		return err
	}
	return seeOther(w, r, "/hop-thu/"+id, "saved")
}

// questionFile answers GET /hop-thu/{id}/tep/{n}: a file the visitor
// attached, fetched from the hub with the sub-portal's credential for the
// staff member who opens it, kept nowhere here, served as a download
// (never rendered in the back office's origin).
func (s *Server) questionFile(w http.ResponseWriter, r *http.Request) error {
	q, err := inbox.Inbox{Pool: s.cfg.Store.Pool()}.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, inbox.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= len(q.Attachments) {
		return errNotFound
	}
	if s.cfg.Feedback == nil {
		return errs.New(errs.Unavailable, "", "the hub is not configured", "Chưa kết nối được với cổng tỉnh.")
	}
	res, err := s.cfg.Feedback.GetFeedbackAttachment(r.Context(), &pb.GetFeedbackAttachmentRequest{Id: q.ID, Index: int32(n)})
	switch {
	case status.Code(err) == codes.NotFound:
		return errs.New(errs.NotFound, "", "the attachment was deleted", "Tệp đã bị xóa cùng dữ liệu cá nhân của câu hỏi.")
	case err != nil:
		s.cfg.Log.Warn().Str("feedback_id", q.ID).Str("code", status.Code(err).String()).Msg("attachment not fetched")
		return errs.New(errs.Unavailable, "", "the hub did not answer", "Không lấy được tệp từ cổng tỉnh; hãy thử lại sau.")
	}
	f := res.GetFile()
	s.cfg.Log.Info().Str("feedback_id", q.ID).Int("index", n).Str("by", current(r).Account.Username).Msg("attachment shown")
	name := fmt.Sprintf("cau-hoi-%s-tep-%d%s", q.ID[:min(8, len(q.ID))], n+1, extOf(f.GetMediaType()))
	h := w.Header()
	h.Set("Content-Type", f.GetMediaType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(f.GetData())
	return err
}

// extOf is the file extension of an attachment's media type.
func extOf(mediaType string) string {
	switch mediaType {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ""
}
