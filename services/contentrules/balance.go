package contentrules

import (
	"bytes"
	"errors"
	"html"
	"io"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// BalanceHTML returns an HTML fragment (a sanitised body) in balanced form:
// every element ends inside the fragment, so that, placed in a <div>,
// nothing of it closes the page's elements, reopens itself around them or
// swallows them (an unclosed <a> would wrap what follows, a stray </div>
// would end the page's container, an unclosed <table> would take in the
// page's own table).
//
// A fragment that is already balanced (only ordinary elements, each end
// tag closing the innermost open element, every element closed, no end tag
// for a void element, no comment) is returned unchanged, so the canonical
// hash of such a body does not change. Any other is parsed as the HTML5
// parser parses the content of a <div> (golang.org/x/net/html
// ParseFragment) and rendered again node by node, which closes every
// element and drops every stray end tag. The result is balanced itself:
// BalanceHTML(BalanceHTML(s)) == BalanceHTML(s).
//
// The hub balances a body after sanitising it and before hashing it; the
// gateway and the back office balance again where they mark a body as safe
// HTML in a page, for what was stored or rendered before.
func BalanceHTML(fragment string) string {
	if fragment == "" || balanced(fragment) {
		return fragment
	}
	context := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := nethtml.ParseFragment(strings.NewReader(fragment), context)
	if err != nil {
		return html.EscapeString(fragment) // not on string input; text is balanced
	}
	// The nodes under a <div> of their own, so that unplaintext can
	// replace any of them.
	body := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	unplaintext(body)
	var b strings.Builder
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		if err := nethtml.Render(&b, n); err != nil {
			return html.EscapeString(fragment)
		}
	}
	return b.String()
}

// unplaintext turns the <plaintext> elements under n into their text: a
// rendered <plaintext> has no end, and would take the rest of the page as
// text.
func unplaintext(n *nethtml.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == nethtml.ElementNode && c.DataAtom == atom.Plaintext {
			var text strings.Builder
			for t := c.FirstChild; t != nil; t = t.NextSibling {
				text.WriteString(t.Data)
			}
			n.InsertBefore(&nethtml.Node{Type: nethtml.TextNode, Data: text.String()}, c)
			n.RemoveChild(c)
		} else {
			unplaintext(c)
		}
		c = next
	}
}

// balanced reports whether fragment is balanced as it stands: its tokens
// are text and ordinary elements (ordinaryElements) properly nested, and
// nothing is left over. A "<" in text (only a tag the tokenizer could not
// finish, such as "<a" at the end, leaves one there: a sanitiser writes
// "&lt;") or a tail the tokenizer dropped (an unterminated tag, "<a
// href="x") is not: followed by the page's own markup, it would read as
// the start of a tag that takes that markup in.
func balanced(fragment string) bool {
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	var open []atom.Atom
	read := 0
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken { // its Raw is the unfinished tail, if any
			return errors.Is(z.Err(), io.EOF) && len(open) == 0 && read == len(fragment)
		}
		raw := z.Raw()
		read += len(raw)
		switch tt {
		case nethtml.TextToken:
			if bytes.IndexByte(raw, '<') >= 0 {
				return false
			}
		case nethtml.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch kind := ordinaryElements[a]; {
			case kind == void:
			case kind == container:
				open = append(open, a)
			default:
				return false
			}
		case nethtml.SelfClosingTagToken:
			// <br/> is <br>; <div/> is an open <div>.
			name, _ := z.TagName()
			if ordinaryElements[atom.Lookup(name)] != void {
				return false
			}
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if len(open) == 0 || open[len(open)-1] != a {
				return false
			}
			open = open[:len(open)-1]
		default: // comments, doctypes
			return false
		}
	}
}

type elementKind int

const (
	other     elementKind = iota
	void                  // has no end tag
	container             // has an end tag
)

// ordinaryElements are the elements whose start and end tags the HTML5
// parser takes as written when they are properly nested inside a <div>:
// those the hub's sanitiser and the back office's keep. Raw-text elements
// (script, style, textarea, title, ...), forms, selects, templates,
// <plaintext> and foreign content (svg, math) are not among them: a body
// holding them is always parsed and rendered again.
var ordinaryElements = func() map[atom.Atom]elementKind {
	m := map[atom.Atom]elementKind{}
	for _, a := range []atom.Atom{atom.Br, atom.Hr, atom.Img, atom.Wbr, atom.Col, atom.Area} {
		m[a] = void
	}
	for _, a := range []atom.Atom{
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.P, atom.Div, atom.Span,
		atom.Section, atom.Article, atom.Aside, atom.Header, atom.Footer, atom.Address, atom.Nav, atom.Hgroup,
		atom.B, atom.I, atom.U, atom.S, atom.Strike, atom.Strong, atom.Em, atom.Small, atom.Mark, atom.Sub, atom.Sup,
		atom.Abbr, atom.Acronym, atom.Cite, atom.Code, atom.Pre, atom.Kbd, atom.Samp, atom.Var, atom.Dfn, atom.Bdi, atom.Bdo, atom.Tt,
		atom.Figure, atom.Figcaption, atom.Details, atom.Summary, atom.Blockquote, atom.Q, atom.Del, atom.Ins, atom.Time,
		atom.Ruby, atom.Rp, atom.Rt, atom.Map,
		atom.Ul, atom.Ol, atom.Li, atom.Dl, atom.Dt, atom.Dd,
		atom.Table, atom.Caption, atom.Colgroup, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Th, atom.Td,
		atom.A,
	} {
		m[a] = container
	}
	return m
}()
