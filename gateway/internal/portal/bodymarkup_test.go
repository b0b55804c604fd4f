package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// TestBodyMarkupStaysInTheArticle is the gateway's regression test of issue
// 6 B13: a stored body with unclosed or stray tags (as the hub stored them
// before it balanced bodies) stays inside its container: the details table,
// the approver credits and the footer are where they belong and hold none
// of it, and no heading or link of the body leaves the article.
func TestBodyMarkupStaysInTheArticle(t *testing.T) {
	e := newEnv(t)
	e.tenant(t, "sotttt", "department", "Sở Thông tin và Truyền thông", "", "")
	const evil = `a[href="https://evil.example/"]`
	for i, body := range []string{
		`<p>Xem <a href="https://evil.example/">tại đây`,
		`<p>Văn bản</p></div></div></article></main><h2><a href="https://evil.example/">Tin giả</a></h2>`,
		`<table><tr><td>ô chưa đóng`,
		`<b>đậm mãi`,
		`<div><section>mở`,
		`</body></html><p>sau trang</p>`,
		`<li>mục lẻ<dd>nghĩa lẻ`,
		`<!-- chú thích không đóng`,
		`<select><option>chọn`,
		`<textarea>hết trang`,
		`<form><form><input name="q"></form>`,
		`<plaintext>cả phần còn lại`,
	} {
		t.Run(body, func(t *testing.T) {
			id := fmt.Sprintf("qd-%d", i)
			legal := article(id, 1, t0, tr("vi", id, "Quyết định "+id, "", body))
			legal.Kind, legal.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
			legal.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "15/2025/QĐ-UBND",
				DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuedOn: "2025-06-30"}}
			e.put(t, "sotttt", legal)

			res, doc := e.get(t, "/vi/sotttt/"+id)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			article := doc.Find("main > article.item")
			if article.Length() != 1 {
				t.Fatalf("%d articles in main, want 1", article.Length())
			}
			var children []string
			article.Children().Each(func(_ int, s *goquery.Selection) {
				class, _ := s.Attr("class")
				children = append(children, goquery.NodeName(s)+"."+class)
			})
			if got, want := strings.Join(children, " "), "header.item-header table.details div.item-content section.credits"; got != want {
				t.Errorf("the article holds %s, want %s", got, want)
			}
			if n := doc.Find("table.details tr").Length(); n < 3 || doc.Find("table.details").Find(".body, td td").Length() != 0 {
				t.Errorf("the details table has %d rows, or holds the body", n)
			}
			credits := doc.Find("section.credits")
			if credits.Find("a, b, table, li, p, select, textarea").Length() != 0 || credits.ParentsFiltered("a, b, .body").Length() != 0 {
				t.Error("the credits hold or are held by the body's elements")
			}
			if got := strings.Join(strings.Fields(credits.Find("dd").Last().Text()), " "); got != "Trần Văn Duyệt" {
				t.Errorf("the approver reads %q", got)
			}
			footer := doc.Find("body > footer.site-footer")
			if footer.Length() != 1 || footer.Find(".body, "+evil).Length() != 0 {
				t.Error("the footer is not the body's last child, or holds the body")
			}
			if all, in := doc.Find(evil).Length(), doc.Find(".item-content .body").Find(evil).Length(); all != in {
				t.Errorf("%d of the body's links are outside its container", all-in)
			}
			if n := doc.Find("h1").Length(); n != 1 {
				t.Errorf("%d h1 elements, want the page's one", n)
			}
		})
	}
}
