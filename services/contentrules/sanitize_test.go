package contentrules

import (
	"slices"
	"strings"
	"testing"
)

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		wantRemoved []string
		wantAbsent  []string // substrings the output must not contain
		wantPresent []string // substrings the output must keep
	}{
		{"clean", `<h2>Tiêu đề</h2><p>Đoạn <a href="/vi/tin">liên kết</a></p>`, nil, nil, []string{`<h2>Tiêu đề</h2>`, `href="/vi/tin"`}},
		{"script", `<p>a</p><script>alert(1)</script>`, []string{"<script> element"}, []string{"script", "alert"}, []string{"<p>a</p>"}},
		{"onclick", `<p onclick="steal()">a</p>`, []string{"onclick attribute"}, []string{"onclick", "steal"}, []string{"<p>a</p>"}},
		{"javascript href", `<a href="javascript:alert(1)">x</a>`, []string{"<a> element", "javascript: URL in href attribute"}, []string{"javascript"}, []string{"x"}},
		{"obfuscated javascript href", `<p><a href=" JaVa&#x09;Script:alert(1)" title="t">x</a></p>`, []string{"javascript: URL in href attribute"}, []string{"alert"}, nil},
		{"iframe", `<iframe src="https://evil.example"></iframe><p>b</p>`, []string{"<iframe> element"}, []string{"iframe", "evil"}, []string{"<p>b</p>"}},
		{"style attribute", `<p style="color:red">a</p>`, []string{"style attribute"}, []string{"style", "color"}, nil},
		{"style element and form", `<style>p{}</style><form action="/x"><input name="q"></form>`, []string{"<style> element", "<form> element", "<input> element"}, []string{"style", "form", "input"}, nil},
		{"object and embed", `<object data="x.swf"></object><embed src="y.swf">`, []string{"<object> element", "<embed> element"}, []string{"object", "embed"}, nil},
		{"http image", `<img src="http://cdn.example/a.png" alt="a">`, []string{"http: URL in src attribute"}, []string{"http:"}, []string{`alt="a"`}},
		{"https image", `<figure><img src="https://cdn.example/a.png" alt="a"><figcaption>Ảnh</figcaption></figure>`, nil, nil, []string{`src="https://cdn.example/a.png"`, "<figcaption>Ảnh</figcaption>"}},
		{"external link", `<a href="https://chinhphu.vn">CP</a>`, nil, nil, []string{`rel="nofollow noopener"`}},
		{"table", `<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody></table>`, nil, nil, []string{`<th scope="col">`, `colspan="2"`}},
		{"several at once", `<div onmouseover="x()"><script>1</script><a href="javascript:void(0)" onclick="y()" style="a">k</a><iframe></iframe></div>`,
			[]string{"onmouseover attribute", "<script> element", "<a> element", "javascript: URL in href attribute", "onclick attribute", "style attribute", "<iframe> element"}, []string{"script", "onclick", "javascript", "iframe", "style"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, removed := sanitizeHTML(tt.in)
			if !slices.Equal(removed, tt.wantRemoved) {
				t.Errorf("removed: got %q, want %q (output %q)", removed, tt.wantRemoved, out)
			}
			for _, s := range tt.wantAbsent {
				if strings.Contains(strings.ToLower(out), s) {
					t.Errorf("output %q: got %q in it, want it removed", out, s)
				}
			}
			for _, s := range tt.wantPresent {
				if !strings.Contains(out, s) {
					t.Errorf("output %q: want it to contain %q", out, s)
				}
			}
		})
	}
}

func TestPrepareReportsSanitizerRemovals(t *testing.T) {
	it := article()
	it.Translations[1].BodyHtml = `<p onclick="x()">a</p><script>b()</script>`
	p := mustPrepare(t, it)
	if len(p.Sanitized) != 1 {
		t.Fatalf("Sanitized: got %v, want one entry", p.Sanitized)
	}
	if got, want := p.Sanitized[0].GetField(), "item.translations[en].body_html"; got != want {
		t.Errorf("field: got %q, want %q", got, want)
	}
	if got, want := p.Sanitized[0].GetRemoved(), []string{"onclick attribute", "<script> element"}; !slices.Equal(got, want) {
		t.Errorf("removed: got %q, want %q", got, want)
	}
	if got, want := p.Item.Translations[1].BodyHtml, "<p>a</p>"; got != want {
		t.Errorf("body: got %q, want %q", got, want)
	}
}
