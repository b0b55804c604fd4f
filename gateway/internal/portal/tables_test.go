package portal_test

import (
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestBodyTablesScroll is the regression test of issue 7 point 6: a wide
// table of an item's body scrolls inside a region the keyboard can focus
// (axe's scrollable-region-focusable), every table of the body, nested
// ones too, in exactly one region, named in the page's language, and the
// body's other markup unchanged.
func TestBodyTablesScroll(t *testing.T) {
	e := newEnv(t)
	e.tenant(t, "sotttt", "department", "Sở Thông tin và Truyền thông", "", "")
	const body = `<p>Trước <b>bảng</b></p>` +
		`<table><caption>Dân số theo huyện</caption><tbody><tr><th>Huyện</th><td>Cam Lâm</td><td>Diên Khánh</td><td>Khánh Sơn</td><td>Khánh Vĩnh</td><td>Vạn Ninh</td><td>Trường Sa</td></tr>` +
		`<tr><td>Ghi chú</td><td><table><tbody><tr><td>bảng lồng</td></tr></tbody></table></td></tr></tbody></table>` +
		`<ul><li><table><tbody><tr><td>trong danh sách</td></tr></tbody></table></li></ul><p>Sau bảng</p>`
	e.put(t, "sotttt", article("so-lieu", 1, t0,
		tr("vi", "so-lieu", "Số liệu dân số", "", body), tr("en", "population", "Population", "", body)))

	for path, label := range map[string]string{"/vi/sotttt/so-lieu": "Bảng, cuộn ngang", "/en/sotttt/population": "Table, scrolls sideways"} {
		t.Run(path, func(t *testing.T) {
			res, doc := e.get(t, path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			tables := doc.Find(".item-content .body table")
			if tables.Length() != 3 {
				t.Fatalf("%d tables in the body, want 3", tables.Length())
			}
			if n := doc.Find(`.body .table-scroll[tabindex="0"][role="region"] > table`).Length(); n != 3 {
				t.Errorf("%d tables in a focusable region, want all 3", n)
			}
			if n := doc.Find(".body .table-scroll > table caption").First().Text(); n != "Dân số theo huyện" {
				t.Errorf("the wide table's region holds %q", n)
			}
			doc.Find(".body .table-scroll").Each(func(i int, s *goquery.Selection) {
				if got, _ := s.Attr("aria-label"); got != label {
					t.Errorf("region %d is labelled %q, want %q", i, got, label)
				}
				if s.Children().Length() != 1 || !s.Children().Is("table") || s.Parent().Is(".table-scroll") {
					t.Errorf("region %d holds other than its one table, or is wrapped twice", i)
				}
			})
			// Without its regions the body is the stored one.
			content := doc.Find(".item-content .body")
			content.Find(".table-scroll").Each(func(_ int, s *goquery.Selection) { s.ReplaceWithSelection(s.Children()) })
			if got, _ := content.Html(); got != body {
				t.Errorf("the body without its regions is\n%s\nwant\n%s", got, body)
			}
		})
	}
}
