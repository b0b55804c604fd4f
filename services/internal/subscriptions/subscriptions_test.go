package subscriptions

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/personaldata"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type fixture struct {
	t     *testing.T
	hub   *hubstore.Store
	pool  *pgxpool.Pool
	store *Store
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", hubschema.Migrate)
	hub, err := hubstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	for _, id := range []string{"so-a", "so-b"} {
		if err := hub.AddTenant(ctx, "test", hubstore.Tenant{ID: id, Kind: "department", NameVI: "Sở " + strings.ToUpper(id[3:])}); err != nil {
			t.Fatal(err)
		}
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	ring, err := personaldata.NewKeyring(map[string][]byte{"k1": raw}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	f := &fixture{t: t, hub: hub, pool: hub.Pool(), now: time.Now()}
	f.store = NewStore(Config{Pool: hub.Pool(), Keys: personaldata.NewStore(hub.Pool(), ring), Secret: secret,
		SiteURL: "https://khanhhoa.gov.vn/", Now: func() time.Time { return f.now }})
	return f
}

// publish applies a new item of tenant in category at the hub.
func (f *fixture) publish(tenant, id, category, title string) {
	f.t.Helper()
	p, err := contentrules.Prepare(&pb.ContentItem{ContentId: id, Version: 1, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category: category, State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED, PublishedAt: timestamppb.New(f.now),
		Authors: []*pb.Person{{Name: "Lê Thị Hoa"}}, Approver: &pb.Person{Name: "Nguyễn Văn An"},
		Translations: []*pb.Translation{{Locale: "vi", Title: title, Slug: id, BodyHtml: "<p>" + title + "</p>"}},
	}, f.hub.Categories())
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.hub.Apply(context.Background(), tenant, p); err != nil {
		f.t.Fatal(err)
	}
}

// tick moves the store's clock to now, a moment later: the hub stamps
// applied updates with the database's clock, which the digest compares
// with the store's.
func (f *fixture) tick() {
	time.Sleep(10 * time.Millisecond)
	f.now = time.Now()
}

type sentMail struct{ To, Subject, Text, HTML, Purpose, ListUnsubscribe string }

// mails returns the queued messages of purpose, oldest first.
func (f *fixture) mails(purpose string) []sentMail {
	f.t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT recipient, subject, text_body, coalesce(html_body, ''), purpose,
		coalesce(list_unsubscribe, '') FROM mail_outbox WHERE purpose = $1 ORDER BY created_at, message_id`, purpose)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var m sentMail
		if err := rows.Scan(&m.To, &m.Subject, &m.Text, &m.HTML, &m.Purpose, &m.ListUnsubscribe); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

var linkToken = regexp.MustCompile(`/subscribe/(confirm|unsubscribe)\?t=([A-Za-z0-9_.-]+)`)

// token returns the token of the link of kind in text.
func token(t *testing.T, text, kind string) string {
	t.Helper()
	for _, m := range linkToken.FindAllStringSubmatch(text, -1) {
		if m[1] == kind {
			return m[2]
		}
	}
	t.Fatalf("no %s link in %q", kind, text)
	return ""
}

// TestSubscriptionLifecycle: double opt-in, a digest of what matches and
// was published since, nothing twice, one-click unsubscribe that destroys
// the address (issue 9 point 9).
func TestSubscriptionLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	req := Request{RequestID: "form-1", Email: " Lan.Nguyen@example.vn ", Lang: "vi", Consent: true,
		Scope: Scope{Tenant: "so-a", Category: "news"}}

	for name, bad := range map[string]func(*Request){
		"no consent":      func(r *Request) { r.Consent = false },
		"bad address":     func(r *Request) { r.Email = "Lan <lan@example.vn>" },
		"unknown tenant":  func(r *Request) { r.Scope.Tenant = "khong-co" },
		"unknown section": func(r *Request) { r.Scope.Category = "khong-co" },
		"language":        func(r *Request) { r.Lang = "fr" },
	} {
		r := req
		r.RequestID = "bad-" + name
		bad(&r)
		var inv *InvalidError
		if err := f.store.Subscribe(ctx, r); !errors.As(err, &inv) {
			t.Errorf("%s: %v, want refused", name, err)
		}
	}

	if err := f.store.Subscribe(ctx, req); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Subscribe(ctx, req); err != nil { // the same form twice
		t.Fatal(err)
	}
	// The form's id again with another address is refused: the pending
	// subscription keeps its own address and nothing goes to the other.
	other := req
	other.Email = "khac@example.vn"
	var inv *InvalidError
	if err := f.store.Subscribe(ctx, other); !errors.As(err, &inv) || inv.Problems[0].Field != "request_id" {
		t.Errorf("the same form id with another address: %v, want refused", err)
	}
	confirms := f.mails("subscription.confirm")
	if len(confirms) != 2 || confirms[0].To != "Lan.Nguyen@example.vn" || !strings.Contains(confirms[0].Subject, "Sở A — Tin tức") {
		t.Fatalf("confirmations %+v", confirms)
	}
	var clear int
	f.pool.QueryRow(ctx, `SELECT count(*) FROM subscriptions WHERE convert_from(email, 'UTF8') LIKE '%example.vn%'`).Scan(&clear)
	if clear != 0 {
		t.Error("the address is stored in the clear")
	}

	// Nothing is sent before the address is confirmed.
	f.publish("so-a", "tin-truoc", "news", "Tin trước khi xác nhận")
	f.tick()
	if n, err := f.store.Digest(ctx); err != nil || n != 0 {
		t.Fatalf("digest before confirmation: %d, %v", n, err)
	}
	// The first link no longer works: the second message replaced it.
	if _, _, err := f.store.Confirm(ctx, token(t, confirms[0].Text, "confirm")); !errors.Is(err, ErrNotFound) {
		t.Errorf("an older confirmation link: %v, want ErrNotFound", err)
	}
	sc, lang, err := f.store.Confirm(ctx, token(t, confirms[1].Text, "confirm"))
	if err != nil || sc != req.Scope || lang != "vi" {
		t.Fatalf("confirm: %+v %s %v", sc, lang, err)
	}

	f.tick()
	f.publish("so-a", "le-hoi", "news", "Lễ hội biển Nha Trang")
	f.publish("so-b", "tin-khac", "news", "Tin của sở khác")
	f.publish("so-a", "gioi-thieu-chung", "introduction", "Giới thiệu chung")
	f.tick()
	if n, err := f.store.Digest(ctx); err != nil || n != 1 {
		t.Fatalf("digest: %d, %v, want 1", n, err)
	}
	digests := f.mails("subscription.digest")
	if len(digests) != 1 {
		t.Fatalf("digests %+v", digests)
	}
	d := digests[0]
	if d.To != "Lan.Nguyen@example.vn" || !strings.Contains(d.Text, "Lễ hội biển Nha Trang") ||
		!strings.Contains(d.Text, "https://khanhhoa.gov.vn/vi/so-a/le-hoi") || !strings.Contains(d.HTML, "<a href=\"https://khanhhoa.gov.vn/vi/so-a/le-hoi\">") {
		t.Errorf("digest %+v", d)
	}
	// Every message carries its one-click unsubscribe address for the mail
	// client (List-Unsubscribe, RFC 8058): the same as the link it shows.
	if u := "https://khanhhoa.gov.vn/vi/subscribe/unsubscribe?t=" + token(t, d.Text, "unsubscribe"); d.ListUnsubscribe != u {
		t.Errorf("digest's List-Unsubscribe %q, want %q", d.ListUnsubscribe, u)
	}
	if u := confirms[1].ListUnsubscribe; !strings.HasPrefix(u, "https://khanhhoa.gov.vn/vi/subscribe/unsubscribe?t=") || !strings.Contains(confirms[1].Text, u) {
		t.Errorf("confirmation's List-Unsubscribe %q is not its cancel link", u)
	}
	for _, not := range []string{"Tin của sở khác", "Giới thiệu chung", "Tin trước khi xác nhận"} {
		if strings.Contains(d.Text, not) {
			t.Errorf("the digest holds %q, outside the scope or before the confirmation", not)
		}
	}
	// Nothing twice.
	f.tick()
	if n, err := f.store.Digest(ctx); err != nil || n != 0 {
		t.Fatalf("second digest: %d, %v, want 0", n, err)
	}
	// Subscribing again while active sends nothing new.
	again := req
	again.RequestID = "form-2"
	if err := f.store.Subscribe(ctx, again); err != nil || len(f.mails("subscription.confirm")) != 2 {
		t.Errorf("subscribing again: %v, %d confirmations", err, len(f.mails("subscription.confirm")))
	}

	// One click: the subscription ends and its address is destroyed.
	unsub := token(t, d.Text, "unsubscribe")
	if _, err := f.store.Unsubscribe(ctx, unsub[:len(unsub)-2]+"AA"); err != nil {
		t.Fatal(err)
	}
	if removed, err := f.store.Unsubscribe(ctx, unsub); err != nil || !removed {
		t.Fatalf("unsubscribe: %v %v", removed, err)
	}
	var rows, keys int
	f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM personal_data_keys)`).Scan(&rows, &keys)
	if rows != 0 || keys != 0 {
		t.Errorf("after unsubscribing: %d subscriptions, %d data keys, want none", rows, keys)
	}
	f.publish("so-a", "tin-sau", "news", "Tin sau khi hủy")
	f.tick()
	if n, err := f.store.Digest(ctx); err != nil || n != 0 {
		t.Errorf("digest after unsubscribing: %d, %v", n, err)
	}
}

// An unconfirmed subscription is deleted with its address after
// PendingFor.
func TestPendingExpires(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if err := f.store.Subscribe(ctx, Request{RequestID: "f", Email: "a@example.vn", Lang: "en", Consent: true}); err != nil {
		t.Fatal(err)
	}
	link := token(t, f.mails("subscription.confirm")[0].Text, "confirm")
	f.now = f.now.Add(PendingFor + time.Minute)
	if _, _, err := f.store.Confirm(ctx, link); !errors.Is(err, ErrNotFound) {
		t.Errorf("confirming after %s: %v", PendingFor, err)
	}
	if err := f.store.Subscribe(ctx, Request{RequestID: "g", Email: "b@example.vn", Lang: "en", Consent: true}); err != nil {
		t.Fatal(err)
	}
	var n int
	f.pool.QueryRow(ctx, `SELECT count(*) FROM subscriptions`).Scan(&n)
	if n != 1 {
		t.Errorf("%d subscriptions, want the expired one pruned", n)
	}
}

// Only the gateway's service credential calls the service: a tenant's
// credential or none is refused before anything is read or stored.
func TestServerOnlyForTheGateway(t *testing.T) {
	srv := NewServer(nil, "gateway", zerolog.Nop())
	ctx := context.Background()
	_, err1 := srv.Subscribe(ctx, &pb.SubscribeRequest{Email: "a@example.vn"})
	_, err2 := srv.ConfirmSubscription(ctx, &pb.ConfirmSubscriptionRequest{Token: "x"})
	_, err3 := srv.Unsubscribe(ctx, &pb.UnsubscribeRequest{Token: "x"})
	for i, err := range []error{err1, err2, err3} {
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("call %d without the gateway's credential: %v, want PermissionDenied", i+1, err)
		}
	}
}
