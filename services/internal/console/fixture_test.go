package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const testPassword = "mat-khau-van-hanh-2026"

// testNow is the fixture's clock: Wednesday 2 December 2026, 10:00 GMT+7.
var testNow = time.Date(2026, 12, 2, 10, 0, 0, 0, compliance.Zone)

type fixture struct {
	t     *testing.T
	store *hubstore.Store
	srv   *httptest.Server
	cons  *Server
	// metrics holds the admin API's (portalhub_ops_calls_total): which
	// calls the console made through it.
	metrics *prometheus.Registry
}

const testRules = `
decree = "42/2022/NĐ-CP"
[thresholds]
provincial_per_working_day = 1
subportal_per_week = 2
[counting]
bulk_import_age_days = 7
[coverage]
required_kinds = ["article", "legal_document"]
english = ["article"]
[retention]
audit_log_days = 3650
updates_days = 3650
withdrawn_items_days = 3650
statistics_days = 3650
[calendar]
weekend = ["saturday", "sunday"]
years = [2026, 2027]
`

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dbURL := testenv.Postgres(t, "console", hubschema.Migrate)
	store, err := hubstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	rules, err := compliance.Parse([]byte(testRules))
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	accounts := opsaccounts.New(store.Pool())
	accounts.SetClock(now)
	for login, role := range map[string]opsaccounts.Role{"xem": opsaccounts.Viewer, "vanhanh": opsaccounts.Operator,
		"quantri": opsaccounts.Administrator} {
		if _, err := accounts.Create(ctx, opsaccounts.NewAccount{Login: login, DisplayName: login, Role: role, Password: testPassword}, "test"); err != nil {
			t.Fatalf("ops account %s: %v", login, err)
		}
	}
	metrics := prometheus.NewRegistry()
	ops := opsapi.New(opsapi.Config{Store: store, Accounts: accounts, Rules: rules, Log: zerolog.Nop(), Now: now, Registerer: metrics})
	cons, err := New(Config{Store: store, Accounts: accounts, Rules: rules, Log: zerolog.Nop(), Now: now, Ops: ops})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(cons.Handler())
	t.Cleanup(srv.Close)
	return &fixture{t: t, store: store, srv: srv, cons: cons, metrics: metrics}
}

func (f *fixture) addTenant(id, kind, name string) {
	f.t.Helper()
	if err := f.store.AddTenant(context.Background(), "test", hubstore.Tenant{ID: id, Kind: kind, NameVI: name, NameEN: name}); err != nil {
		f.t.Fatalf("add tenant %s: %v", id, err)
	}
}

// browser is a client with its own cookies that does not follow redirects.
type browser struct {
	f *fixture
	c *http.Client
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		b.f.t.Fatal(err)
	}
	return resp, doc
}

func (b *browser) get(path string) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.f.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as a browser would from the console's own page.
func (b *browser) post(path string, form url.Values) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.f.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// csrf is the CSRF token of the forms of the page at path.
func (b *browser) csrf(path string) string {
	b.f.t.Helper()
	_, doc := b.get(path)
	v, ok := doc.Find(`input[name=csrf_token]`).First().Attr("value")
	if !ok || v == "" {
		b.f.t.Fatalf("%s: no CSRF token in its forms", path)
	}
	return v
}

// login signs in as username and fails the test unless it lands on next.
func (b *browser) login(username string) {
	b.f.t.Helper()
	resp, _ := b.post("/dang-nhap", url.Values{"csrf_token": {b.csrf("/dang-nhap")}, "username": {username},
		"password": {testPassword}, "next": {"/don-vi"}})
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/don-vi" {
		b.f.t.Fatalf("login as %s: %d to %q", username, resp.StatusCode, got)
	}
}

func text(doc *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(doc.Find(sel).First().Text()), " ")
}

func article(id string, version uint64, title string) *pb.ContentItem {
	return &pb.ContentItem{
		ContentId: id, Version: version, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State:        pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Title: title, Slug: id}},
		Approver:     &pb.Person{Name: "Nguyễn Văn A"},
		PublishedAt:  timestamppb.New(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)),
	}
}

// push applies item as tenant's push.
func (f *fixture) push(tenant string, item *pb.ContentItem) {
	f.t.Helper()
	p, err := contentrules.Prepare(item, f.store.Categories())
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.Apply(context.Background(), tenant, p); err != nil {
		f.t.Fatalf("push %s/%s: %v", tenant, item.GetContentId(), err)
	}
}

// updatesAt records counted updates of tenant at the given times (GMT+7),
// as Apply would have at those times.
func (f *fixture) updatesAt(tenant string, times ...time.Time) {
	f.t.Helper()
	for i, at := range times {
		if _, err := f.store.Pool().Exec(context.Background(), `INSERT INTO compliance_updates (tenant_id, content_id, version, new_item, published_at, applied_at)
			VALUES ($1, $2, 1, false, $3, $3)`, tenant, fmt.Sprintf("u-%d-%d", at.Unix(), i), at); err != nil {
			f.t.Fatal(err)
		}
	}
}

func at(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, compliance.Zone) }

// apiCalls is how many calls of the admin API's method the console made
// that it answered with code ("OK", "PermissionDenied", ...).
func (f *fixture) apiCalls(method, code string) float64 {
	f.t.Helper()
	mfs, err := f.metrics.Gather()
	if err != nil {
		f.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "portalhub_ops_calls_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["method"] == method && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
