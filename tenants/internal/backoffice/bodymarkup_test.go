package backoffice

import (
	"net/http"
	"strings"
	"testing"
)

// TestBodyMarkupStaysInThePreview is the back office's regression test of
// issue 6 B13: an author's body with unclosed or stray tags, shown to the
// approver as it will look, stays inside its preview. Before, an unclosed
// link wrapped the approval section, so the "Phê duyệt" heading pointed at
// the author's page.
func TestBodyMarkupStaysInThePreview(t *testing.T) {
	for name, tc := range map[string]struct{ body, last string }{
		"unclosed link":  {"Xem <a href=\"https://evil.example/\">hướng dẫn chi tiết\n\nĐoạn sau.", "Đoạn sau."},
		"stray closers":  {"Nội dung.\n\n</div></section></fieldset></form></main><p>ngoài trang</p>", "ngoài trang"},
		"unclosed table": {"<table><tr><td>ô chưa đóng", "ô chưa đóng"},
		"unclosed bold":  {"Chữ <b>đậm mãi mãi", "đậm mãi mãi"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			form := article("Bài có mã HTML hỏng")
			form.Set("vi_body", tc.body)
			form.Set("op", "submit")
			resp, doc := f.login("tacgia").postMultipart("/noi-dung/moi?kind=article", form)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("submit: status %d, errors %q", resp.StatusCode, errorSummary(doc))
			}
			revPath := location(t, resp)

			resp, doc = f.login("duyet").get(revPath)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("approver's view: %d", resp.StatusCode)
			}
			preview := doc.Find(".preview")
			if preview.Length() != 1 {
				t.Fatalf("%d previews, want 1", preview.Length())
			}
			if !strings.Contains(preview.Text(), tc.last) {
				t.Errorf("the end of the body (%q) is not in the preview", tc.last)
			}
			approve := doc.Find(`section[aria-labelledby="approve-title"]`)
			if approve.Length() != 1 || approve.Find(`form[action$="/approve"]`).Length() != 1 {
				t.Fatalf("approval section: %d, with %d approve forms", approve.Length(), approve.Find(`form[action$="/approve"]`).Length())
			}
			if n := approve.ParentsFiltered("a, b, table, .preview").Length(); n != 0 {
				t.Errorf("the approval section is inside %d of the body's elements", n)
			}
			if n, tables := approve.Find("a, b").Length(), approve.Find("table").Length(); n != 0 || tables != 1 {
				t.Errorf("the approval section holds %d links or bold and %d tables, want none and its own", n, tables)
			}
			if preview.ParentsFiltered("fieldset").Length() != 2 || preview.Parent().Is("fieldset[lang=vi]") == false {
				t.Error("the preview left its fieldsets")
			}
			if n := doc.Find("main").Length(); n != 1 || doc.Find("main").Find(`section[aria-labelledby="approve-title"]`).Length() != 1 {
				t.Errorf("the approval section is not in the page's main (%d mains)", n)
			}
			evil := `a[href="https://evil.example/"]`
			if all, in := doc.Find(evil).Length(), preview.Find(evil).Length(); all != in {
				t.Errorf("%d of the author's links are outside the preview", all-in)
			}
		})
	}
}
