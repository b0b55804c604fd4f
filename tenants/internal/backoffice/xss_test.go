package backoffice

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portalhub/portalhub/services/contentrules/htmlcheck"
)

// TestXSSCorpus types every payload of the XSS corpus
// (contentrules/htmlcheck/xss.txt) into the back office's forms: the login
// name, and an article's title, summary, slug and Markdown body, saved or
// refused. No payload may survive as live markup in the page that answers,
// in the item's page or in the list of items, as an HTML parser reads them
// (issue 12 point 4).
func TestXSSCorpus(t *testing.T) {
	f := newFixture(t)
	editor := f.login("bientap")
	check := func(what string, doc *goquery.Document) {
		t.Helper()
		if doc == nil {
			return
		}
		page, err := doc.Html()
		if err != nil {
			t.Fatal(err)
		}
		if live := htmlcheck.Live(page); len(live) > 0 {
			t.Errorf("%s: payload live in the page: %v", what, live)
		}
	}
	saved := 0
	for _, p := range htmlcheck.Payloads() {
		_, doc := f.browser().postForm("/dang-nhap", url.Values{"username": {p}, "password": {"sai mật khẩu " + p}})
		check("login as "+p, doc)

		form := url.Values{"category": {"news"}, "vi_title": {p}, "vi_summary": {p}, "vi_body": {p + "\n\n" + p}, "op": {"save"}}
		resp, doc := editor.postMultipart("/noi-dung/moi?kind=article", form)
		check("new article "+p, doc)
		form.Set("vi_slug", p)
		_, doc = editor.postMultipart("/noi-dung/moi?kind=article", form)
		check("new article with the payload as its slug "+p, doc)
		if resp.StatusCode == http.StatusSeeOther {
			saved++
			_, doc := editor.get(location(t, resp))
			check("saved article "+p, doc)
		}
	}
	t.Logf("%d of %d articles saved", saved, len(htmlcheck.Payloads()))
	if saved == 0 {
		t.Fatal("no article with a payload was saved: the pages showing stored text were not checked")
	}
	for _, path := range []string{"/", "/noi-dung"} {
		_, doc := editor.get(path)
		check("list "+path, doc)
	}
}
