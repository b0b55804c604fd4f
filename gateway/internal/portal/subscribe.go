package portal

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// E-mail subscriptions (issue 9 point 9): the form at /{lang}/subscribe,
// whose query names what to follow (?tenant=, &category=, or the legal
// register's &type= and &field=), hands the request to the hub's
// SubscriptionService; the confirmation and unsubscribe links of the hub's
// e-mails open /{lang}/subscribe/confirm and /{lang}/subscribe/unsubscribe,
// which act on one click (a POST: a mail scanner that fetches the link
// changes nothing). RFC 8058's one-click POST unsubscribes too. Never
// cached, never indexed; the gateway writes nothing itself.

// SubscriptionHub is the hub's SubscriptionService as the gateway calls it.
type SubscriptionHub interface {
	Subscribe(ctx context.Context, in *pb.SubscribeRequest, opts ...grpc.CallOption) (*pb.SubscribeResponse, error)
	ConfirmSubscription(ctx context.Context, in *pb.ConfirmSubscriptionRequest, opts ...grpc.CallOption) (*pb.ConfirmSubscriptionResponse, error)
	Unsubscribe(ctx context.Context, in *pb.UnsubscribeRequest, opts ...grpc.CallOption) (*pb.UnsubscribeResponse, error)
}

// subscriptionConsentVersion is the consent text the form shows (the
// hub's subscriptions.ConsentVersion).
const subscriptionConsentVersion = "2026-11-subscriptions"

// maxSubscriptionFilter bounds a legal filter's value.
const maxSubscriptionFilter = 100

type subscribeView struct {
	base
	Action       string
	What         string // what the subscription follows, in words
	Scope        *pb.SubscriptionScope
	Email        string
	Consent      bool
	Errors       map[string]string
	Problems     []feedbackProblem
	Notice       string
	RequestID    string
	CSRF         string
	Honeypot     string
	ConsentLines []string
}

// subscribeURL is the subscription form for a section: its sub-portal's,
// its category, and for the legal register the type and field it is
// filtered by.
func subscribeURL(sec section) string {
	q := url.Values{}
	if sec.Tenant != nil {
		q.Set("tenant", sec.Tenant.ID)
	}
	q.Set("category", sec.Category.Code)
	if sec.Category.Code == "legal" {
		for _, k := range []string{"type", "field"} {
			if v := sec.Query.Get(k); v != "" {
				q.Set(k, v)
			}
		}
	}
	return "/" + sec.Lang + "/subscribe?" + q.Encode()
}

// subscriptionScope reads what to follow from the query or the form.
func subscriptionScope(get func(string) string) *pb.SubscriptionScope {
	return &pb.SubscriptionScope{Tenant: strings.TrimSpace(get("tenant")), Category: strings.TrimSpace(get("category")),
		LegalType: strings.TrimSpace(get("type")), LegalField: strings.TrimSpace(get("field"))}
}

// describeScope names what sc follows in lang, or reports it names an
// unknown tenant or category (or a filter too long).
func (s *Server) describeScope(ctx context.Context, sc *pb.SubscriptionScope, lang string) (string, bool) {
	l := s.cfg.Catalog.For(lang)
	var parts []string
	if sc.GetTenant() != "" {
		t, err := s.tenant(ctx, sc.GetTenant())
		if err != nil || t.Status != "active" {
			return "", false
		}
		parts = append(parts, t.Name(lang))
	} else {
		parts = append(parts, l.T("subscribe.scope.portal"))
	}
	switch {
	case sc.GetCategory() != "":
		cats, err := s.categories(ctx)
		if err != nil {
			return "", false
		}
		i := slices.IndexFunc(cats, func(c hubread.Category) bool { return c.Code == sc.GetCategory() })
		if i < 0 {
			return "", false
		}
		parts = append(parts, cats[i].Name(lang))
	case sc.GetLegalType() != "" || sc.GetLegalField() != "":
		w := l.T("subscribe.scope.legal")
		for _, f := range []string{sc.GetLegalType(), sc.GetLegalField()} {
			if utf8.RuneCountInString(f) > maxSubscriptionFilter || !utf8.ValidString(f) {
				return "", false
			}
			if f != "" {
				w += ": " + f
			}
		}
		parts = append(parts, w)
	default:
		parts = append(parts, l.T("subscribe.scope.everything"))
	}
	return strings.Join(parts, " — "), true
}

// subscribeForm answers GET /{lang}/subscribe.
func (s *Server) subscribeForm(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	sc := subscriptionScope(c.Query)
	if sc.GetTenant() == "" {
		if site, ok := siteOf(c.Request); ok {
			sc.Tenant = site.tenant
		}
	}
	return s.renderSubscribeForm(c, http.StatusOK, lang, sc, "", false, nil, "")
}

func (s *Server) renderSubscribeForm(c *gin.Context, code int, lang string, sc *pb.SubscriptionScope, email string, consent bool,
	problems map[string]string, notice string) error {
	v, _ := s.feedbackBase(c, lang, "/subscribe", sc.GetTenant())
	l := v.L
	what, ok := s.describeScope(c.Request.Context(), sc, lang)
	if !ok {
		return &pageError{status: http.StatusNotFound, titleID: "subscribe.badscope.title", textID: "subscribe.badscope.text"}
	}
	sv := subscribeView{base: v, Action: "/" + lang + "/subscribe", What: what, Scope: sc, Email: email, Consent: consent,
		Errors: map[string]string{}, Notice: notice, Honeypot: honeypotField}
	sv.Title = l.T("subscribe.title")
	sv.Description = l.T("subscribe.description")
	for _, field := range []string{"email", "consent"} {
		if msg, ok := problems[field]; ok {
			sv.Errors[field] = msg
			sv.Problems = append(sv.Problems, feedbackProblem{Field: field, Label: l.T("subscribe.field." + field), Message: msg})
		}
	}
	if len(sv.Problems) > 0 || notice != "" {
		sv.Title = l.T("feedback.error.title") + ": " + sv.Title
	}
	for i := 1; ; i++ {
		line := l.T("subscribe.consent." + strconv.Itoa(i))
		if strings.HasPrefix(line, "[") {
			break
		}
		sv.ConsentLines = append(sv.ConsentLines, line)
	}
	sv.RequestID = randomToken(18)
	sv.CSRF = s.csrfToken(s.formSecret(c), sv.RequestID)
	return s.writeFormPage(c, code, "subscribe", sv)
}

// subscribeSubmit answers POST /{lang}/subscribe: the same page for every
// address, subscribed already or not ("check your mailbox").
func (s *Server) subscribeSubmit(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	if err := parseFormPost(c); err != nil {
		return err
	}
	pf := c.Request.PostForm
	sc := subscriptionScope(pf.Get)
	email, consent, requestID := strings.TrimSpace(pf.Get("email")), pf.Get("consent") == "yes", pf.Get("request_id")
	l := s.cfg.Catalog.For(lang)
	// Every form shown again gets a new id: the hub refuses an id sent
	// again with another address, and an address's subscription to a
	// scope is one whatever the id (idempotent without it).
	if code, notice := s.checkFormPost(c, l, requestID); code != 0 {
		return s.renderSubscribeForm(c, code, lang, sc, email, consent, nil, notice)
	}
	problems := map[string]string{}
	if a, err := mail.ParseAddress(email); email == "" {
		problems["email"] = l.T("subscribe.error.email_required")
	} else if err != nil || a.Address != email || a.Name != "" || utf8.RuneCountInString(email) > 254 {
		problems["email"] = l.T("subscribe.error.email_invalid")
	}
	if !consent {
		problems["consent"] = l.T("subscribe.error.consent")
	}
	if len(problems) > 0 {
		return s.renderSubscribeForm(c, http.StatusUnprocessableEntity, lang, sc, email, consent, problems, "")
	}
	if s.cfg.Subscriptions == nil {
		return s.renderSubscribeForm(c, http.StatusServiceUnavailable, lang, sc, email, consent, nil, l.T("subscribe.unavailable"))
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
	defer cancel()
	_, err = s.cfg.Subscriptions.Subscribe(ctx, &pb.SubscribeRequest{RequestId: requestID, Email: email, Scope: sc, Lang: lang,
		Consent: consent, ConsentVersion: subscriptionConsentVersion})
	if err != nil {
		if vs := contentrules.ViolationsOf(err); status.Code(err) == codes.InvalidArgument && len(vs) > 0 {
			for _, v := range vs {
				switch v.Field {
				case "email":
					problems["email"] = l.T("subscribe.error.email_invalid")
				case "consent":
					problems["consent"] = l.T("subscribe.error.consent")
				default:
					return &pageError{status: http.StatusNotFound, titleID: "subscribe.badscope.title", textID: "subscribe.badscope.text"}
				}
			}
			return s.renderSubscribeForm(c, http.StatusUnprocessableEntity, lang, sc, email, consent, problems, "")
		}
		s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("subscriptions: the hub did not take a subscription")
		return s.renderSubscribeForm(c, http.StatusServiceUnavailable, lang, sc, email, consent, nil, l.T("subscribe.unavailable"))
	}
	return s.subscriptionMessage(c, http.StatusOK, lang, sc.GetTenant(), "sent", nil)
}

// The links of the hub's e-mails.
const (
	linkConfirm     = "confirm"
	linkUnsubscribe = "unsubscribe"
)

type subscriptionPageView struct {
	base
	// State is what the page says: sent, confirm, confirmed, unsubscribe,
	// unsubscribed, notfound, unavailable.
	State  string
	Action string
	Token  string
	What   string
}

// subscriptionLink answers an e-mail's link: GET shows one button, POST
// acts (also RFC 8058's one-click POST, which carries the token in the
// query and List-Unsubscribe=One-Click in the body).
func (s *Server) subscriptionLink(kind string) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		lang, err := langParam(c)
		if err != nil {
			return err
		}
		token := strings.TrimSpace(c.Query("t"))
		if c.Request.Method == http.MethodPost {
			if err := c.Request.ParseForm(); err != nil {
				return &pageError{status: http.StatusBadRequest, titleID: "feedback.bad.title", textID: "feedback.bad.text"}
			}
			if t := c.Request.PostForm.Get("t"); t != "" {
				token = strings.TrimSpace(t)
			}
		}
		// The token is in the address: no other site learns it.
		c.Header("Referrer-Policy", "no-referrer")
		if token == "" || len(token) > 200 {
			return s.subscriptionMessage(c, http.StatusNotFound, lang, "", "notfound", nil)
		}
		if c.Request.Method != http.MethodPost {
			return s.subscriptionMessage(c, http.StatusOK, lang, "", kind, &subscriptionPageView{
				Action: "/" + lang + "/subscribe/" + kind, Token: token})
		}
		if s.cfg.Subscriptions == nil {
			return s.subscriptionMessage(c, http.StatusServiceUnavailable, lang, "", "unavailable", nil)
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), hubTimeout)
		defer cancel()
		if kind == linkUnsubscribe {
			if _, err := s.cfg.Subscriptions.Unsubscribe(ctx, &pb.UnsubscribeRequest{Token: token}); err != nil {
				s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("subscriptions: the hub did not unsubscribe")
				return s.subscriptionMessage(c, http.StatusServiceUnavailable, lang, "", "unavailable", nil)
			}
			// Unknown tokens too: nothing tells whether a token was one.
			return s.subscriptionMessage(c, http.StatusOK, lang, "", "unsubscribed", nil)
		}
		resp, err := s.cfg.Subscriptions.ConfirmSubscription(ctx, &pb.ConfirmSubscriptionRequest{Token: token})
		switch {
		case status.Code(err) == codes.NotFound:
			return s.subscriptionMessage(c, http.StatusNotFound, lang, "", "notfound", nil)
		case err != nil:
			s.cfg.Log.Warn().Str("code", status.Code(err).String()).Msg("subscriptions: the hub did not confirm")
			return s.subscriptionMessage(c, http.StatusServiceUnavailable, lang, "", "unavailable", nil)
		}
		what, _ := s.describeScope(ctx, resp.GetScope(), lang)
		return s.subscriptionMessage(c, http.StatusOK, lang, resp.GetScope().GetTenant(), "confirmed", &subscriptionPageView{What: what})
	}
}

// subscriptionMessage renders the page of a subscription's state.
func (s *Server) subscriptionMessage(c *gin.Context, code int, lang, tenant, state string, v *subscriptionPageView) error {
	if v == nil {
		v = &subscriptionPageView{}
	}
	b, _ := s.feedbackBase(c, lang, "/subscribe", tenant)
	v.base, v.State = b, state
	v.Title = b.L.T("subscribe." + state + ".title")
	return s.writeFormPage(c, code, "subscribemessage", v)
}
