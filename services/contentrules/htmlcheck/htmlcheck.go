// Package htmlcheck finds, in HTML as a browser's parser reads it, what
// could run script or load active content: script, style and frame
// elements, event-handler and style attributes, javascript:, vbscript: and
// HTML data: URLs. The tests of the sanitiser, the Markdown renderer and
// the pages that show what tenants and visitors typed (the XSS corpus)
// use it to assert that nothing of a payload became live markup.
package htmlcheck

import (
	_ "embed"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Finding is one piece of active content: where it is and what it holds.
type Finding struct {
	// What names it: "<script> element", "onerror attribute",
	// "javascript: URL in href".
	What string
	// Value is the element's text or the attribute's value.
	Value string
}

func (f Finding) String() string { return f.What + ": " + f.Value }

// activeElements run script, style the page or embed other documents.
var activeElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "base": true, "link": true, "meta": true, "svg": true, "math": true,
	"form": true, "portal": true,
}

// Fragment parses s as the content of a <div>, as a body is placed in a
// page, and returns its active content.
func Fragment(s string) []Finding {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return []Finding{{What: "unparsable HTML", Value: err.Error()}}
	}
	var out []Finding
	for _, n := range nodes {
		out = append(out, Active(n)...)
	}
	return out
}

// Document parses a whole page and returns its active content.
func Document(s string) []Finding {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return []Finding{{What: "unparsable HTML", Value: err.Error()}}
	}
	return Active(doc)
}

// Active returns the active content of n and everything under it.
func Active(n *html.Node) []Finding {
	var out []Finding
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := strings.ToLower(n.Data)
			// A <meta> is active only as an http-equiv (a refresh to a
			// javascript: URL, a CSP of its own); the page's description
			// and social cards are text in an attribute.
			if activeElements[name] && (name != "meta" || attr(n, "http-equiv") != "") {
				out = append(out, Finding{What: "<" + name + "> element", Value: text(n) + attrs(n)})
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc", key == "formaction":
					out = append(out, Finding{What: key + " attribute", Value: a.Val})
				case urlAttr(key):
					if scheme := activeScheme(a.Val); scheme != "" {
						out = append(out, Finding{What: scheme + " URL in " + key, Value: a.Val})
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func urlAttr(key string) bool {
	switch key {
	case "href", "src", "action", "formaction", "data", "poster", "background", "cite", "longdesc", "xlink:href", "srcset", "ping", "manifest":
		return true
	}
	return false
}

// activeScheme is the scheme of a URL that runs or renders script, as a
// browser reads it (controls and spaces dropped, any case), or "".
func activeScheme(v string) string {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v))
	for _, s := range []string{"javascript:", "vbscript:", "data:text/html", "data:image/svg", "data:application/xhtml", "data:text/xml"} {
		if strings.HasPrefix(v, s) {
			return strings.TrimSuffix(s, ":")
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func attrs(n *html.Node) string {
	var b strings.Builder
	for _, a := range n.Attr {
		b.WriteString(" " + a.Key + "=" + a.Val)
	}
	return b.String()
}

// Inline returns what in the page s a Content-Security-Policy without
// 'unsafe-inline' would block: <script> elements with code in them (or
// without a src), <style> elements, style and event-handler attributes and
// javascript: URLs. Pages must load their scripts and styles from files.
func Inline(s string) []Finding {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return []Finding{{What: "unparsable HTML", Value: err.Error()}}
	}
	var out []Finding
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch name := strings.ToLower(n.Data); {
			case name == "script" && (strings.TrimSpace(text(n)) != "" || attr(n, "src") == ""):
				out = append(out, Finding{What: "inline <script>", Value: text(n)})
			case name == "style":
				out = append(out, Finding{What: "<style> element", Value: text(n)})
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"), key == "style":
					out = append(out, Finding{What: key + " attribute", Value: a.Val})
				case urlAttr(key) && activeScheme(a.Val) == "javascript":
					out = append(out, Finding{What: "javascript: URL in " + key, Value: a.Val})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// Marker is in every payload of Payloads.
const Marker = "phxss"

//go:embed xss.txt
var payloads string

// Payloads returns the XSS corpus (xss.txt): markup and text that tries to
// run script wherever it is shown, each carrying Marker.
func Payloads() []string {
	var out []string
	for _, line := range strings.Split(payloads, "\n") {
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// Live returns what of the payloads (findings holding Marker) became live
// markup in the page s: active content (Document) or what a CSP without
// 'unsafe-inline' blocks (Inline), and any element a payload introduced
// (a Marker in an element's or attribute's name).
func Live(s string) []Finding {
	var out []Finding
	for _, f := range append(Document(s), Inline(s)...) {
		if strings.Contains(f.Value, Marker) || strings.Contains(f.What, Marker) {
			out = append(out, f)
		}
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return out
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if strings.Contains(n.Data, Marker) {
				out = append(out, Finding{What: "element " + n.Data})
			}
			for _, a := range n.Attr {
				if strings.Contains(a.Key, Marker) {
					out = append(out, Finding{What: "attribute " + a.Key, Value: a.Val})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
