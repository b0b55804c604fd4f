package portal

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A table of a body wider than a 360 px screen scrolls sideways. A
// scrolling element a keyboard cannot reach fails WCAG 2.1.1 (axe's
// scrollable-region-focusable), so each table of a body goes into a
// region the keyboard can focus and scroll, named for screen readers,
// like the gateway's own wide tables (.table-scroll in site.css).

// wrapTables puts every table below n, nested ones too, into its own
// region labelled label, and reports whether it met a table.
func wrapTables(n *html.Node, label string) bool {
	found := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Table {
			region := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div, Attr: []html.Attribute{
				{Key: "class", Val: "table-scroll"}, {Key: "role", Val: "region"},
				{Key: "tabindex", Val: "0"}, {Key: "aria-label", Val: label}}}
			n.InsertBefore(region, c)
			n.RemoveChild(c)
			region.AppendChild(c)
			wrapTables(c, label)
			c = region
			found = true
			continue
		}
		if wrapTables(c, label) {
			found = true
		}
	}
	return found
}
