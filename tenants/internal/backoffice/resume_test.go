package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// formValues collects the named inputs and textareas of the form matched by
// sel, as a browser would send them (without files and buttons).
func formValues(doc *goquery.Document, sel string) url.Values {
	vals := url.Values{}
	form := doc.Find(sel).First()
	form.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		switch in.AttrOr("type", "text") {
		case "file", "submit", "button":
			return
		case "checkbox", "radio":
			if _, ok := in.Attr("checked"); !ok {
				return
			}
		}
		vals.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	form.Find("textarea[name]").Each(func(_ int, ta *goquery.Selection) {
		vals.Add(ta.AttrOr("name", ""), strings.TrimPrefix(ta.Text(), "\n"))
	})
	form.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		vals.Add(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	return vals
}

// endSessions ends username's sessions, as the idle timeout would.
func (f *fixture) endSessions(username string) {
	f.t.Helper()
	if _, err := f.store.Pool().Exec(context.Background(), `DELETE FROM sessions WHERE account_id = $1`, f.ids[username]); err != nil {
		f.t.Fatal(err)
	}
}

// An editor's form posted after the session ended comes back on the login
// page with its text; after the login the editor shows it again, unsaved,
// with the new session's token, and saving it works.
func TestExpiredSessionKeepsEditorText(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	oldTok := b.token("/")
	f.endSessions("tacgia")

	const title = "Lễ hội hoa Đà Lạt khai mạc"
	const body = "## Diễn biến\n\nHàng nghìn du khách đã đến.\n\nDòng thứ ba."
	form := article(title)
	form.Set("vi_body", body)
	form.Set("en_title", "Da Lat flower festival opens")
	form.Set("csrf_token", oldTok)
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form, file{"files", "Chương trình.pdf", pdfData})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired post: status %d (to %q), want 401 and the login form", resp.StatusCode, resp.Header.Get("Location"))
	}
	login := doc.Find(`form[action="/dang-nhap"]`)
	if login.Length() != 1 {
		t.Fatal("no login form")
	}
	if got := login.Find(`input[name="resume.vi_title"]`).AttrOr("value", ""); got != title {
		t.Errorf("carried title %q", got)
	}
	if got := login.Find(`input[name="resume.vi_body"]`).AttrOr("value", ""); got != body {
		t.Errorf("carried body %q", got)
	}
	if login.Find(`input[name="resume.csrf_token"]`).Length() != 0 {
		t.Error("the old CSRF token is carried")
	}
	if got := login.Find(`input[name="next"]`).AttrOr("value", ""); got != "/noi-dung/moi?kind=article" {
		t.Errorf("next = %q", got)
	}
	if got := text(doc, "main .notice"); !strings.Contains(got, "hết hạn") || !strings.Contains(got, "chọn lại tệp") {
		t.Errorf("notice %q, want the session-ended notice saying files must be chosen again", got)
	}
	if doc.Find("script:not([src])").Length() != 0 {
		t.Error("inline script")
	}
	if n := f.revisionCount(); n != 0 {
		t.Fatalf("%d revisions stored", n)
	}

	// A wrong password keeps carrying the text.
	vals := formValues(doc, `form[action="/dang-nhap"]`)
	vals.Set("username", "tacgia")
	vals.Set("password", "sai-mat-khau-123")
	resp, doc = b.postRaw("/dang-nhap", vals)
	if resp.StatusCode != http.StatusUnauthorized || doc.Find(`input[name="resume.vi_title"]`).AttrOr("value", "") != title {
		t.Fatalf("wrong password: %d, carried title %q", resp.StatusCode, doc.Find(`input[name="resume.vi_title"]`).AttrOr("value", ""))
	}

	vals = formValues(doc, `form[action="/dang-nhap"]`)
	vals.Set("username", "tacgia")
	vals.Set("password", testPassword)
	resp, doc = b.postRaw("/dang-nhap", vals)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: status %d (to %q), want 200 and the editor", resp.StatusCode, resp.Header.Get("Location"))
	}
	editor := doc.Find(`form[enctype="multipart/form-data"]`)
	if got := editor.AttrOr("action", ""); got != "/noi-dung/moi?kind=article" {
		t.Errorf("editor posts to %q", got)
	}
	if got := doc.Find("#vi_title").AttrOr("value", ""); got != title {
		t.Errorf("editor title %q, want %q", got, title)
	}
	if got := strings.TrimPrefix(doc.Find("#vi_body").Text(), "\n"); got != body {
		t.Errorf("editor body %q, want %q", got, body)
	}
	if got := doc.Find("#en_title").AttrOr("value", ""); got != "Da Lat flower festival opens" {
		t.Errorf("English title %q", got)
	}
	if got := text(doc, ".notice.ok"); !strings.Contains(got, "chưa được lưu") {
		t.Errorf("notice %q, want the not-saved-yet notice", got)
	}
	newTok := editor.Find(`input[name="csrf_token"]`).AttrOr("value", "")
	if newTok == "" || newTok == oldTok {
		t.Errorf("editor token %q: want the new session's", newTok)
	}
	if n := f.revisionCount(); n != 0 {
		t.Fatalf("%d revisions stored before the user saved", n)
	}

	// The old token is no good any more; the new one saves.
	again := formValues(doc, `form[enctype="multipart/form-data"]`)
	again.Set("op", "save")
	again.Set("csrf_token", oldTok)
	if resp, _ := b.postMultipart("/noi-dung/moi?kind=article", again); resp.StatusCode != http.StatusForbidden {
		t.Errorf("save with the old token: %d, want 403", resp.StatusCode)
	}
	again.Set("csrf_token", newTok)
	resp, doc = b.postMultipart("/noi-dung/moi?kind=article", again, file{"files", "Chương trình.pdf", pdfData})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %q", resp.StatusCode, errorSummary(doc))
	}
	_, doc = b.get(location(t, resp))
	if got := doc.Find("#vi_title").AttrOr("value", ""); got != title {
		t.Errorf("saved title %q", got)
	}
	if got := strings.TrimPrefix(doc.Find("#vi_body").Text(), "\n"); got != body {
		t.Errorf("saved body %q", got)
	}
}

// Another form (a return with a comment) comes back on a page that posts it
// again under the new session.
func TestExpiredSessionKeepsComment(t *testing.T) {
	f := newFixture(t)
	revPath := writeArticle(t, f.login("tacgia"), "Bài chờ duyệt")
	ed := f.login("bientap")
	_, doc := ed.get(revPath)
	vals := formValues(doc, `form[action="`+revPath+`/return"]`)
	if vals.Get("csrf_token") == "" {
		t.Fatal("no return form")
	}
	const comment = "Cần kiểm tra lại số liệu ở đoạn 2."
	vals.Set("comment", comment)
	f.endSessions("bientap")
	resp, doc := ed.postRaw(revPath+"/return", vals)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired post: %d, want 401", resp.StatusCode)
	}
	if got := doc.Find(`input[name="resume.comment"]`).AttrOr("value", ""); got != comment {
		t.Errorf("carried comment %q", got)
	}
	login := formValues(doc, `form[action="/dang-nhap"]`)
	login.Set("username", "bientap")
	login.Set("password", testPassword)
	resp, doc = ed.postRaw("/dang-nhap", login)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	sel := `form[action="` + revPath + `/return"]`
	if got := doc.Find(sel+` input[name="comment"]`).AttrOr("value", ""); got != comment {
		t.Fatalf("re-post form carries comment %q", got)
	}
	resp, doc = ed.postRaw(revPath+"/return", formValues(doc, sel))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("re-post: %d %q", resp.StatusCode, errorSummary(doc))
	}
	_, doc = f.login("tacgia").get(revPath)
	if !strings.Contains(text(doc, "main"), comment) {
		t.Error("the comment did not reach the revision")
	}
}

// A form from another site gets no login page carrying it.
func TestExpiredCrossSitePostNotCarried(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/noi-dung/moi?kind=article",
		strings.NewReader(url.Values{"vi_title": {"Tin giả"}, "op": {"save"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	p := b.do(req)
	if p.resp.StatusCode != http.StatusSeeOther || strings.Contains(string(p.body), "Tin giả") {
		t.Errorf("cross-site post: %d, carried: %v", p.resp.StatusCode, strings.Contains(string(p.body), "Tin giả"))
	}
}

// A form over the body limit comes back with its text and a clear error;
// nothing is stored, and the CSRF check still holds.
func TestOversizedFormComesBack(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	huge := append(append([]byte{}, pdfData...), make([]byte, 3*testUploadLimit+2<<20)...)
	form := article("Bài có tệp rất lớn")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form, file{"files", "Phim.pdf", huge})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	if got := doc.Find("#vi_title").AttrOr("value", ""); got != "Bài có tệp rất lớn" {
		t.Errorf("title %q: the form did not come back", got)
	}
	if got := errorSummary(doc); !strings.Contains(got, "quá lớn") || !strings.Contains(got, "chưa lưu gì") {
		t.Errorf("errors %q", got)
	}
	if href := doc.Find(".error-summary a").First().AttrOr("href", ""); href != "#files" {
		t.Errorf("error links to %q", href)
	}
	if n := f.revisionCount(); n != 0 {
		t.Errorf("%d revisions stored", n)
	}
	form = article("Bài giả mạo rất lớn")
	form.Set("csrf_token", "Zm9yZ2VkLXRva2Vu")
	if resp, _ := b.postMultipart("/noi-dung/moi?kind=article", form, file{"files", "Phim.pdf", huge}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %d, want 403", resp.StatusCode)
	}
}

// A refusal shows the editor with the text as typed and the reason.
func TestRefusedSaveKeepsText(t *testing.T) {
	f := newFixture(t)
	resp, _ := f.login("tacgia").postMultipart("/noi-dung/moi?kind=article", article("Bản nháp của Hoa"))
	revPath := location(t, resp)
	other := f.login("tacgia2")
	form := article("Văn bản Nam đã gõ")
	form.Set("vi_body", "Một đoạn dài Nam đã gõ.")
	resp, doc := other.postMultipart(revPath, form)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", resp.StatusCode)
	}
	if got := doc.Find("#vi_title").AttrOr("value", ""); got != "Văn bản Nam đã gõ" {
		t.Errorf("title %q: the typed text was lost", got)
	}
	if got := strings.TrimSpace(doc.Find("#vi_body").Text()); got != "Một đoạn dài Nam đã gõ." {
		t.Errorf("body %q", got)
	}
	if got := errorSummary(doc); !strings.Contains(got, "tác giả") {
		t.Errorf("errors %q, want the reason", got)
	}
	_, doc = f.login("tacgia").get(revPath)
	if got := doc.Find("#vi_title").AttrOr("value", ""); got != "Bản nháp của Hoa" {
		t.Errorf("the draft changed: %q", got)
	}
}

// The editor's file inputs carry the limits for the script's check, and
// the script (a file, no inline code) checks them.
func TestFileSizeCheckBeforeSending(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	_, doc := b.get("/noi-dung/moi?kind=dataset")
	for _, id := range []string{"files", "data_file"} {
		in := doc.Find("#" + id)
		if got := in.AttrOr("data-max-bytes", ""); got != "65536" {
			t.Errorf("#%s data-max-bytes %q", id, got)
		}
		if got := in.AttrOr("data-too-large", ""); !strings.Contains(got, "quá lớn") || !strings.Contains(got, "%s") {
			t.Errorf("#%s data-too-large %q", id, got)
		}
	}
	if doc.Find("script:not([src]), [onsubmit], [onchange]").Length() != 0 {
		t.Error("inline script")
	}
	src := doc.Find("script[src]").AttrOr("src", "")
	p := b.getRaw(src)
	if p.resp.StatusCode != http.StatusOK || !strings.Contains(string(p.body), "data-max-bytes") || !strings.Contains(string(p.body), "preventDefault") {
		t.Errorf("script %s does not check file sizes", src)
	}
}
