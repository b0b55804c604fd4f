package backoffice

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNULRefused is a regression test of issue 6 B18: PostgreSQL refuses a
// NUL character in text, and a NUL in the login form (or anywhere the back
// office takes text) gave a 500. Each is a 400 page saying what is wrong.
func TestNULRefused(t *testing.T) {
	f := newFixture(t)
	const says = "ký tự NUL"
	check := func(t *testing.T, resp *http.Response, body string) {
		t.Helper()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, says) {
			t.Errorf("status %d, want 400 saying %q", resp.StatusCode, says)
		}
	}
	pageText := func(p page) string { return p.doc.Text() }

	t.Run("login username", func(t *testing.T) {
		resp, doc := f.browser().postForm("/dang-nhap", url.Values{"username": {"tacgia\x00"}, "password": {testPassword}})
		check(t, resp, doc.Text())
	})
	t.Run("login password", func(t *testing.T) {
		resp, doc := f.browser().postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {"mat\x00khau-dai-2026"}})
		check(t, resp, doc.Text())
	})
	author := f.login("tacgia")
	t.Run("editor title", func(t *testing.T) {
		form := article("Tiêu đề\x00 có NUL")
		resp, doc := author.postMultipart("/noi-dung/moi?kind=article", form)
		check(t, resp, doc.Text())
	})
	t.Run("path", func(t *testing.T) {
		p := author.getRaw("/noi-dung/le%00hoi")
		check(t, p.resp, pageText(p))
	})
	t.Run("invalid UTF-8 in the path", func(t *testing.T) {
		p := author.getRaw("/noi-dung/le%FFhoi/phien-ban")
		check(t, p.resp, pageText(p))
	})
	admin := f.login("quantri")
	t.Run("account display name", func(t *testing.T) {
		resp, doc := admin.postForm("/quan-tri/tai-khoan", url.Values{"username": {"moi"}, "display_name": {"Tên\x00mới"},
			"roles": {"author"}, "password": {testPassword}, "password2": {testPassword}})
		check(t, resp, doc.Text())
	})
	t.Run("royalties query", func(t *testing.T) {
		p := f.login("duyet").getRaw("/nhuan-but?period=2026%00")
		check(t, p.resp, pageText(p))
	})
}
