package portal

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
)

// Deleting a question's personal data (issue 9 point 6): the visitor gives
// the tracking code at /{lang}/feedback/delete and the hub sends a link to
// the e-mail address of the question (whoever holds a code alone can
// neither delete nor learn anything: the answer is the same whatever the
// hub found); the link's page /{lang}/feedback/delete/confirm?t= asks for
// one click (a POST: a mail scanner that follows links deletes nothing),
// and the hub destroys the data at the portal and at every agency that
// received the question.

type feedbackDeleteView struct {
	base
	// State is form, sent, confirm, done, notfound or unavailable.
	State                       string
	Action, Code, Problem       string
	RequestID, CSRF, Honeypot   string
	Token, StatusURL, RecordURL string
	ErasedOn                    string
}

func (s *Server) feedbackDeletePage(c *gin.Context, code int, lang string, v feedbackDeleteView) error {
	b, _ := s.feedbackBase(c, lang, "/feedback/delete", "")
	v.base = b
	v.Title = b.L.T("feedback.delete." + v.State + ".title")
	if v.Problem != "" {
		v.Title = b.L.T("feedback.error.title") + ": " + v.Title
	}
	v.Action, v.Honeypot = "/"+lang+"/feedback/delete", honeypotField
	v.StatusURL, v.RecordURL = "/"+lang+"/feedback/status", "/"+lang+"/privacy/record"
	if v.State == "form" {
		v.RequestID = randomToken(18)
		v.CSRF = s.csrfToken(s.formSecret(c), v.RequestID)
	}
	// A code or a token may be in the address: no other site learns it.
	c.Header("Referrer-Policy", "no-referrer")
	return s.writeFormPage(c, code, "feedbackdelete", v)
}

// feedbackDeleteForm answers GET /{lang}/feedback/delete[?code=].
func (s *Server) feedbackDeleteForm(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	return s.feedbackDeletePage(c, http.StatusOK, lang, feedbackDeleteView{State: "form", Code: strings.TrimSpace(c.Query("code"))})
}

// feedbackDeleteRequest answers POST /{lang}/feedback/delete: the hub sends
// the link when it can; the visitor reads the same either way.
func (s *Server) feedbackDeleteRequest(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	if err := parseFormPost(c); err != nil {
		return err
	}
	l := s.cfg.Catalog.For(lang)
	v := feedbackDeleteView{State: "form", Code: strings.TrimSpace(c.Request.PostForm.Get("code"))}
	if st, notice := s.checkFormPost(c, l, c.Request.PostForm.Get("request_id")); st != 0 {
		v.Problem = notice
		return s.feedbackDeletePage(c, st, lang, v)
	}
	code, ok := feedbackrules.NormalizeCode(v.Code)
	if !ok {
		v.Problem = l.T("feedback.status.badcode")
		return s.feedbackDeletePage(c, http.StatusUnprocessableEntity, lang, v)
	}
	if s.cfg.Feedback == nil {
		v.Problem = l.T("feedback.status.unavailable")
		return s.feedbackDeletePage(c, http.StatusServiceUnavailable, lang, v)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	if _, err := s.cfg.Feedback.RequestFeedbackErasure(ctx, &pb.RequestFeedbackErasureRequest{TrackingCode: code, Lang: lang}); err != nil {
		s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("feedback: the hub did not take a deletion request")
		v.Problem = l.T("feedback.status.unavailable")
		return s.feedbackDeletePage(c, http.StatusServiceUnavailable, lang, v)
	}
	return s.feedbackDeletePage(c, http.StatusOK, lang, feedbackDeleteView{State: "sent", Code: feedbackrules.FormatCode(code)})
}

// feedbackDeleteConfirm answers GET and POST
// /{lang}/feedback/delete/confirm?t=: GET shows the button, POST deletes.
func (s *Server) feedbackDeleteConfirm(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	token := strings.TrimSpace(c.Query("t"))
	if c.Request.Method == http.MethodPost {
		if err := parseFormPost(c); err != nil {
			return err
		}
		if t := c.Request.PostForm.Get("t"); t != "" {
			token = strings.TrimSpace(t)
		}
	}
	if token == "" || len(token) > 200 {
		return s.feedbackDeletePage(c, http.StatusNotFound, lang, feedbackDeleteView{State: "notfound"})
	}
	if c.Request.Method != http.MethodPost {
		return s.feedbackDeletePage(c, http.StatusOK, lang, feedbackDeleteView{State: "confirm", Token: token})
	}
	if s.cfg.Feedback == nil {
		return s.feedbackDeletePage(c, http.StatusServiceUnavailable, lang, feedbackDeleteView{State: "unavailable"})
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	resp, err := s.cfg.Feedback.ConfirmFeedbackErasure(ctx, &pb.ConfirmFeedbackErasureRequest{Token: token})
	switch {
	case status.Code(err) == codes.NotFound:
		return s.feedbackDeletePage(c, http.StatusNotFound, lang, feedbackDeleteView{State: "notfound"})
	case err != nil:
		s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("feedback: the hub did not delete")
		return s.feedbackDeletePage(c, http.StatusServiceUnavailable, lang, feedbackDeleteView{State: "unavailable"})
	}
	l := s.cfg.Catalog.For(lang)
	return s.feedbackDeletePage(c, http.StatusOK, lang, feedbackDeleteView{State: "done", ErasedOn: formatDate(l, resp.GetErasedAt().AsTime())})
}
