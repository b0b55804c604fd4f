package htmlcheck

import (
	"html"
	"strings"
	"testing"
)

func TestFragment(t *testing.T) {
	for in, want := range map[string]int{
		`<p>Khánh Hòa <a href="/vi/tin">tin</a> <img src="/a.png" alt="a"></p>`:   0,
		`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`:                            0,
		`<a href="https://x.example/javascript:1">x</a>`:                          0,
		`<script>alert(1)</script>`:                                               1,
		`<img src=x onerror=alert(1)>`:                                            1,
		`<a href=" JaVa&#x0A;ScRiPt:alert(1)">x</a>`:                              1,
		`<iframe srcdoc="<b>x</b>"></iframe>`:                                     2,
		`<p style="color:red">x</p><svg><a xlink:href="javascript:1">x</a></svg>`: 3,
		`<form><button formaction="javascript:1">x</button></form>`:               2,
	} {
		if got := Fragment(in); len(got) != want {
			t.Errorf("Fragment(%q) = %v, want %d findings", in, got, want)
		}
	}
}

func TestDocument(t *testing.T) {
	got := Document(`<!DOCTYPE html><html><head><title>x</title><link rel="stylesheet" href="/s.css"></head><body onload="x()"><p>y</p></body></html>`)
	if len(got) != 2 {
		t.Errorf("Document = %v, want the link and the onload attribute", got)
	}
}

func TestInline(t *testing.T) {
	page := `<!DOCTYPE html><html><head><link rel="stylesheet" href="/s.css"><script src="/a.js" defer></script></head>` +
		`<body><p>x</p><svg><path d="M0 0"/></svg></body></html>`
	if got := Inline(page); len(got) != 0 {
		t.Errorf("Inline(a page of files) = %v", got)
	}
	bad := `<html><head><style>p{}</style><script>x()</script></head><body><p style="color:red" onclick="x()">` +
		`<a href="javascript:x()">x</a><script></script></p></body></html>`
	if got := Inline(bad); len(got) != 6 {
		t.Errorf("Inline = %v, want 6 findings", got)
	}
}

// TestLive: the payloads as raw markup are live; escaped, none is.
func TestLive(t *testing.T) {
	ps := Payloads()
	if len(ps) < 40 {
		t.Fatalf("%d payloads", len(ps))
	}
	live := 0
	for _, p := range ps {
		if !strings.Contains(p, Marker) {
			t.Errorf("payload %q lacks the marker", p)
		}
		if len(Live("<!DOCTYPE html><html><body><p>"+p+"</p></body></html>")) > 0 {
			live++
		}
		if got := Live("<!DOCTYPE html><html><body><p>" + html.EscapeString(p) + `</p><input value="` + html.EscapeString(p) + `"></body></html>`); len(got) > 0 {
			t.Errorf("escaped %q is live: %v", p, got)
		}
	}
	if live < len(ps)*3/4 {
		t.Errorf("only %d of %d payloads are live as raw markup: the check is too weak", live, len(ps))
	}
}
