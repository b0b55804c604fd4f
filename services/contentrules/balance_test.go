package contentrules

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// breakouts is markup that escapes its container when it is put in a page
// as it stands (issue 6 B13): unclosed and stray tags, table parts, comment
// and CDATA openers, raw-text elements, nested forms.
var breakouts = []string{
	`<p>Xem <a href="https://evil.example/">tại đây`,
	`<b>đậm mãi`,
	`<i><u>nghiêng và gạch`,
	`<div>khối mở`,
	`<div><div><section>`,
	`<p>hết</p></div></article></main><h2><a href="https://evil.example/">Tin giả</a></h2>`,
	`</div></div><footer>chân giả</footer>`,
	`</body></html><p>sau trang</p>`,
	`<table><tr><td>ô chưa đóng`,
	`<table><tr><td>a</td><tr><td>b`,
	`<tr><td>dòng ngoài bảng</td></tr>`,
	`<td>ô lẻ`,
	`<li>mục ngoài danh sách`,
	`<ul><li>a<li>b`,
	`<dl><dt>thuật ngữ<dd>nghĩa`,
	`<!-- chú thích không đóng <p>x</p>`,
	`<![CDATA[ <p>x ]]> <p>y`,
	`<select><option>a`,
	`<textarea>hết trang`,
	`<title>tiêu đề`,
	`<style>p{color:red}`,
	`<xmp>thô`,
	`<noscript><p>`,
	`<iframe>`,
	`<plaintext>cả phần còn lại`,
	`<form><form><input name="q"></form>`,
	`<a href="/1">một<a href="/2">hai</a>`,
	`<em><p>chéo</em> nhau</p>`,
	`<table><b>nuôi ngoài</b>`,
	`<div/>gạch chéo`,
	`</p></br>`,
	`<svg><p>ngoại lai`,
	`<math><mi>x`,
	`<template><p>mẫu`,
	`<pre>mã chưa đóng`,
	`<details><summary>tóm tắt`,
	`<h2>tiêu đề<h3>lồng`,
	`<object><param name="a">`,
	`<button>nút`,
	// Found by FuzzBalance: a tag the tokenizer cannot finish at the end of
	// the body was kept as it stood, and took the page's next tag in.
	`<A`,
	`chữ <b`,
	`<p>x</p><a href="https://evil.example/`,
	`<p>x</p><img src="/a.png" alt="`,
}

// page puts a body where the portal's item page does, between the page's
// own structure (see gateway/internal/portal/templates/item.html).
func page(body string) string {
	return `<!DOCTYPE html><html><head><title>t</title></head><body>` +
		`<main id="main"><article class="item"><div class="body">` + body + `</div>` +
		`<table class="details"><tbody><tr><th>Số hiệu</th><td>12/2026</td></tr></tbody></table>` +
		`<section class="credits"><h2>Người duyệt</h2><p>Trần Văn Duyệt</p></section></article></main>` +
		`<footer class="site-footer"><p>Cổng thông tin</p></footer></body></html>`
}

func describe(nodes []*html.Node) string {
	var parts []string
	for _, n := range nodes {
		s := n.Data
		for _, a := range n.Attr {
			if a.Key == "class" {
				s += "." + a.Val
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// skeleton is page's own structure outside the body's container, in
// document order.
const skeleton = "html head title body main article.item div.body table.details tbody tr th td section.credits h2 p footer.site-footer p"

// outline lists n and the elements under it in document order, but not the
// elements inside the body's container.
func outline(n *html.Node, out []string) []string {
	if n.Type == html.ElementNode {
		out = append(out, describe([]*html.Node{n}))
		if describe([]*html.Node{n}) == "div.body" {
			return out
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = outline(c, out)
	}
	return out
}

// pageIntact says what is wrong with page(body) as a browser parses it, or
// "": outside the body's container there must be the page's own elements,
// in their places, and nothing of the body (no link reopened around the
// credits, no table taken in, no heading moved out of the article).
func pageIntact(body string) string {
	doc, err := html.Parse(strings.NewReader(page(body)))
	if err != nil {
		return err.Error()
	}
	if got := strings.Join(outline(doc, nil), " "); got != skeleton {
		return "the page outside the body is " + got
	}
	return ""
}

func TestBalanceHTMLKeepsThePageIntact(t *testing.T) {
	broken := 0
	for _, in := range breakouts {
		if pageIntact(in) != "" {
			broken++
		}
		sanitized, _ := sanitizeHTML(in)
		for name, out := range map[string]string{"raw": BalanceHTML(in), "sanitised": sanitized} {
			if problem := pageIntact(out); problem != "" {
				t.Errorf("%q, %s: %s (balanced: %q)", in, name, problem, out)
			}
			if again := BalanceHTML(out); again != out {
				t.Errorf("%q, %s: balancing again changes %q into %q", in, name, out, again)
			}
		}
	}
	// The check can fail: most of the corpus breaks the page unbalanced.
	if broken < len(breakouts)/2 {
		t.Errorf("only %d of %d breakouts break the page as they stand: the check is too weak", broken, len(breakouts))
	}
}

func TestBalanceHTMLKeepsBalancedFragments(t *testing.T) {
	for _, in := range []string{
		`<h2>Tiêu đề</h2><p>Đoạn <a href="/vi/tin" title="tin">liên kết</a><br>dòng<br/>mới &amp; &lt;b&gt;</p>`,
		"<pre>\nmã\n</pre>",
		`<table><tr><td colspan="2">1</td></tr></table>`,
		`<ul><li>a</li><li>b</li></ul><img src="/a.png" alt="a"><hr>`,
		`<figure><img src="https://cdn.example/a.png" alt="a"/><figcaption>Ảnh</figcaption></figure>`,
		`<p><div>khối trong đoạn</div></p>`,
		`văn bản thuần`,
	} {
		if got := BalanceHTML(in); got != in {
			t.Errorf("BalanceHTML(%q) = %q, want it unchanged (its hash must not change)", in, got)
		}
	}
	for in, want := range map[string]string{
		`<p>a<b>b</p>`:             `<p>a<b>b</b></p>`,
		`<a href="/x">x`:           `<a href="/x">x</a>`,
		`</div><p>x</p>`:           `<p>x</p>`,
		`<p>a<!-- b -->c</p>`:      `<p>a<!-- b -->c</p>`,
		`<plaintext><p>x</p>`:      `&lt;p&gt;x&lt;/p&gt;`,
		`<table><tr><td>1</table>`: `<table><tbody><tr><td>1</td></tr></tbody></table>`,
	} {
		if got := BalanceHTML(in); got != want {
			t.Errorf("BalanceHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleBalanceHTML() {
	fmt.Println(BalanceHTML(`<p>Xem <a href="/vi/tin">tại đây</p></div></article>`))
	// Output: <p>Xem <a href="/vi/tin">tại đây</a></p>
}
