package backoffice

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/rs/zerolog"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testPassword is every test account's password.
const testPassword = "bien-tap-vien-2026"

// testUploadLimit keeps the oversized-upload test small.
const testUploadLimit = 64 << 10

type fixture struct {
	t        *testing.T
	srv      *httptest.Server
	store    *store.Store
	accounts *accounts.Store
	ed       *editorial.Service
	ids      map[string]int64 // username -> account id
}

// newFixture starts the back office over a fresh database with one account
// per role, plus a second author; configure changes its configuration.
func newFixture(t *testing.T, configure ...func(*Config)) *fixture {
	t.Helper()
	st, _ := storetest.New(t)
	as := accounts.New(st.Pool(), zerolog.Nop())
	as.SetFailureDelay(func(context.Context, time.Duration) {})
	board := editorial.Board{}
	ed := editorial.New(st.Pool(), st, board, zerolog.Nop())
	cfg := Config{
		Store: st, Accounts: as, Editorial: ed, Board: board,
		Sessions:       &accounts.Sessions{Store: as, CookieName: "ph_test_session"},
		Name:           "Sở Du lịch",
		Tenant:         "so-du-lich",
		CookiePrefix:   "ph_test",
		MaxUploadBytes: testUploadLimit,
		Log:            zerolog.Nop(),
	}
	for _, c := range configure {
		c(&cfg)
	}
	bo, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: httptest.NewServer(bo.Handler()), store: st, accounts: as, ed: ed, ids: map[string]int64{}}
	t.Cleanup(f.srv.Close)
	for _, a := range []struct {
		username, name string
		roles          []accounts.Role
	}{
		{"quantri", "Quản trị Phạm Minh Đức", []accounts.Role{accounts.RoleAdmin}},
		{"tacgia", "Phóng viên Lê Thị Hoa", []accounts.Role{accounts.RoleAuthor}},
		{"tacgia2", "Phóng viên Hồ Văn Nam", []accounts.Role{accounts.RoleAuthor}},
		{"bientap", "Biên tập viên Trần Văn Bình", []accounts.Role{accounts.RoleEditor}},
		{"duyet", "Trưởng ban Nguyễn Thị Lan", []accounts.Role{accounts.RoleApprover}},
	} {
		acc, err := as.Create(context.Background(), "test", accounts.NewAccount{Username: a.username, DisplayName: a.name,
			Password: testPassword, Roles: a.roles})
		if err != nil {
			t.Fatalf("create %s: %v", a.username, err)
		}
		f.ids[a.username] = acc.ID
	}
	return f
}

// browser is one person's cookie jar; it does not follow redirects, so
// tests see them.
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

// login returns a browser logged in as username.
func (f *fixture) login(username string) *browser {
	f.t.Helper()
	b := f.browser()
	resp, _ := b.postForm("/dang-nhap", url.Values{"username": {username}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d, want 303", username, resp.StatusCode)
	}
	return b
}

type page struct {
	resp *http.Response
	body []byte
	doc  *goquery.Document
}

func (b *browser) do(req *http.Request) page {
	b.f.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(body))
	return page{resp: resp, body: body, doc: doc}
}

func (b *browser) get(path string) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.f.srv.URL+path, nil)
	p := b.do(req)
	return p.resp, p.doc
}

func (b *browser) getRaw(path string) page {
	b.f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.f.srv.URL+path, nil)
	return b.do(req)
}

// token fetches a page to read its CSRF token, as a browser would.
func (b *browser) token(path string) string {
	b.f.t.Helper()
	_, doc := b.get(path)
	tok, ok := doc.Find(`input[name="csrf_token"]`).First().Attr("value")
	if !ok || tok == "" {
		b.f.t.Fatalf("no CSRF token on %s", path)
	}
	return tok
}

// postForm posts form with the CSRF token of the page at the form's path
// (the login page for /dang-nhap), unless form already holds one.
func (b *browser) postForm(path string, form url.Values) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	if _, ok := form["csrf_token"]; !ok {
		from := path
		if !strings.HasPrefix(path, "/dang-nhap") {
			from = "/"
		}
		form.Set("csrf_token", b.token(from))
	}
	return b.postRaw(path, form)
}

func (b *browser) postRaw(path string, form url.Values) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p := b.do(req)
	return p.resp, p.doc
}

type file struct {
	field, name string
	data        []byte
}

// postMultipart posts a multipart form with files and the session's token.
func (b *browser) postMultipart(path string, form url.Values, files ...file) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", b.token("/"))
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	p := b.do(req)
	return p.resp, p.doc
}

// location returns the path a redirect goes to.
func location(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("status %d, want a redirect", resp.StatusCode)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func text(doc *goquery.Document, sel string) string {
	return strings.TrimSpace(doc.Find(sel).First().Text())
}

func errorSummary(doc *goquery.Document) string {
	return strings.Join(strings.Fields(doc.Find(".error-summary li").Text()), " ")
}

// article returns the form of a new article with a Vietnamese title.
func article(title string) url.Values {
	return url.Values{
		"category": {"news"}, "vi_title": {title}, "vi_summary": {"Tóm tắt: " + title},
		"vi_body": {"## Diễn biến\n\nNội dung **chính** của bài."}, "op": {"save"},
	}
}

// minimal files of each type.
var (
	pdfData = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngData = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	svgData = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
)

// revisions counts the revisions of the sub-portal.
func (f *fixture) revisionCount() int {
	f.t.Helper()
	var n int
	if err := f.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM revisions`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// storeArticle is an article approved outside the workflow (as seeding does).
func storeArticle(id, title string) store.ChangeInput { return storetest.Article(id, title) }
