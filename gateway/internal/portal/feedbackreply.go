package portal

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/feedbackrules"
)

// The status page's part of answering (issue 9 points 3 and 4): the answer
// as the hub sanitised it, the files attached to it
// (/{lang}/feedback/status/file?code=&n=), the reason of a closing, the
// question-and-answer item published from it, and the agency's request for
// more information with the form that takes the visitor's reply (POST
// /{lang}/feedback/status/reply: the tracking code is the visitor's proof,
// as for the status itself; CSRF, honeypot and the per-address limit as the
// question form).

type answerFileView struct {
	Href, Label string
}

// statusDetails fills sv with what st adds to the plain status.
func (s *Server) statusDetails(c *gin.Context, sv *feedbackStatusView, st *pb.GetFeedbackStatusResponse) error {
	l, lang := sv.L, sv.Lang
	// Sanitised by the hub under the content rules, as an item's body,
	// which pages show as they come.
	sv.AnswerHTML = template.HTML(st.GetAnswerHtml()) //nolint:gosec // sanitised at the hub (contentrules.SanitizeHTML)
	for _, f := range st.GetAnswerFiles() {
		sv.AnswerFiles = append(sv.AnswerFiles, answerFileView{
			Href:  fmt.Sprintf("/%s/feedback/status/file?code=%s&n=%d", lang, sv.Code, f.GetIndex()),
			Label: l.T("feedback.status.file", "N", f.GetIndex()+1, "Type", fileKind(f.GetMediaType()), "KB", (f.GetSize()+1023)/1024)})
	}
	if qa := st.GetQa(); qa != nil {
		it, err := s.visibleItem(c.Request.Context(), qa.GetTenant(), qa.GetContentId())
		if err != nil {
			return err
		}
		if it != nil {
			sv.QA = itemLink(lang, it)
		}
	}
	if sv.InfoRequest = st.GetInfoRequest(); sv.InfoRequest != "" && st.GetErasedAt() == nil {
		sv.ReplyAction = "/" + lang + "/feedback/status/reply"
		sv.ReplyRequestID = randomToken(18)
		sv.ReplyCSRF = s.csrfToken(s.formSecret(c), sv.ReplyRequestID)
		sv.Honeypot, sv.MaxReply = honeypotField, feedbackrules.MaxQuestion
	}
	return nil
}

// fileKind names a media type for people.
func fileKind(mediaType string) string {
	if mediaType == contentrules.MediaPDF {
		return "PDF"
	}
	return strings.ToUpper(strings.TrimPrefix(mediaType, "image/"))
}

// feedbackReply answers POST /{lang}/feedback/status/reply.
func (s *Server) feedbackReply(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	if err := parseFormPost(c); err != nil {
		return err
	}
	pf := c.Request.PostForm
	sv := s.statusView(c, lang, strings.TrimSpace(pf.Get("code")))
	l := sv.L
	// Every answer below shows the code's status: the status page's limit
	// against guessing applies first, as it does to GET.
	if ok, wait := s.statusLimit.allow(c.ClientIP(), s.now()); !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		sv.Problem = l.T("feedback.toomany")
		return s.writeFormPage(c, http.StatusTooManyRequests, "feedbackstatus", sv)
	}
	reply := strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(strings.ToValidUTF8(pf.Get("reply"), "\uFFFD"), "\r\n", "\n")))
	sv.Reply = reply
	if st, notice := s.checkFormPost(c, l, pf.Get("request_id")); st != 0 {
		sv.ReplyError = notice
		return s.showStatus(c, sv, st)
	}
	switch n := utf8.RuneCountInString(reply); {
	case n == 0:
		sv.ReplyError = l.T("feedback.status.reply.required")
	case n > feedbackrules.MaxQuestion:
		sv.ReplyError = l.T("feedback.status.reply.toolong", "Max", feedbackrules.MaxQuestion)
	case strings.IndexFunc(reply, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		sv.ReplyError = l.T("feedback.status.reply.invalid")
	}
	if sv.ReplyError != "" {
		return s.showStatus(c, sv, http.StatusUnprocessableEntity)
	}
	tc, ok := feedbackrules.NormalizeCode(sv.Code)
	if !ok || s.cfg.Feedback == nil {
		return s.showStatus(c, sv, http.StatusNotFound)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	_, err = s.cfg.Feedback.ReplyFeedback(ctx, &pb.ReplyFeedbackRequest{TrackingCode: tc, Reply: reply})
	switch status.Code(err) {
	case codes.OK:
		c.Redirect(http.StatusSeeOther, "/"+lang+"/feedback/status?replied=1&code="+feedbackrules.FormatCode(tc))
		return nil
	case codes.NotFound, codes.FailedPrecondition:
		// Answered, closed or replied to meanwhile: the page shows where it stands.
		sv.ReplyError = l.T("feedback.status.reply.notwaiting")
		return s.showStatus(c, sv, http.StatusConflict)
	case codes.InvalidArgument:
		sv.ReplyError = l.T("feedback.status.reply.invalid")
		return s.showStatus(c, sv, http.StatusUnprocessableEntity)
	}
	s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("feedback: the hub did not take a reply")
	sv.ReplyError = l.T("feedback.status.unavailable")
	return s.showStatus(c, sv, http.StatusServiceUnavailable)
}

// feedbackAnswerFile answers GET /{lang}/feedback/status/file?code=&n=: a
// file attached to the answer, as a download, under the status page's
// limit against guessing.
func (s *Server) feedbackAnswerFile(c *gin.Context) error {
	if _, err := langParam(c); err != nil {
		return err
	}
	tc, ok := feedbackrules.NormalizeCode(c.Query("code"))
	n, err := strconv.Atoi(c.Query("n"))
	if !ok || err != nil || n < 0 || n > 9 {
		return errNotFound
	}
	if ok, _ := s.statusLimit.allow(c.ClientIP(), s.now()); !ok {
		c.Status(http.StatusTooManyRequests)
		return nil
	}
	if s.cfg.Feedback == nil {
		return errBusy
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	res, err := s.cfg.Feedback.GetFeedbackAnswerFile(ctx, &pb.GetFeedbackAnswerFileRequest{TrackingCode: tc, Index: int32(n)})
	switch {
	case status.Code(err) == codes.NotFound:
		return errNotFound
	case err != nil:
		s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("feedback: the hub did not give an answer's file")
		return errBusy
	}
	f := res.GetFile()
	h := c.Writer.Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.GetFilename()}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	c.Data(http.StatusOK, f.GetMediaType(), f.GetData())
	return nil
}
