package backoffice

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// The rest of answering a question (issue 9 point 3): files attached to the
// draft answer, asking the visitor for more information, closing with a
// reason, and (point 6) deleting the personal data of a visitor who gave
// only a phone number, at their request checked by calling it back. Asking,
// closing and deleting speak for the agency: approvers and administrators
// only, as approving an answer.

// addAnswerFiles attaches the draft form's files to the draft answer; it
// returns the problem to show, or "".
func (s *Server) addAnswerFiles(r *http.Request, in inbox.Inbox, id string) string {
	if r.MultipartForm == nil {
		return ""
	}
	l := s.loc(r)
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the browser's empty file input
		}
		data, err := readPart(fh)
		if err != nil {
			return l.T("inbox.files.unreadable")
		}
		err = in.AddAnswerFile(r.Context(), id, feedbackrules.File{Name: fh.Filename, Data: data})
		var bad inbox.ErrFile
		if errors.As(err, &bad) {
			return l.T("inbox.files." + bad.Code)
		}
		if err != nil {
			return l.T("inbox.state")
		}
	}
	return ""
}

// readPart reads an uploaded file, at most one byte past the answer's limit.
func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, feedbackrules.MaxFileBytes+1))
}

// respondAction does hoi-them (ask for more information), dong (close with
// a reason) or xoa-du-lieu (delete the personal data) through the hub.
func (s *Server) respondAction(w http.ResponseWriter, r *http.Request, in inbox.Inbox, id, action string) error {
	actor := current(r).Account
	if !actor.Has(accounts.RoleApprover) && !actor.Has(accounts.RoleAdmin) {
		return errForbidden
	}
	l := s.loc(r)
	if s.cfg.Feedback == nil {
		return s.renderQuestion(w, r, http.StatusServiceUnavailable, l.T("inbox.hub_down"))
	}
	var err error
	switch action {
	case "hoi-them":
		err = in.AskInfo(r.Context(), s.cfg.Feedback, id, r.PostFormValue("message"))
	case "dong":
		err = in.Close(r.Context(), s.cfg.Feedback, id, r.PostFormValue("reason"))
	case "xoa-du-lieu":
		if r.PostFormValue("confirm") != "1" {
			return s.renderQuestion(w, r, http.StatusUnprocessableEntity, l.T("inbox.erase.unconfirmed"))
		}
		err = in.Erase(r.Context(), s.cfg.Feedback, id, actor.Username)
		if err == nil {
			s.cfg.Log.Info().Str("feedback_id", id).Str("by", actor.Username).Msg("personal data deleted at the visitor's request")
		}
	}
	switch {
	case errors.Is(err, inbox.ErrNotFound):
		return errNotFound
	case errors.Is(err, inbox.ErrState):
		return s.renderQuestion(w, r, http.StatusConflict, l.T("inbox.state"))
	case err == nil:
		return seeOther(w, r, "/hop-thu/"+id, "saved")
	}
	switch status.Code(err) {
	case codes.InvalidArgument:
		return s.renderQuestion(w, r, http.StatusUnprocessableEntity, l.T("inbox.text_refused"))
	case codes.FailedPrecondition:
		return s.renderQuestion(w, r, http.StatusConflict, l.T("inbox.state"))
	}
	s.cfg.Log.Warn().Err(err).Str("feedback_id", id).Str("action", action).Msg("not done by the hub")
	return s.renderQuestion(w, r, http.StatusBadGateway, l.T("inbox.hub_down"))
}
