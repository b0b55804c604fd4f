package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/filecases"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/api"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/rs/zerolog"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// The personal API tokens of the newest test server (newServer), one per
// account of its editorial board: token is the approver's, which call
// uses. The tests of this package do not run in parallel.
var (
	token, authorToken, editorToken, adminToken string
)

// The board of every test server.
var board = []struct {
	username, name string
	role           accounts.Role
	token          *string
}{
	{"duyet", "Ban biên tập", accounts.RoleApprover, &token},
	{"tacgia", "Phóng viên Lê Thị Hoa", accounts.RoleAuthor, &authorToken},
	{"bientap", "Biên tập viên Trần Bình", accounts.RoleEditor, &editorToken},
	{"quantri", "Quản trị Phạm Đức", accounts.RoleAdmin, &adminToken},
}

func newServer(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	s, _ := storetest.New(t)
	as := accounts.New(s.Pool(), zerolog.Nop())
	for _, b := range board {
		acc, err := as.Create(t.Context(), "test", accounts.NewAccount{Username: b.username, DisplayName: b.name,
			Password: "Ngựa ô chạy trên đồi 2026", Roles: []accounts.Role{b.role}})
		if err != nil {
			t.Fatal(err)
		}
		if _, *b.token, err = as.IssueAPIToken(t.Context(), "test", acc.ID, "kiểm thử", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	workflow := editorial.New(s.Pool(), s, editorial.Board{}, zerolog.Nop())
	srv := httptest.NewServer(api.New(api.Config{Store: s, Accounts: as, Editorial: workflow, Log: zerolog.Nop()}).Handler(lifecycle.NewOps()))
	t.Cleanup(srv.Close)
	return srv, s
}

func do(t *testing.T, srv *httptest.Server, method, path, auth, contentType string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func call(t *testing.T, srv *httptest.Server, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return do(t, srv, method, path, "Bearer "+token, "application/json", r)
}

const article = `{
  "contentId": "le-hoi-bien",
  "kind": "CONTENT_KIND_ARTICLE",
  "category": "news",
  "translations": [{"locale": "vi", "title": "Lễ hội biển Nha Trang", "slug": "le-hoi-bien", "bodyHtml": "<p>Khai mạc</p>"}],
  "author": "Phóng viên Trần Văn An"
}`

type problem struct {
	Type, Title, Detail, Field, Reason string
	Status                             int
}

func decodeProblem(t *testing.T, resp *http.Response, body []byte) problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem %s: %v", body, err)
	}
	return p
}

func TestCreateGetAndWithdraw(t *testing.T) {
	srv, _ := newServer(t)
	resp, body := call(t, srv, "POST", "/api/items", article+"\n") // white space after the object is fine
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var created struct {
		Version uint64
		Changed bool
	}
	json.Unmarshal(body, &created)
	if created.Version != 1 || !created.Changed {
		t.Errorf("created = %+v, want version 1", created)
	}
	// The same content again is not a new version.
	resp, body = call(t, srv, "POST", "/api/items", article)
	json.Unmarshal(body, &created)
	if resp.StatusCode != http.StatusOK || created.Version != 1 || created.Changed {
		t.Errorf("re-create: %d %s, want 200 unchanged version 1", resp.StatusCode, body)
	}

	resp, body = call(t, srv, "POST", "/api/items/le-hoi-bien/withdraw", `{"reason": "Lễ hội hoãn tổ chức"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("withdraw: %d %s", resp.StatusCode, body)
	}

	resp, body = call(t, srv, "GET", "/api/items/le-hoi-bien", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("get: %d %s", resp.StatusCode, body)
	}
	var got struct {
		State    string
		Version  uint64
		Push     *store.OutboxRow
		Item     map[string]any
		Versions []store.Version
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.State != "WITHDRAWN" || got.Version != 2 || got.Push == nil || got.Push.Status != "pending" || len(got.Versions) != 2 {
		t.Errorf("item = %s", body)
	}
	if got.Versions[1].Authors[0].Name != "Phóng viên Trần Văn An" || got.Versions[0].Approver != "Ban biên tập" {
		t.Errorf("versions = %+v, want author and approver recorded", got.Versions)
	}
	if u, _ := got.Item["unpublishing"].(map[string]any); u["reason"] != "Lễ hội hoãn tổ chức" {
		t.Errorf("item = %v", got.Item)
	}

	resp, body = call(t, srv, "GET", "/api/outbox?status=pending", "")
	var ob struct{ Outbox []store.OutboxRow }
	json.Unmarshal(body, &ob)
	if resp.StatusCode != http.StatusOK || len(ob.Outbox) != 2 {
		t.Errorf("outbox: %d %s, want two pending rows", resp.StatusCode, body)
	}
	resp, body = call(t, srv, "GET", "/api/items", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"le-hoi-bien"`) {
		t.Errorf("list: %d %s", resp.StatusCode, body)
	}
}

func TestBadRequestsStoreNothing(t *testing.T) {
	srv, s := newServer(t)
	cases := []struct {
		name, path, body, field string
		status                  int
	}{
		{"bad json", "/api/items", `{"contentId": "x",`, "", 400},
		{"typed approver", "/api/items", strings.Replace(article, `"author"`, `"approver": "Ông A", "author"`, 1), "approver", 400},
		{"unknown field", "/api/items", strings.Replace(article, `"category"`, `"catgory"`, 1), "", 400},
		{"version given", "/api/items", strings.Replace(article, `"category"`, `"version": "3", "category"`, 1), "version", 400},
		{"no vietnamese", "/api/items", strings.Replace(article, `"locale": "vi"`, `"locale": "en"`, 1), "translations", 400},
		{"trailing object", "/api/items", article + ` {"contentId": "khac"}`, "", 400},
		{"trailing garbage", "/api/items", article + `x`, "", 400},
		{"trailing object after withdraw", "/api/items/le-hoi-bien/withdraw", `{"reason": "x"}{}`, "", 400},
		{"not an object", "/api/items", `[` + article + `]`, "", 400},
		{"gone with a typed approver", "/api/items/le-hoi-bien/gone", `{"approver": "Ông A"}`, "approver", 400},
		{"withdraw unknown item", "/api/items/khong-co/withdraw", `{"reason": "x"}`, "content_id", 404},
	}
	for _, c := range cases {
		resp, body := call(t, srv, "POST", c.path, c.body)
		p := decodeProblem(t, resp, body)
		if resp.StatusCode != c.status || p.Status != c.status || p.Detail == "" || p.Title == "" || (c.field != "" && p.Field != c.field) {
			t.Errorf("%s: %d %s; want %d with field %q and a detail", c.name, resp.StatusCode, body, c.status, c.field)
		}
	}
	for _, body := range []string{article + ` {"contentId": "khac"}`, article + "x"} {
		resp, out := call(t, srv, "POST", "/api/items", body)
		if p := decodeProblem(t, resp, out); !strings.Contains(p.Detail, "dữ liệu thừa") {
			t.Errorf("trailing data: %d %s, want the trailing data named", resp.StatusCode, out)
		}
	}
	resp, body := call(t, srv, "POST", "/api/items", strings.Replace(article, `"author"`, `"approver": "Ông A", "author"`, 1))
	if p := decodeProblem(t, resp, body); !strings.Contains(p.Detail, "người phê duyệt là chủ tài khoản") {
		t.Errorf("typed approver detail = %q, want Vietnamese", p.Detail)
	}
	var n int
	s.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM outbox)`).Scan(&n)
	if n != 0 {
		t.Errorf("%d rows stored after bad requests, want 0", n)
	}
}

// Taking an item out of the public in a way the hub would refuse is
// refused at once, and the item keeps its version: no new version is stored
// to be parked later as refused by the hub.
func TestBadUnpublishingStoresNothing(t *testing.T) {
	srv, s := newServer(t)
	if resp, body := call(t, srv, "POST", "/api/items", article); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	cases := []struct{ name, path, body, field string }{
		{"withdraw without reason", "withdraw", `{}`, "unpublishing.reason"},
		{"withdraw with a blank reason", "withdraw", `{"reason": "  "}`, "unpublishing.reason"},
		{"withdraw with a reason over the limit", "withdraw", `{"reason": "` + strings.Repeat("lý do ", 200) + `"}`, "unpublishing.reason"},
		{"redirect to nothing", "redirect", `{}`, "unpublishing"},
		{"redirect to both", "redirect", `{"successor": {"tenant": "ubnd", "content_id": "moi"}, "successor_url": "https://example.vn/"}`, "unpublishing"},
		{"redirect to a javascript URL", "redirect", `{"successor_url": "javascript:alert(1)"}`, "unpublishing.successor_url"},
		{"redirect to a relative URL", "redirect", `{"successor_url": "/vi/tin-moi"}`, "unpublishing.successor_url"},
		{"redirect to a bad content id", "redirect", `{"successor": {"tenant": "ubnd", "content_id": "Tin Mới"}}`, "unpublishing.successor.content_id"},
		{"redirect without tenant", "redirect", `{"successor": {"content_id": "tin-moi"}}`, "unpublishing.successor.tenant"},
	}
	for _, c := range cases {
		resp, body := call(t, srv, "POST", "/api/items/le-hoi-bien/"+c.path, c.body)
		p := decodeProblem(t, resp, body)
		if resp.StatusCode != 400 || p.Field != c.field || p.Detail == "" {
			t.Errorf("%s: %d %s; want 400 with field %q", c.name, resp.StatusCode, body, c.field)
		}
	}
	var versions, rows int
	s.Pool().QueryRow(context.Background(), `SELECT (SELECT max(hub_version) FROM items), (SELECT count(*) FROM outbox)`).Scan(&versions, &rows)
	if versions != 1 || rows != 1 {
		t.Errorf("after bad requests: version %d and %d outbox rows, want 1 and 1", versions, rows)
	}
	resp, body := call(t, srv, "POST", "/api/items/le-hoi-bien/redirect", `{"successor_url": "https://khanhhoa.gov.vn/le-hoi"}`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a good redirect: %d %s", resp.StatusCode, body)
	}
}

func TestTokenRequired(t *testing.T) {
	srv, _ := newServer(t)
	for name, auth := range map[string]string{"missing": "", "wrong": "Bearer nope", "not bearer": "Basic " + token} {
		resp, body := do(t, srv, "POST", "/api/items", auth, "application/json", strings.NewReader(article))
		p := decodeProblem(t, resp, body)
		if resp.StatusCode != 401 || p.Status != 401 || p.Detail == "" || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s token: %d %s, want 401 problem", name, resp.StatusCode, body)
		}
	}
	resp, _ := do(t, srv, "GET", "/healthz", "", "", nil)
	if resp.StatusCode != 200 {
		t.Errorf("/healthz = %d, want 200 without a token", resp.StatusCode)
	}
}

// uploadFile posts data as the multipart part "file" named name, declared
// as contentType.
func uploadFile(t *testing.T, srv *httptest.Server, name, contentType string, data []byte) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": name}))
	h.Set("Content-Type", contentType)
	fw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return do(t, srv, "POST", "/api/blobs", "Bearer "+token, mw.FormDataContentType(), &buf)
}

func TestUploadBlob(t *testing.T) {
	srv, _ := newServer(t)
	resp, body := uploadFile(t, srv, "Báo cáo.pdf", "application/pdf", []byte("%PDF-1.5\nbáo cáo\n"))
	var b store.Blob
	json.Unmarshal(body, &b)
	if resp.StatusCode != 201 || len(b.SHA256) != 64 || b.MediaType != "application/pdf" || b.Filename != "Báo cáo.pdf" {
		t.Errorf("upload pdf: %d %s", resp.StatusCode, body)
	}
	resp, body = uploadFile(t, srv, "anh.png", "image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	if p := decodeProblem(t, resp, body); resp.StatusCode != 415 || p.Detail == "" {
		t.Errorf("upload svg: %d %s, want 415", resp.StatusCode, body)
	}
}

// The shared table of files gets the same verdict from POST /api/blobs as
// from UploadBlob at the hub and the back office (their tests run the same
// table): 201 with the policy's type, or the policy's refusal (415 for a
// type, 400 for a name) with its Vietnamese message.
func TestUploadBlobFileCases(t *testing.T) {
	srv, s := newServer(t)
	for _, c := range filecases.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			var before int
			s.Pool().QueryRow(t.Context(), `SELECT count(*) FROM blobs`).Scan(&before)
			resp, body := uploadFile(t, srv, c.Filename, c.Claimed, c.Data)
			if c.Reason == "" {
				var b store.Blob
				if err := json.Unmarshal(body, &b); err != nil || resp.StatusCode != http.StatusCreated || b.MediaType != c.Want {
					t.Fatalf("%d %s, want 201 with %q", resp.StatusCode, body, c.Want)
				}
				return
			}
			want := http.StatusUnsupportedMediaType
			if !strings.HasPrefix(c.Reason, "FILE_TYPE_") {
				want = http.StatusBadRequest
			}
			_, err := contentrules.DetectFile(c.Filename, c.Data)
			var fe *contentrules.FileError
			if !errors.As(err, &fe) || fe.Reason != c.Reason {
				t.Fatalf("the policy says %v, the table %s", err, c.Reason)
			}
			if p := decodeProblem(t, resp, body); resp.StatusCode != want || p.Detail != fe.MessageVI {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, body, want, fe.MessageVI)
			}
			var after int
			s.Pool().QueryRow(t.Context(), `SELECT count(*) FROM blobs`).Scan(&after)
			if after != before {
				t.Errorf("a file was stored")
			}
		})
	}
}

// A file over the hub's 32 MiB is answered 413 with the hub's reason.
func TestUploadBlobTooLarge(t *testing.T) {
	srv, _ := newServer(t)
	big := append([]byte("%PDF-1.5\n"), make([]byte, 32<<20)...)
	resp, body := uploadFile(t, srv, "bao-cao.pdf", "application/pdf", big)
	if p := decodeProblem(t, resp, body); resp.StatusCode != http.StatusRequestEntityTooLarge || p.Reason != "TOO_LARGE" || p.Detail == "" {
		t.Errorf("upload of 32 MiB and more: %d %s, want 413 with reason TOO_LARGE", resp.StatusCode, body)
	}
}

// TestListLimit: limit is 1 to 1000, or absent (200); anything else is a
// 400 problem naming it, never a silent default.
func TestListLimit(t *testing.T) {
	srv, _ := newServer(t)
	for _, path := range []string{"/api/items", "/api/outbox"} {
		for _, q := range []string{"", "?limit=1", "?limit=1000"} {
			if resp, body := call(t, srv, "GET", path+q, ""); resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s%s: %d %s, want 200", path, q, resp.StatusCode, body)
			}
		}
		for _, q := range []string{"?limit=0", "?limit=-1", "?limit=1001", "?limit=abc", "?limit=", "?limit=1&limit=2", "?limit=99999999999999999999"} {
			resp, body := call(t, srv, "GET", path+q, "")
			if p := decodeProblem(t, resp, body); resp.StatusCode != http.StatusBadRequest || p.Field != "limit" || p.Detail == "" {
				t.Errorf("GET %s%s: %d %s, want 400 naming limit", path, q, resp.StatusCode, body)
			}
		}
	}
}
