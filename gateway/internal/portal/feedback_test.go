package portal_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
)

// fakeHub is the hub's FeedbackService as the gateway sees it: it keeps
// what it is given, by request id, and can be made unavailable.
type fakeHub struct {
	mu       sync.Mutex
	down     bool
	received []*pb.SubmitFeedbackRequest
	byReq    map[string]*pb.SubmitFeedbackResponse
	byCode   map[string]*pb.SubmitFeedbackRequest
	// erasure: the deletion requests it received, the tokens it takes,
	// and when each code's data was deleted.
	eraseRequests []*pb.RequestFeedbackErasureRequest
	tokens        map[string]string // token -> tracking code
	erased        map[string]time.Time
	// status changes a code's status as the test needs; replies are the
	// visitors' replies it took; files an answer's files by code.
	status  map[string]func(*pb.GetFeedbackStatusResponse)
	replies []*pb.ReplyFeedbackRequest
	files   map[string][]*pb.FeedbackFile
}

func newFakeHub() *fakeHub {
	return &fakeHub{byReq: map[string]*pb.SubmitFeedbackResponse{}, byCode: map[string]*pb.SubmitFeedbackRequest{},
		tokens: map[string]string{}, erased: map[string]time.Time{}, status: map[string]func(*pb.GetFeedbackStatusResponse){},
		files: map[string][]*pb.FeedbackFile{}}
}

func (h *fakeHub) SubmitFeedback(_ context.Context, in *pb.SubmitFeedbackRequest, _ ...grpc.CallOption) (*pb.SubmitFeedbackResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return nil, status.Error(codes.Unavailable, "down")
	}
	h.received = append(h.received, in)
	if r, ok := h.byReq[in.GetRequestId()]; ok {
		return r, nil
	}
	tenant := in.GetTenant()
	if tenant == "" {
		tenant = "vp-ubnd"
	}
	r := &pb.SubmitFeedbackResponse{Id: "id-" + in.GetRequestId(), TrackingCode: feedbackrules.NewCode(), Tenant: tenant}
	h.byReq[in.GetRequestId()], h.byCode[r.TrackingCode] = r, in
	return r, nil
}

func (h *fakeHub) GetFeedbackStatus(_ context.Context, in *pb.GetFeedbackStatusRequest, _ ...grpc.CallOption) (*pb.GetFeedbackStatusResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	req, ok := h.byCode[in.GetTrackingCode()]
	if !ok {
		return nil, status.Error(codes.NotFound, "no such submission")
	}
	at := timestamppb.New(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	resp := &pb.GetFeedbackStatusResponse{Status: pb.FeedbackStatus_FEEDBACK_STATUS_ANSWERED, Tenant: h.byReq[req.GetRequestId()].GetTenant(),
		Topic: req.GetTopic(), SubmittedAt: at, StatusAt: at, Answer: "Hồ sơ gồm đơn đề nghị.\n\nNộp tại Sở Du lịch.",
		ForwardReason: "Thuộc thẩm quyền của Sở Du lịch"}
	if e, ok := h.erased[in.GetTrackingCode()]; ok {
		resp.ErasedAt = timestamppb.New(e)
	}
	if change, ok := h.status[in.GetTrackingCode()]; ok {
		change(resp)
	}
	return resp, nil
}

func (h *fakeHub) RequestFeedbackErasure(_ context.Context, in *pb.RequestFeedbackErasureRequest, _ ...grpc.CallOption) (*pb.RequestFeedbackErasureResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return nil, status.Error(codes.Unavailable, "down")
	}
	h.eraseRequests = append(h.eraseRequests, in)
	if _, ok := h.byCode[in.GetTrackingCode()]; ok {
		h.tokens["token-"+in.GetTrackingCode()] = in.GetTrackingCode()
	}
	return &pb.RequestFeedbackErasureResponse{}, nil
}

func (h *fakeHub) ConfirmFeedbackErasure(_ context.Context, in *pb.ConfirmFeedbackErasureRequest, _ ...grpc.CallOption) (*pb.ConfirmFeedbackErasureResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return nil, status.Error(codes.Unavailable, "down")
	}
	code, ok := h.tokens[in.GetToken()]
	if !ok {
		return nil, status.Error(codes.NotFound, "no such link")
	}
	delete(h.tokens, in.GetToken())
	h.erased[code] = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	return &pb.ConfirmFeedbackErasureResponse{ErasedAt: timestamppb.New(h.erased[code])}, nil
}

func (h *fakeHub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.received)
}

// visitor is a browser: it keeps cookies and does not follow redirects.
type visitor struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newVisitor(t *testing.T, e *env) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, base: e.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) do(req *http.Request) (*http.Response, *goquery.Document) {
	v.t.Helper()
	res, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		v.t.Fatal(err)
	}
	return res, doc
}

func (v *visitor) get(path string) (*http.Response, *goquery.Document) {
	req, _ := http.NewRequest(http.MethodGet, v.base+path, nil)
	return v.do(req)
}

func (v *visitor) post(path string, form url.Values) (*http.Response, *goquery.Document) {
	req, _ := http.NewRequest(http.MethodPost, v.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

// fillForm reads the form's hidden fields from doc and adds the visitor's
// answers.
func fillForm(doc *goquery.Document, answers url.Values) url.Values {
	f := url.Values{}
	doc.Find(`form.feedback-form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		f.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	for k, vs := range answers {
		f[k] = vs
	}
	return f
}

func goodAnswers() url.Values {
	return url.Values{"tenant": {"so-du-lich"}, "topic": {"procedure"}, "consent": {"yes"},
		"question": {"Thu\u0309 tu\u0323c ca\u0302\u0301p phe\u0301p lữ hành quốc tế gồm những gì?"}, // NFD
		"name":     {"Nguyễn Thị Hoa"}, "email": {"hoa@example.vn"}}
}

func feedbackEnv(t *testing.T, hub *fakeHub, configure func(*portal.Config)) *env {
	e := newEnvWith(t, func(c *portal.Config) {
		if hub != nil {
			c.Feedback = hub
		}
		if configure != nil {
			configure(c)
		}
	})
	e.tenant(t, "vp-ubnd", "province", "Văn phòng UBND tỉnh", "Provincial Office", "Канцелярия")
	e.tenant(t, "so-du-lich", "department", "Sở Du lịch", "Department of Tourism", "Департамент туризма")
	return e
}

func TestFeedbackForm(t *testing.T) {
	e := feedbackEnv(t, newFakeHub(), nil)
	v := newVisitor(t, e)
	res, doc := v.get("/vi/feedback")
	wantStatus(t, res, http.StatusOK)
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if attr(doc, `meta[name="robots"]`, "content") == "" && res.Header.Get("X-Robots-Tag") != "noindex" {
		t.Error("the form may be indexed")
	}
	for _, id := range []string{"fb-tenant", "fb-topic", "fb-question", "fb-name", "fb-email", "fb-phone", "fb-consent"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 || doc.Find("#"+id).Length() != 1 {
			t.Errorf("field %s without its one label", id)
		}
	}
	if got := attr(doc, "#fb-question", "maxlength"); got != "4000" {
		t.Errorf("question maxlength %q, want 4000", got)
	}
	if opts := texts(doc, "#fb-tenant option"); len(opts) < 3 || !strings.HasPrefix(opts[0], "Tôi không biết") {
		t.Errorf("agencies %q, want \"I don't know\" first, then the tenants", opts)
	}
	if text(doc, "fieldset.consent") == "" || !strings.Contains(text(doc, "fieldset.consent"), "2 năm") {
		t.Errorf("consent text %q, want purpose, controller and retention", text(doc, "fieldset.consent"))
	}
	if attr(doc, `input[name="csrf"]`, "value") == "" || attr(doc, `input[name="request_id"]`, "value") == "" {
		t.Error("no CSRF token or request id in the form")
	}
	// A sub-portal's link names it: the form starts with it chosen.
	_, doc = v.get("/en/feedback?to=so-du-lich")
	if got := attr(doc, "#fb-tenant option[selected]", "value"); got != "so-du-lich" {
		t.Errorf("selected agency %q, want so-du-lich", got)
	}
	if got := text(doc, "h1"); got != "Ask a question or send a petition" {
		t.Errorf("English h1 %q", got)
	}
	// Every page's footer links the form.
	_, home := v.get("/ru/")
	if attr(home, `.footer-links a[href="/ru/feedback"]`, "href") == "" {
		t.Error("the footer does not link the form")
	}
}

func TestFeedbackSubmit(t *testing.T) {
	hub := newFakeHub()
	e := feedbackEnv(t, hub, nil)
	v := newVisitor(t, e)
	_, form := v.get("/vi/feedback")
	answers := fillForm(form, goodAnswers())
	res, doc := v.post("/vi/feedback", answers)
	wantStatus(t, res, http.StatusOK)
	code := text(doc, ".tracking-code")
	if _, ok := feedbackrules.NormalizeCode(code); !ok {
		t.Fatalf("tracking code %q on the receipt", code)
	}
	if hub.count() != 1 {
		t.Fatalf("hub received %d submissions, want 1", hub.count())
	}
	got := hub.received[0]
	if got.GetQuestion() != "Thủ tục cấp phép lữ hành quốc tế gồm những gì?" || got.GetLang() != "vi" || !got.GetConsent() ||
		got.GetConsentVersion() != feedbackrules.ConsentVersion {
		t.Errorf("hub received %v, want the NFC question, the language and the consent", got)
	}
	if !strings.Contains(text(doc, ".feedback-receipt"), "Sở Du lịch") {
		t.Errorf("receipt %q does not name the agency", text(doc, ".feedback-receipt"))
	}
	// Sent again (a double click, a reload): the same submission.
	_, again := v.post("/vi/feedback", answers)
	if text(again, ".tracking-code") != code {
		t.Errorf("resubmission answered %q, want the same code %q", text(again, ".tracking-code"), code)
	}

	// The status page: by the code, no personal data.
	res, st := v.get("/vi/feedback/status?code=" + url.QueryEscape(strings.ToLower(code)))
	wantStatus(t, res, http.StatusOK)
	if got := text(st, ".state"); got != "Đã trả lời" {
		t.Errorf("status %q", got)
	}
	if !strings.Contains(text(st, ".facts"), "Thuộc thẩm quyền của Sở Du lịch") {
		t.Error("the forward's reason is not on the status page")
	}
	if texts := texts(st, ".answer p"); len(texts) != 2 {
		t.Errorf("answer paragraphs %q", texts)
	}
	page, _ := st.Html()
	for _, secret := range []string{"Hoa", "hoa@example.vn"} {
		if strings.Contains(page, secret) {
			t.Errorf("status page shows %q", secret)
		}
	}
	if rp := res.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("status page Referrer-Policy %q, want no-referrer (the code is in its address)", rp)
	}
	res, st = v.get("/en/feedback/status?code=" + feedbackrules.FormatCode(feedbackrules.NewCode()))
	wantStatus(t, res, http.StatusNotFound)
	if !strings.Contains(text(st, ".field-message"), "No question has this tracking code") {
		t.Errorf("unknown code: %q", text(st, ".field-message"))
	}
	res, _ = v.get("/en/feedback/status?code=hello")
	wantStatus(t, res, http.StatusNotFound)
}

func TestFeedbackRefusals(t *testing.T) {
	hub := newFakeHub()
	e := feedbackEnv(t, hub, nil)
	v := newVisitor(t, e)
	_, form := v.get("/en/feedback")

	// Invalid: messages in the visitor's language, what was typed kept.
	bad := fillForm(form, goodAnswers())
	bad.Set("email", "hoa at example")
	bad.Del("consent")
	res, doc := v.post("/en/feedback", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	msgs := texts(doc, ".error-summary li")
	if len(msgs) != 2 || !strings.Contains(msgs[0], "e-mail address like") || !strings.Contains(msgs[1], "Agree to the processing") {
		t.Errorf("problems %q, want the e-mail's and the consent's, in English", msgs)
	}
	if got := text(doc, "#fb-question"); got != "Thủ tục cấp phép lữ hành quốc tế gồm những gì?" {
		t.Errorf("question kept as %q", got)
	}
	if attr(doc, "#fb-email", "value") != "hoa at example" || attr(doc, "#fb-email", "aria-invalid") != "true" {
		t.Error("the bad e-mail is not kept and marked")
	}
	// The same in Russian.
	_, ruForm := v.get("/ru/feedback")
	ru := fillForm(ruForm, goodAnswers())
	ru.Set("question", "")
	_, doc = v.post("/ru/feedback", ru)
	if got := texts(doc, ".error-summary li"); len(got) != 1 || !strings.Contains(got[0], "Заполните поле") {
		t.Errorf("Russian problems %q", got)
	}

	// No cookie, or a token of another form: refused as expired, kept.
	stranger := newVisitor(t, e)
	res, doc = stranger.post("/en/feedback", fillForm(form, goodAnswers()))
	wantStatus(t, res, http.StatusForbidden)
	if attr(doc, "#fb-name", "value") != "Nguyễn Thị Hoa" || !strings.Contains(text(doc, ".notice-error"), "expired") {
		t.Error("a forged or stale post: the answers are not kept or the reason not said")
	}
	forged := fillForm(form, goodAnswers())
	forged.Set("csrf", "x"+forged.Get("csrf"))
	res, _ = v.post("/en/feedback", forged)
	wantStatus(t, res, http.StatusForbidden)

	// A robot fills the hidden field.
	robot := fillForm(form, goodAnswers())
	robot.Set("website", "http://spam.example")
	res, _ = v.post("/en/feedback", robot)
	wantStatus(t, res, http.StatusUnprocessableEntity)

	// Too big.
	huge := fillForm(form, goodAnswers())
	huge.Set("question", strings.Repeat("a", 70<<10))
	res, _ = v.post("/en/feedback", huge)
	wantStatus(t, res, http.StatusRequestEntityTooLarge)

	if hub.count() != 0 {
		t.Errorf("hub received %d submissions, want none", hub.count())
	}

	// The hub cannot take it: not "received", the answers kept.
	hub.down = true
	res, doc = v.post("/en/feedback", fillForm(form, goodAnswers()))
	wantStatus(t, res, http.StatusServiceUnavailable)
	if doc.Find(".tracking-code").Length() != 0 || attr(doc, "#fb-email", "value") != "hoa@example.vn" {
		t.Error("the hub was down: the page says received or lost the answers")
	}
}

func TestFeedbackRateLimits(t *testing.T) {
	hub := newFakeHub()
	e := feedbackEnv(t, hub, func(c *portal.Config) {
		c.FeedbackLimit = portal.Limit{Every: time.Hour, Burst: 2, GlobalEvery: time.Hour, GlobalBurst: 100}
		c.StatusLimit = portal.Limit{Every: time.Hour, Burst: 3, GlobalEvery: time.Hour, GlobalBurst: 100}
	})
	v := newVisitor(t, e)
	for i := range 3 {
		_, form := v.get("/vi/feedback")
		res, _ := v.post("/vi/feedback", fillForm(form, goodAnswers()))
		want := http.StatusOK
		if i == 2 {
			want = http.StatusTooManyRequests
			if res.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
		wantStatus(t, res, want)
	}
	for i := range 4 {
		res, _ := v.get("/vi/feedback/status?code=" + feedbackrules.NewCode())
		want := http.StatusNotFound
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		wantStatus(t, res, want)
	}
	// The reply form shows a code's status too: it cannot be used to go on
	// guessing once the status page's limit is spent, whatever it posts.
	res, doc := v.post("/vi/feedback/status/reply", url.Values{"code": {feedbackrules.NewCode()}, "csrf": {"x"}, "reply": {"Xin chào"}})
	wantStatus(t, res, http.StatusTooManyRequests)
	if doc.Find(".tracking-code, .status-steps").Length() != 0 {
		t.Error("the refused reply showed a status")
	}
	// The rest of the portal is not throttled.
	res, _ = v.get("/vi/")
	wantStatus(t, res, http.StatusOK)
}

func TestFeedbackWithoutHub(t *testing.T) {
	e := feedbackEnv(t, nil, nil)
	v := newVisitor(t, e)
	_, form := v.get("/vi/feedback")
	res, _ := v.post("/vi/feedback", fillForm(form, goodAnswers()))
	wantStatus(t, res, http.StatusServiceUnavailable)
}
