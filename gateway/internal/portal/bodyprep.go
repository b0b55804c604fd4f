package portal

import (
	"html/template"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// An item's body is the hub's sanitised HTML (invariant 5). Before the
// page shows it, the gateway parses it once and changes two things on the
// parsed nodes: every table goes into a focusable scrolling region
// (tables.go), and a standing page's headings get ids for its table of
// contents (toc.go).

// prepareBody returns the body with its tables wrapped in regions named
// tableLabel and, when toc, its headings' ids and its table of contents.
// A body with neither a table nor a table of contents is returned as it
// came.
func prepareBody(body template.HTML, tableLabel string, toc bool) (template.HTML, []tocEntry) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(string(body)), ctx)
	if err != nil {
		return body, nil
	}
	// The fragment's top-level nodes have no parent: a top-level table is
	// wrapped through a temporary one.
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	changed := wrapTables(root, tableLabel)
	var entries []tocEntry
	if toc {
		entries = headingsTOC(root)
	}
	if !changed && entries == nil {
		return body, nil
	}
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return body, nil
		}
	}
	return template.HTML(b.String()), entries // #nosec: rendered from the sanitised body's own nodes
}
