package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// fakeSubscriptions is the hub's SubscriptionService as the gateway sees
// it: it records the calls; the token "good" confirms.
type fakeSubscriptions struct {
	mu           sync.Mutex
	down         bool
	subscribed   []*pb.SubscribeRequest
	confirmed    []string
	unsubscribed []string
}

func (f *fakeSubscriptions) Subscribe(_ context.Context, in *pb.SubscribeRequest, _ ...grpc.CallOption) (*pb.SubscribeResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, status.Error(codes.Unavailable, "down")
	}
	f.subscribed = append(f.subscribed, in)
	return &pb.SubscribeResponse{}, nil
}

func (f *fakeSubscriptions) ConfirmSubscription(_ context.Context, in *pb.ConfirmSubscriptionRequest, _ ...grpc.CallOption) (*pb.ConfirmSubscriptionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirmed = append(f.confirmed, in.GetToken())
	if in.GetToken() != "good" {
		return nil, status.Error(codes.NotFound, "no such subscription")
	}
	return &pb.ConfirmSubscriptionResponse{Lang: "vi", Scope: &pb.SubscriptionScope{Tenant: "so-du-lich", Category: "news"}}, nil
}

func (f *fakeSubscriptions) Unsubscribe(_ context.Context, in *pb.UnsubscribeRequest, _ ...grpc.CallOption) (*pb.UnsubscribeResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unsubscribed = append(f.unsubscribed, in.GetToken())
	return &pb.UnsubscribeResponse{Removed: true}, nil
}

// TestSubscribe is the visitor's side of e-mail subscriptions (issue 9
// point 9): the form names what it follows, refuses what it must in the
// visitor's language keeping what was typed, hands the rest to the hub, and
// the e-mails' links act on one click only.
func TestSubscribe(t *testing.T) {
	hub := &fakeSubscriptions{}
	e := feedbackEnv(t, nil, func(c *portal.Config) { c.Subscriptions = hub })
	v := newVisitor(t, e)

	res, doc := v.get("/vi/subscribe?tenant=so-du-lich&category=news")
	wantStatus(t, res, http.StatusOK)
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if got := text(doc, "main strong"); got != "Sở Du lịch — Tin tức - Sự kiện" {
		t.Errorf("what the form subscribes to: %q", got)
	}
	for _, id := range []string{"sub-email", "sub-consent"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s without its label", id)
		}
	}
	if !strings.Contains(text(doc, "fieldset.consent"), "hủy đăng ký") {
		t.Errorf("consent text %q: want purpose, controller and retention", text(doc, "fieldset.consent"))
	}
	if res, _ := v.get("/vi/subscribe?tenant=khong-co"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a form for an unknown sub-portal: %d, want 404", res.StatusCode)
	}

	// Forged (no token) and bad answers store nothing.
	if res, _ := v.post("/vi/subscribe", url.Values{"email": {"a@example.vn"}, "consent": {"yes"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("without the form's token: %d, want 403", res.StatusCode)
	}
	res, doc = v.post("/vi/subscribe", fillForm(doc, url.Values{"email": {"Hoa <hoa@example.vn>"}}))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc, "#sub-email-error"), "chưa đúng") ||
		!strings.Contains(text(doc, "#sub-consent-error"), "đồng ý") || attr(doc, "#sub-email", "value") != "Hoa <hoa@example.vn>" {
		t.Errorf("bad answers: %d, errors %q / %q, kept %q", res.StatusCode, text(doc, "#sub-email-error"),
			text(doc, "#sub-consent-error"), attr(doc, "#sub-email", "value"))
	}
	if len(hub.subscribed) != 0 {
		t.Fatalf("the hub got %d subscriptions from bad forms", len(hub.subscribed))
	}

	res, sent := v.post("/en/subscribe", fillForm(doc, url.Values{"email": {"hoa@example.vn"}, "consent": {"yes"}}))
	wantStatus(t, res, http.StatusOK)
	if got := text(sent, "h1"); got != "Check your mailbox" {
		t.Errorf("after subscribing: %q", got)
	}
	if len(hub.subscribed) != 1 {
		t.Fatalf("the hub got %d subscriptions", len(hub.subscribed))
	}
	got := hub.subscribed[0]
	if got.GetEmail() != "hoa@example.vn" || got.GetLang() != "en" || !got.GetConsent() || got.GetConsentVersion() == "" ||
		got.GetScope().GetTenant() != "so-du-lich" || got.GetScope().GetCategory() != "news" {
		t.Errorf("the hub got %v", got)
	}

	// The hub down: said so, the answers kept.
	hub.down = true
	_, doc = v.get("/vi/subscribe")
	res, doc = v.post("/vi/subscribe", fillForm(doc, url.Values{"email": {"lan@example.vn"}, "consent": {"yes"}}))
	if res.StatusCode != http.StatusServiceUnavailable || attr(doc, "#sub-email", "value") != "lan@example.vn" {
		t.Errorf("hub down: %d, kept %q", res.StatusCode, attr(doc, "#sub-email", "value"))
	}
	hub.down = false

	// A link only shows a button: a scanner fetching it changes nothing.
	res, doc = v.get("/vi/subscribe/confirm?t=good")
	if res.StatusCode != http.StatusOK || len(hub.confirmed) != 0 || attr(doc, `form input[name="t"]`, "value") != "good" {
		t.Errorf("GET confirm: %d, %d confirmations", res.StatusCode, len(hub.confirmed))
	}
	if res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Error("the link's token could leak through the referrer")
	}
	res, doc = v.post("/vi/subscribe/confirm", url.Values{"t": {"good"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(text(doc, ".notice"), "Sở Du lịch — Tin tức - Sự kiện") {
		t.Errorf("confirm: %d %q", res.StatusCode, text(doc, ".notice"))
	}
	if res, _ := v.post("/vi/subscribe/confirm", url.Values{"t": {"old"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("an expired link: %d, want 404", res.StatusCode)
	}
	// RFC 8058's one-click unsubscribe: the token in the address, the
	// body List-Unsubscribe=One-Click.
	res, doc = v.post("/ru/subscribe/unsubscribe?t=tok.mac", url.Values{"List-Unsubscribe": {"One-Click"}})
	if res.StatusCode != http.StatusOK || len(hub.unsubscribed) != 1 || hub.unsubscribed[0] != "tok.mac" || text(doc, "h1") != "Вы отписались" {
		t.Errorf("one-click unsubscribe: %d %v %q", res.StatusCode, hub.unsubscribed, text(doc, "h1"))
	}

	// Sections and homes link their subscription.
	_, home := v.get("/vi/so-du-lich/")
	if attr(home, `.feeds a[href="/vi/subscribe?tenant=so-du-lich"]`, "href") == "" {
		t.Error("the sub-portal's home does not link its subscription")
	}
}
