package contentrules

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlPolicy is the hub's sanitising policy for body_html, close to
// bluemonday's UGC policy: headings, paragraphs, inline text markup, lists,
// tables, blockquotes, figures, links (http, https, mailto, tel or relative;
// fully qualified ones get rel="nofollow noopener" and target="_blank") and
// images (https or relative src only). No script, style, iframe, object,
// embed or form elements, no event-handler attributes, no inline style, no
// javascript: or data: URLs. A bluemonday Policy is safe for concurrent use
// once built.
var htmlPolicy = newHTMLPolicy()

func newHTMLPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	// Not AllowStandardAttributes: its id would let a body clash with the
	// page's own ids (the skip link's #main) and clobber the DOM.
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?i:rtl|ltr|auto)$`)).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$`)).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()

	p.AllowElements(
		"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
		"section", "article", "aside", "header", "footer", "address",
		"b", "i", "u", "s", "strong", "em", "small", "mark", "sub", "sup",
		"abbr", "cite", "code", "pre", "kbd", "samp", "var", "dfn", "bdi", "wbr",
		"figure", "figcaption", "details", "summary",
	)
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time", "del", "ins")
	p.AllowElements("time")

	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")

	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowAttrs("href").OnElements("a")
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true) // bluemonday then adds rel="noopener"

	// Images: https or relative only (no mixed content, no data: URIs).
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^(?i:https://|/[^/]|\./|\.\./|[^:/?#]+(?:[/?#]|$))`)).OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	return p
}

// sanitizeHTML returns the sanitised HTML, balanced (BalanceHTML) so that
// it cannot close, wrap or swallow what a page puts around it, and a list of
// what the sanitiser removed, in order of first appearance in the input,
// e.g. ["<script> element", "onclick attribute", "javascript: URL in href
// attribute"]. A body that was balanced already is kept as the sanitiser
// wrote it, so its canonical hash is what it was before bodies were
// balanced.
func sanitizeHTML(in string) (string, []string) {
	if in == "" {
		return "", nil
	}
	out := BalanceHTML(htmlPolicy.Sanitize(in))
	if out == in {
		// Nothing removed (what the back office sends, already
		// sanitised): the two parses of removals would find the same.
		return out, nil
	}
	return out, removals(in, out)
}

// removals derives what was removed by comparing the elements, attributes
// and comments of the input with those of the sanitised output, both parsed
// as body fragments by the same HTML5 parser (so the parser's own repairs
// cancel out). It counts occurrences, so three <script> elements where the
// output has none are reported (once), while an element kept but unwrapped
// elsewhere is not.
func removals(in, out string) []string {
	inT := tally(in)
	outT := tally(out)
	var removed []string
	seen := map[string]bool{}
	for _, k := range inT.order {
		if inT.count[k] <= outT.count[k] || seen[k.label] {
			continue
		}
		if k.attr && !k.notable && outT.elements[k.tag] == 0 {
			// An ordinary attribute of an element that was dropped as a
			// whole: the element's own removal says it.
			continue
		}
		seen[k.label] = true
		removed = append(removed, k.label)
	}
	return removed
}

type tallyKey struct {
	tag, label    string
	attr, notable bool
}

type htmlTally struct {
	count    map[tallyKey]int
	elements map[string]int
	order    []tallyKey
}

func tally(s string) htmlTally {
	t := htmlTally{count: map[tallyKey]int{}, elements: map[string]int{}}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return t // the x/net/html parser does not fail on string input
	}
	add := func(k tallyKey) {
		if t.count[k] == 0 {
			t.order = append(t.order, k)
		}
		t.count[k]++
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.CommentNode:
			add(tallyKey{label: "HTML comment"})
		case html.ElementNode:
			tag := n.Data
			t.elements[tag]++
			add(tallyKey{tag: tag, label: "<" + tag + "> element"})
			for _, a := range n.Attr {
				add(attrKey(tag, a))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return t
}

func attrKey(tag string, a html.Attribute) tallyKey {
	name := a.Key
	if a.Namespace != "" {
		name = a.Namespace + ":" + a.Key
	}
	k := tallyKey{tag: tag, label: name + " attribute", attr: true}
	switch {
	case strings.HasPrefix(name, "on"):
		k.notable = true
	case name == "style":
		k.notable = true
	case isURLAttr(name):
		if scheme := urlScheme(a.Val); scheme != "" && !allowedScheme(tag, name, scheme) {
			k.label = scheme + ": URL in " + name + " attribute"
			k.notable = true
		}
	}
	return k
}

func isURLAttr(name string) bool {
	switch name {
	case "href", "src", "action", "formaction", "cite", "background", "poster", "xlink:href", "data", "srcset":
		return true
	}
	return false
}

func allowedScheme(tag, attr, scheme string) bool {
	if tag == "img" && attr == "src" {
		return scheme == "https"
	}
	switch scheme {
	case "http", "https", "mailto", "tel":
		return true
	}
	return false
}

// urlScheme returns the lower-case scheme of a URL the way browsers read
// it (ASCII whitespace and control characters ignored), or "" if relative.
func urlScheme(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r <= ' ' {
			continue
		}
		if r == ':' {
			s := strings.ToLower(b.String())
			if s == "" || !schemeRE.MatchString(s) {
				return ""
			}
			return s
		}
		if r == '/' || r == '?' || r == '#' {
			return ""
		}
		b.WriteRune(r)
	}
	return ""
}

var schemeRE = regexp.MustCompile(`^[a-z][a-z0-9+.-]*$`)

// SanitizeHTML returns in sanitised and balanced, as an item's body is
// when it is pushed: for other HTML the hub keeps and a page shows, such as
// the answer to a citizen's question.
func SanitizeHTML(in string) string {
	out, _ := sanitizeHTML(in)
	return out
}
