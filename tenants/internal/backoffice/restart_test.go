package backoffice

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/pgcluster"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/api"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// restartFixture is a whole sub-portal as cmd/subportal wires it (the back
// office and the API on one server, the relay) over a private PostgreSQL
// cluster that the test stops and starts. The hub is unreachable, so pushes
// stay pending.
type restartFixture struct {
	*fixture
	cluster  *pgcluster.Cluster
	dir      string
	apiToken string // the approver's personal API token
}

func newRestartFixture(t *testing.T) *restartFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	c, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dir, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := pgcluster.Remove(c.Dir()); err != nil {
			t.Errorf("remove cluster: %v", err)
		}
	})
	admin, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `CREATE DATABASE subportal`); err != nil {
		t.Fatal(err)
	}
	admin.Close(ctx)
	dbURL := c.URL("subportal")
	if err := store.Migrate(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	log := zerolog.New(zerolog.NewTestWriter(t))

	st := store.New(pool)
	as := accounts.New(pool, log)
	as.SetFailureDelay(func(context.Context, time.Duration) {})
	board := editorial.Board{}
	ed := editorial.New(pool, st, board, log)
	bo, err := New(Config{
		Store: st, Accounts: as, Editorial: ed, Board: board,
		Sessions: &accounts.Sessions{Store: as, CookieName: "ph_test_session"},
		Name:     "Sở Du lịch", Tenant: "so-du-lich", CookiePrefix: "ph_test",
		MaxUploadBytes: testUploadLimit, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.New(api.Config{Store: st, Accounts: as, Editorial: ed, Log: log}).Register(mux)
	bo.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	conn, err := push.Dial(push.DialConfig{Addr: fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t)), Token: "t", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	relay := push.New(st, pb.NewIngestServiceClient(conn), log, push.Config{
		Backoff: pgwake.Backoff{Base: 10 * time.Millisecond, Cap: 100 * time.Millisecond}, Sweep: 50 * time.Millisecond,
		Registerer: prometheus.NewRegistry(),
	})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { relay.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	f := &fixture{t: t, srv: srv, store: st, accounts: as, ed: ed, ids: map[string]int64{}}
	acc, err := as.Create(ctx, "test", accounts.NewAccount{Username: "tacgia", DisplayName: "Phóng viên Lê Thị Hoa",
		Password: testPassword, Roles: []accounts.Role{accounts.RoleAuthor}})
	if err != nil {
		t.Fatal(err)
	}
	f.ids["tacgia"] = acc.ID
	approver, err := as.Create(ctx, "test", accounts.NewAccount{Username: "duyet", DisplayName: "Ban biên tập",
		Password: testPassword, Roles: []accounts.Role{accounts.RoleApprover}})
	if err != nil {
		t.Fatal(err)
	}
	_, apiToken, err := as.IssueAPIToken(ctx, "test", approver.ID, "kiểm thử", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &restartFixture{fixture: f, cluster: c, dir: dir, apiToken: apiToken}
}

func (f *restartFixture) stop() {
	f.t.Helper()
	if err := f.cluster.Stop(); err != nil {
		f.t.Fatal(err)
	}
}

func (f *restartFixture) start() {
	f.t.Helper()
	c, err := pgcluster.Start(context.Background(), pgcluster.Config{Dir: f.dir, Port: f.cluster.Port(), Ephemeral: true})
	if err != nil {
		f.t.Fatal(err)
	}
	f.cluster = c
}

// apiCall calls the sub-portal's API with its token.
func (f *restartFixture) apiCall(method, path, body string) (*http.Response, []byte) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.apiToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func apiArticle(id, title string) string {
	return `{"contentId": "` + id + `", "kind": "CONTENT_KIND_ARTICLE", "category": "news",
		"translations": [{"locale": "vi", "title": "` + title + `", "slug": "` + id + `", "bodyHtml": "<p>` + title + `</p>"}],
		"author": "Phóng viên Trần Văn An"}`
}

// unavailable checks an answer is 503 with a Retry-After.
func unavailable(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d, want 503", what, resp.StatusCode)
	}
	if got, want := resp.Header.Get("Retry-After"), fmt.Sprint(errs.RetryAfterSeconds); got != want {
		t.Errorf("%s: Retry-After = %q, want %q", what, got, want)
	}
}

// postedForm reads the form of a page that posts what was typed, as a
// browser would send it.
func postedForm(doc *goquery.Document) (action string, vals url.Values) {
	form := doc.Find(`form[method="post"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(`input[name="csrf_token"]`).Length() > 0 && s.Find(`[name="vi_title"]`).Length() > 0
	}).First()
	action, _ = form.Attr("action")
	vals = url.Values{}
	form.Find("input[name], textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if goquery.NodeName(s) == "textarea" {
			vals.Add(name, s.Text())
			return
		}
		v, _ := s.Attr("value")
		vals.Add(name, v)
	})
	return action, vals
}

// TestDatabaseRestart stops the sub-portal's database under it and starts
// it again: meanwhile the API and the back office answer 503 with
// Retry-After (not 500), the back office keeps what the editor typed and
// can send it again, and afterwards the same processes work again with
// nothing lost.
func TestDatabaseRestart(t *testing.T) {
	f := newRestartFixture(t)
	ctx := context.Background()
	b := f.login("tacgia")

	resp, body := f.apiCall("POST", "/api/items", apiArticle("truoc-khi-dung", "Bài trước khi dừng"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create before the stop: %d %s", resp.StatusCode, body)
	}
	csrf := b.token("/")

	f.stop()

	resp, body = f.apiCall("POST", "/api/items", apiArticle("trong-khi-dung", "Bài trong khi dừng"))
	unavailable(t, "API create", resp)
	var p struct{ Type, Detail string }
	if err := json.Unmarshal(body, &p); err != nil || !strings.HasSuffix(p.Type, "/unavailable") || p.Detail == "" ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("API create: problem %s (%v), want an unavailable problem document with a Vietnamese detail", body, err)
	}
	resp, _ = f.apiCall("GET", "/api/items", "")
	unavailable(t, "API list", resp)

	page := b.getRaw("/")
	unavailable(t, "back office dashboard", page.resp)
	if msg := text(page.doc, "main p"); !strings.Contains(msg, "Cơ sở dữ liệu") {
		t.Errorf("back office dashboard says %q, want the Vietnamese explanation", msg)
	}

	const title = "Lễ hội Hoa Ban năm 2026 khai mạc"
	const body2 = "## Diễn biến\n\nNội dung **chính** của bài, gõ khi cơ sở dữ liệu đang khởi động lại."
	typed := article(title)
	typed.Set("vi_body", body2)
	typed.Set("csrf_token", csrf)
	resp, doc := b.postRaw("/noi-dung/moi?kind=article", typed)
	unavailable(t, "back office save", resp)
	action, again := postedForm(doc)
	if action != "/noi-dung/moi?kind=article" || again.Get("vi_title") != title || again.Get("vi_body") != body2 ||
		again.Get("csrf_token") != csrf || again.Get("category") != "news" {
		t.Fatalf("the 503 page posts %q to %q, want the typed form to /noi-dung/moi?kind=article", again, action)
	}

	f.start()

	testenv.WaitFor(t, 30*time.Second, func() error {
		resp, body := f.apiCall("POST", "/api/items", apiArticle("trong-khi-dung", "Bài trong khi dừng"))
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("create after the restart: %d %s", resp.StatusCode, body)
		}
		return nil
	})
	resp, _ = b.postRaw(action, again)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(location(t, resp), "/ban-sua/") {
		t.Fatalf("sending the kept form again: status %d, want 303 to the saved revision", resp.StatusCode)
	}
	_, doc = b.get(location(t, resp))
	if v, _ := doc.Find("#vi_title").Attr("value"); v != title {
		t.Errorf("saved revision's title = %q, want %q", v, title)
	}

	// Nothing lost: both items, each with its outbox row, pending (the hub
	// is unreachable), none parked.
	for _, id := range []string{"truoc-khi-dung", "trong-khi-dung"} {
		it, err := f.store.Get(ctx, id)
		if err != nil {
			t.Fatalf("item %s: %v", id, err)
		}
		if it.Version != 1 || it.Push == nil || it.Push.Status != store.StatusPending {
			t.Errorf("item %s: version %d, push %+v; want version 1 with its row pending", id, it.Version, it.Push)
		}
	}
	counts, err := f.store.OutboxCounts(ctx)
	if err != nil || counts[store.StatusPending] != 2 || counts[store.StatusRefused] != 0 {
		t.Errorf("outbox = %v, %v; want 2 pending, none refused", counts, err)
	}
}
