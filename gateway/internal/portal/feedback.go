package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// Citizens' questions and petitions (issue 9 point 1): the form at
// /{lang}/feedback on the portal and on every sub-portal's site (its own
// host too: "feedback" is a reserved word), which hands the submission to
// the hub's FeedbackService, and the status page /{lang}/feedback/status.
// The gateway writes nothing itself: the visitor reads "received" only
// after the hub answered, which it does once the submission is committed.
// These pages carry a per-visitor token and personal data: never cached,
// never indexed.

// FeedbackHub is the hub's FeedbackService as the gateway calls it
// (pb.FeedbackServiceClient with the gateway's credential).
type FeedbackHub interface {
	SubmitFeedback(ctx context.Context, in *pb.SubmitFeedbackRequest, opts ...grpc.CallOption) (*pb.SubmitFeedbackResponse, error)
	GetFeedbackStatus(ctx context.Context, in *pb.GetFeedbackStatusRequest, opts ...grpc.CallOption) (*pb.GetFeedbackStatusResponse, error)
	RequestFeedbackErasure(ctx context.Context, in *pb.RequestFeedbackErasureRequest, opts ...grpc.CallOption) (*pb.RequestFeedbackErasureResponse, error)
	ReplyFeedback(ctx context.Context, in *pb.ReplyFeedbackRequest, opts ...grpc.CallOption) (*pb.ReplyFeedbackResponse, error)
	GetFeedbackAnswerFile(ctx context.Context, in *pb.GetFeedbackAnswerFileRequest, opts ...grpc.CallOption) (*pb.GetFeedbackAnswerFileResponse, error)
	ConfirmFeedbackErasure(ctx context.Context, in *pb.ConfirmFeedbackErasureRequest, opts ...grpc.CallOption) (*pb.ConfirmFeedbackErasureResponse, error)
}

// feedbackCookie holds the visitor's form secret, which the form's CSRF
// token is bound to (a double-submit token: a page elsewhere can neither
// read the cookie nor make the token).
const feedbackCookie = "portalhub_form"

// honeypotField is a field people do not see and robots fill in.
const honeypotField = "website"

// hubTimeout bounds a call to the hub from a visitor's request.
const hubTimeout = 10 * time.Second

type option struct {
	Value, Label string
	Selected     bool
}

type feedbackProblem struct {
	Field, Label, Message string
}

type feedbackFormView struct {
	base
	Action, StatusURL string
	Agencies          []option
	Topics            []option
	Form              feedbackrules.Form
	Problems          []feedbackProblem
	Errors            map[string]string // field -> message
	Notice            string            // a problem that is no field's: expired form, hub unavailable, too many
	RequestID, CSRF   string
	MaxQuestion       int
	QuestionLeft      string
	Script            string
	Honeypot          string
	ConsentLines      []string
	// MaxFiles and MaxFileMiB describe the attachments the form takes;
	// HadFiles says the post being shown again had some, which the visitor
	// must choose again (a browser does not refill a file input).
	MaxFiles, MaxFileMiB int
	HadFiles             bool
	Accept               string
	// Consultation is the draft a comment is on (issue 9 point 8): the
	// form then takes a comment on it, for its agency, without an agency or
	// topic to choose.
	Consultation *commentTarget
}

// commentTarget is the draft a comment form is for.
type commentTarget struct {
	Value  string // tenant/content id, the form's consultation field
	Draft  linkView
	Agency string
	Closes string
	Open   bool
}

type feedbackDoneView struct {
	base
	Code, StatusURL, Agency string
	Email                   bool
}

type feedbackStatusView struct {
	base
	Action   string
	Code     string
	Problem  string
	Found    bool
	Status   string // localized
	StatusID string // received, forwarded, ...
	Agency   string
	Topic    string
	Sent     string
	Changed  string
	Answer   []string // paragraphs
	// AnswerHTML is the answer as the hub sanitised it (rendered from the
	// agency's Markdown); Answer is used when there is none.
	AnswerHTML template.HTML
	// AnswerFiles link the files attached to the answer.
	AnswerFiles []answerFileView
	// ForwardReason is why the agency forwarded it, shown as written;
	// CloseReason why it closed it.
	ForwardReason, CloseReason string
	// QA links the question-and-answer item published from it.
	QA *linkView
	// InfoRequest is what the agency asks; the page then takes the
	// visitor's reply (Reply* the form's).
	InfoRequest                 string
	ReplyAction                 string
	ReplyRequestID, ReplyCSRF   string
	Honeypot, Reply, ReplyError string
	MaxReply                    int
	// Replied says the reply was just taken.
	Replied bool
	// ErasedOn is the day its personal data was deleted; DeleteURL is
	// where the visitor asks for that while it is kept.
	ErasedOn, DeleteURL string
}

// feedbackBase is the frame of a feedback page in lang: the sub-portal's
// when the request came on its own host or names it (?to=), else the
// provincial portal's.
func (s *Server) feedbackBase(c *gin.Context, lang, path string, tenant string) (base, []hubread.Tenant) {
	v := s.newBase(s.origin(c.Request), lang, func(l string) string { return "/" + l + path }, nil)
	v.NoIndex = true
	var tenants []hubread.Tenant
	if _, ordered, err := s.tenantsByID(c.Request.Context()); err == nil {
		tenants = ordered
	}
	for _, t := range tenants {
		if t.ID == tenant {
			s.forTenant(&v, t)
		}
	}
	return v, tenants
}

// feedbackTenant is the agency a form starts with: the site's own, else
// ?to=.
func feedbackTenant(c *gin.Context) string {
	if site, ok := siteOf(c.Request); ok {
		return site.tenant
	}
	return c.Query("to")
}

// feedbackForm answers GET /{lang}/feedback.
func (s *Server) feedbackForm(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	f := feedbackrules.Form{Tenant: feedbackTenant(c), Lang: lang}
	setConsultation(&f, c.Query("consultation"))
	return s.renderFeedbackForm(c, http.StatusOK, f, nil, "")
}

// setConsultation makes f a comment on the draft v names ("tenant/content
// id"); an empty v leaves it a question.
func setConsultation(f *feedbackrules.Form, v string) {
	if v == "" {
		return
	}
	f.ConsultationTenant, f.ConsultationID, _ = strings.Cut(v, "/")
	f.Topic, f.Tenant = feedbackrules.TopicConsultation, f.ConsultationTenant
}

// commentTargetOf is the draft f comments on as the form shows it, or
// errNotFound when the public sees no draft out for comment there.
func (s *Server) commentTargetOf(ctx context.Context, l *i18n.Localizer, f feedbackrules.Form) (*commentTarget, error) {
	if !contentrules.ValidTenantID(f.ConsultationTenant) || !contentrules.ValidContentID(f.ConsultationID) {
		return nil, errNotFound
	}
	it, err := s.visibleItem(ctx, f.ConsultationTenant, f.ConsultationID)
	if err != nil {
		return nil, err
	}
	if it == nil || it.State != "published" {
		return nil, errNotFound
	}
	opens, closes, ok := consultationDays(it.Doc.GetLegalDocument().GetConsultation())
	if !ok {
		return nil, errNotFound
	}
	t := &commentTarget{Value: f.ConsultationTenant + "/" + f.ConsultationID, Draft: *itemLink(f.Lang, it),
		Closes: closes.Format(l.T("format.date")), Open: feedbackrules.ConsultationOpen(opens, closes, s.now())}
	if tn, err := s.tenant(ctx, it.Tenant); err == nil {
		t.Agency = tn.Name(f.Lang)
	}
	return t, nil
}

func (s *Server) renderFeedbackForm(c *gin.Context, code int, f feedbackrules.Form, problems []feedbackrules.Problem, notice string) error {
	lang := f.Lang
	path := "/feedback"
	if f.ConsultationID != "" {
		path += "?consultation=" + url.QueryEscape(f.ConsultationTenant+"/"+f.ConsultationID)
	}
	v, tenants := s.feedbackBase(c, lang, path, f.Tenant)
	l := v.L
	fv := feedbackFormView{base: v, Action: "/" + lang + "/feedback", StatusURL: "/" + lang + "/feedback/status",
		Form: f, MaxQuestion: feedbackrules.MaxQuestion, Honeypot: honeypotField, Errors: map[string]string{}, Notice: notice,
		MaxFiles: feedbackrules.MaxFiles, MaxFileMiB: feedbackrules.MaxFileBytes >> 20, HadFiles: len(f.Files) > 0,
		Accept: ".pdf,.jpg,.jpeg,.png,.webp," + strings.Join(feedbackrules.FileTypes, ",")}
	fv.Title = l.T("feedback.title")
	fv.Description = l.T("feedback.description")
	if f.ConsultationID != "" || f.ConsultationTenant != "" {
		t, err := s.commentTargetOf(c.Request.Context(), l, f)
		if err != nil {
			return err
		}
		fv.Consultation = t
		fv.Title = l.T("consultation.form.title")
		fv.Description = l.T("consultation.form.description")
		if !t.Open && notice == "" {
			notice = l.T("consultation.closed")
			fv.Notice = notice
		}
	}
	fv.Agencies = append(fv.Agencies, option{Value: "", Label: l.T("feedback.agency.unknown"), Selected: f.Tenant == ""})
	for _, t := range tenants {
		if t.Status != "active" {
			continue
		}
		fv.Agencies = append(fv.Agencies, option{Value: t.ID, Label: t.Name(lang), Selected: t.ID == f.Tenant})
	}
	fv.Topics = append(fv.Topics, option{Value: "", Label: l.T("feedback.topic.choose"), Selected: f.Topic == ""})
	for _, t := range feedbackrules.Topics {
		fv.Topics = append(fv.Topics, option{Value: t, Label: l.T("feedback.topic." + t), Selected: t == f.Topic})
	}
	fv.QuestionLeft = l.T("feedback.question.limit", "Max", formatNumber(lang, feedbackrules.MaxQuestion))
	fv.Script = s.assets.URL("feedback.js")
	for i := 1; ; i++ {
		line := l.T("feedback.consent." + strconv.Itoa(i))
		if strings.HasPrefix(line, "[") {
			break
		}
		fv.ConsentLines = append(fv.ConsentLines, line)
	}
	for _, p := range problems {
		// A message of the field's own, else the code's with the field named.
		id := "feedback.error." + p.Code + "." + p.Field
		if strings.HasPrefix(l.T(id), "[") {
			id = "feedback.error." + p.Code
		}
		msg := l.T(id, "Field", l.T("feedback.field."+p.Field), "Max", formatNumber(lang, int64(limitOf(p.Field, p.Code))))
		if _, dup := fv.Errors[p.Field]; dup {
			continue
		}
		fv.Errors[p.Field] = msg
		fv.Problems = append(fv.Problems, feedbackProblem{Field: p.Field, Label: l.T("feedback.field." + p.Field), Message: msg})
	}
	if len(fv.Problems) > 0 || notice != "" {
		fv.Title = l.T("feedback.error.title") + ": " + fv.Title
	}
	// A fresh request id and token each time the form is shown; a
	// resubmission of a form already sent keeps its id (idempotent at the
	// hub).
	fv.RequestID = f.RequestID
	if fv.RequestID == "" || len(problems) == 0 && notice == "" {
		fv.RequestID = randomToken(18)
	}
	secret := s.formSecret(c)
	fv.CSRF = s.csrfToken(secret, fv.RequestID)
	return s.writeFormPage(c, code, "feedback", fv)
}

// limitOf is the limit a too_long or too_short problem of field names.
func limitOf(field, code string) int {
	switch {
	case field == "question" && code == feedbackrules.TooShort:
		return feedbackrules.MinQuestion
	case field == "question":
		return feedbackrules.MaxQuestion
	case field == "name":
		return feedbackrules.MaxName
	case field == "email":
		return feedbackrules.MaxEmail
	case field == "phone":
		return feedbackrules.MaxPhone
	case field == "attachments" && code == feedbackrules.TooMany:
		return feedbackrules.MaxFiles
	case field == "attachments":
		return feedbackrules.MaxFileBytes >> 20
	}
	return 0
}

// feedbackSubmit answers POST /{lang}/feedback.
func (s *Server) feedbackSubmit(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	if err := parseFormPost(c); err != nil {
		return err
	}
	pf := c.Request.PostForm
	f := feedbackrules.Form{RequestID: pf.Get("request_id"), Tenant: pf.Get("tenant"), Topic: pf.Get("topic"),
		Question: pf.Get("question"), Name: pf.Get("name"), Email: pf.Get("email"), Phone: pf.Get("phone"), Lang: lang,
		Consent: pf.Get("consent") == "yes"}
	setConsultation(&f, pf.Get("consultation"))
	if f.Files, err = postedFiles(c); err != nil {
		return &pageError{status: http.StatusBadRequest, titleID: "feedback.bad.title", textID: "feedback.bad.text"}
	}
	l := s.cfg.Catalog.For(lang)
	if code, notice := s.checkFormPost(c, l, f.RequestID); code != 0 {
		if code == http.StatusForbidden {
			f.RequestID = ""
		}
		return s.renderFeedbackForm(c, code, f, nil, notice)
	}
	broken := feedbackrules.Normalize(&f)
	if problems := feedbackrules.Check(f, broken); len(problems) > 0 {
		return s.renderFeedbackForm(c, http.StatusUnprocessableEntity, f, problems, "")
	}
	if s.cfg.Feedback == nil {
		return s.renderFeedbackForm(c, http.StatusServiceUnavailable, f, nil, l.T("feedback.unavailable"))
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	resp, err := s.cfg.Feedback.SubmitFeedback(ctx, &pb.SubmitFeedbackRequest{RequestId: f.RequestID, Tenant: f.Tenant,
		Topic: f.Topic, Question: f.Question, Name: f.Name, Email: f.Email, Phone: f.Phone, Lang: lang,
		Consent: f.Consent, ConsentVersion: feedbackrules.ConsentVersion, Consultation: consultationRef(f),
		Attachments: pbFiles(f.Files)})
	if status.Code(err) == codes.FailedPrecondition && f.ConsultationID != "" {
		// The draft closed between the form and the post.
		return s.renderFeedbackForm(c, http.StatusConflict, f, nil, l.T("consultation.closed"))
	}
	if err != nil {
		if vs := contentrules.ViolationsOf(err); status.Code(err) == codes.InvalidArgument && len(vs) > 0 {
			problems := make([]feedbackrules.Problem, 0, len(vs))
			for _, v := range vs {
				problems = append(problems, feedbackrules.Problem{Field: v.Field, Code: feedbackrules.Invalid})
			}
			return s.renderFeedbackForm(c, http.StatusUnprocessableEntity, f, problems, "")
		}
		// Not stored: say so, keep the form (the same request id, so a
		// submission the hub did store after all is not made twice).
		s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("feedback: the hub did not take a submission")
		return s.renderFeedbackForm(c, http.StatusServiceUnavailable, f, nil, l.T("feedback.unavailable"))
	}
	v, _ := s.feedbackBase(c, lang, "/feedback", f.Tenant)
	done := feedbackDoneView{base: v, Code: feedbackrules.FormatCode(resp.GetTrackingCode()), Email: f.Email != "",
		StatusURL: "/" + lang + "/feedback/status?code=" + feedbackrules.FormatCode(resp.GetTrackingCode())}
	done.Title = v.L.T("feedback.done.title")
	if t, err := s.tenant(c.Request.Context(), resp.GetTenant()); err == nil {
		done.Agency = t.Name(lang)
	}
	c.Header("Referrer-Policy", "no-referrer") // the code is in the page's links
	return s.writeFormPage(c, http.StatusOK, "feedbackdone", done)
}

// feedbackBodyLimit bounds the question form's body: its text and its
// attachments, with room for the multipart framing.
const feedbackBodyLimit = feedbackrules.MaxFiles*feedbackrules.MaxFileBytes + 256<<10

// postedFiles reads the attachments of a multipart post (one more than the
// limit, so that too many is reported), skipping empty file inputs.
func postedFiles(c *gin.Context) ([]feedbackrules.File, error) {
	if c.Request.MultipartForm == nil {
		return nil, nil
	}
	var out []feedbackrules.File
	for _, fh := range c.Request.MultipartForm.File["attachments"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // a file input left empty
		}
		if len(out) > feedbackrules.MaxFiles {
			break
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, feedbackrules.MaxFileBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, feedbackrules.File{Name: path.Base(strings.ReplaceAll(fh.Filename, "\\", "/")), Data: data})
	}
	return out, nil
}

// pbFiles are files as SubmitFeedback takes them.
func pbFiles(files []feedbackrules.File) []*pb.FeedbackFile {
	var out []*pb.FeedbackFile
	for _, f := range files {
		out = append(out, &pb.FeedbackFile{Filename: f.Name, Data: f.Data})
	}
	return out
}

// consultationRef names the draft f comments on; nil for a question.
func consultationRef(f feedbackrules.Form) *pb.ContentRef {
	if f.ConsultationID == "" {
		return nil
	}
	return &pb.ContentRef{Tenant: f.ConsultationTenant, ContentId: f.ConsultationID}
}

// feedbackStatus answers GET /{lang}/feedback/status[?code=].
func (s *Server) feedbackStatus(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	sv := s.statusView(c, lang, strings.TrimSpace(c.Query("code")))
	sv.Replied = c.Query("replied") == "1"
	if sv.Code == "" {
		return s.writeFormPage(c, http.StatusOK, "feedbackstatus", sv)
	}
	if ok, wait := s.statusLimit.allow(c.ClientIP(), time.Now()); !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		sv.Problem = sv.L.T("feedback.toomany")
		return s.writeFormPage(c, http.StatusTooManyRequests, "feedbackstatus", sv)
	}
	return s.showStatus(c, sv, http.StatusOK)
}

// statusView is the frame of the status page for code.
func (s *Server) statusView(c *gin.Context, lang, code string) feedbackStatusView {
	v, _ := s.feedbackBase(c, lang, "/feedback/status", "")
	sv := feedbackStatusView{base: v, Action: "/" + lang + "/feedback/status", Code: code}
	sv.Title = v.L.T("feedback.status.title")
	// The code is in the address: no other site learns it from a link.
	c.Header("Referrer-Policy", "no-referrer")
	return sv
}

// showStatus asks the hub for the status of sv.Code and renders it with
// code (the reply form's problem, when it has one, keeps what was typed).
func (s *Server) showStatus(c *gin.Context, sv feedbackStatusView, code int) error {
	l, lang := sv.L, sv.Lang
	tc, ok := feedbackrules.NormalizeCode(sv.Code)
	if !ok {
		sv.Problem = l.T("feedback.status.badcode")
		return s.writeFormPage(c, http.StatusNotFound, "feedbackstatus", sv)
	}
	if s.cfg.Feedback == nil {
		sv.Problem = l.T("feedback.status.unavailable")
		return s.writeFormPage(c, http.StatusServiceUnavailable, "feedbackstatus", sv)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	st, err := s.cfg.Feedback.GetFeedbackStatus(ctx, &pb.GetFeedbackStatusRequest{TrackingCode: tc})
	switch {
	case status.Code(err) == codes.NotFound:
		sv.Problem = l.T("feedback.status.notfound")
		return s.writeFormPage(c, http.StatusNotFound, "feedbackstatus", sv)
	case err != nil:
		s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("feedback: the hub did not answer a status")
		sv.Problem = l.T("feedback.status.unavailable")
		return s.writeFormPage(c, http.StatusServiceUnavailable, "feedbackstatus", sv)
	}
	sv.Found, sv.Code = true, feedbackrules.FormatCode(tc)
	sv.StatusID = strings.ToLower(strings.TrimPrefix(st.GetStatus().String(), "FEEDBACK_STATUS_"))
	sv.Status = l.T("feedback.state." + sv.StatusID)
	sv.Topic = l.T("feedback.topic." + st.GetTopic())
	if t, err := s.tenant(c.Request.Context(), st.GetTenant()); err == nil {
		sv.Agency = t.Name(lang)
	}
	sv.Sent = formatDate(l, st.GetSubmittedAt().AsTime())
	sv.Changed = formatDate(l, st.GetStatusAt().AsTime())
	sv.ForwardReason, sv.CloseReason = st.GetForwardReason(), st.GetCloseReason()
	if err := s.statusDetails(c, &sv, st); err != nil {
		return err
	}
	if st.GetErasedAt() != nil {
		sv.ErasedOn = formatDate(l, st.GetErasedAt().AsTime())
	} else {
		sv.DeleteURL = "/" + lang + "/feedback/delete?code=" + sv.Code
	}
	for _, p := range strings.Split(strings.ReplaceAll(st.GetAnswer(), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			sv.Answer = append(sv.Answer, p)
		}
	}
	return s.writeFormPage(c, code, "feedbackstatus", sv)
}

// parseFormPost parses a public form's POST body, answering 413 past the
// body limit and 400 for a body that is not a form.
func parseFormPost(c *gin.Context) error {
	parse := c.Request.ParseForm
	if mt, _, _ := mime.ParseMediaType(c.Request.Header.Get("Content-Type")); mt == "multipart/form-data" {
		// The question form with its attachments: kept in memory (the body
		// is bounded by limitBody), never written to disk.
		parse = func() error { return c.Request.ParseMultipartForm(feedbackBodyLimit) }
	}
	if err := parse(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &pageError{status: http.StatusRequestEntityTooLarge, titleID: "feedback.toolarge.title", textID: "feedback.toolarge.text"}
		}
		return &pageError{status: http.StatusBadRequest, titleID: "feedback.bad.title", textID: "feedback.bad.text"}
	}
	return nil
}

// checkFormPost checks a public form's POST (the feedback and subscription
// forms) before anything is handed to the hub: its CSRF token against the
// visitor's form cookie (a form forged elsewhere, or older than the cookie:
// 403, to send again), the honeypot (422) and the per-address limit (429
// with Retry-After). It returns the status and the notice to show the form
// again with, or 0 when the post may go on.
func (s *Server) checkFormPost(c *gin.Context, l *i18n.Localizer, requestID string) (int, string) {
	pf := c.Request.PostForm
	secret, hadCookie := s.existingFormSecret(c)
	if !hadCookie || !hmac.Equal([]byte(s.csrfToken(secret, requestID)), []byte(pf.Get("csrf"))) {
		return http.StatusForbidden, l.T("feedback.expired")
	}
	if pf.Get(honeypotField) != "" {
		return http.StatusUnprocessableEntity, l.T("feedback.refused")
	}
	if ok, wait := s.feedbackLimit.allow(c.ClientIP(), time.Now()); !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return http.StatusTooManyRequests, l.T("feedback.toomany")
	}
	return 0, ""
}

// writeFormPage renders a page that is never cached: its links made right
// for a sub-portal's own host as a cached page's are.
func (s *Server) writeFormPage(c *gin.Context, code int, name string, view any) error {
	render := s.hostLinks(c.Request, func(context.Context) (*pagecache.Render, error) { return s.page(name, view, nil) })
	out, err := render(c.Request.Context())
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Header("X-Robots-Tag", "noindex")
	c.Data(code, "text/html; charset=utf-8", out.Page.Body)
	return nil
}

// formSecret returns the visitor's form secret from its cookie, setting a
// new one when there is none.
func (s *Server) formSecret(c *gin.Context) string {
	if v, ok := s.existingFormSecret(c); ok {
		return v
	}
	v := randomToken(24)
	http.SetCookie(c.Writer, &http.Cookie{Name: feedbackCookie, Value: v, Path: "/", HttpOnly: true,
		Secure: s.scheme(c.Request) == "https", SameSite: http.SameSiteStrictMode})
	return v
}

func (s *Server) existingFormSecret(c *gin.Context) (string, bool) {
	ck, err := c.Request.Cookie(feedbackCookie)
	if err != nil || len(ck.Value) < 16 || len(ck.Value) > 64 {
		return "", false
	}
	return ck.Value, true
}

// csrfToken binds a form's request id to the visitor's form secret under
// the gateway's form key.
func (s *Server) csrfToken(secret, requestID string) string {
	mac := hmac.New(sha256.New, s.formKey)
	mac.Write([]byte("feedback-csrf\x00" + secret + "\x00" + requestID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// randomToken returns n random bytes, base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
