package portal

import (
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/portalhub/portalhub/services/search"
)

// Standing pages (the introduction of the province, investment, tourism)
// are long texts a reader scans: their page opens with a table of contents
// built from the body's headings. The hub's sanitiser drops every id of a
// body (an id could clash with the page's own), so the ids are added here,
// on the sanitised body, from the headings' words: "muc-" and the words
// without diacritics ("muc-vi-tri-dia-ly"), unique on the page.

// standingCategories are the categories whose item pages have a table of
// contents.
var standingCategories = map[string]bool{"introduction": true, "investment": true, "tourism": true}

// tocEntry is a heading of the body: its text, the fragment that leads to
// it, and, for a second-level heading, the third-level ones below it.
type tocEntry struct {
	Text, Href string
	Sub        []tocEntry
}

// minTOC is the fewest headings worth a table of contents.
const minTOC = 2

// maxIDRunes bounds the words of a heading's id.
const maxIDRunes = 60

// headingsTOC gives the body's h2 and h3 elements ids and returns the body
// with them and its table of contents (nil when the body has fewer than
// minTOC headings, and then the body unchanged).
func headingsTOC(body template.HTML) (template.HTML, []tocEntry) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(string(body)), ctx)
	if err != nil {
		return body, nil
	}
	var toc []tocEntry
	count := 0 // headings met
	used := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.H2 || n.DataAtom == atom.H3) {
			text := strings.Join(strings.Fields(nodeText(n)), " ")
			if text != "" {
				id := headingID(text, used)
				n.Attr = append(withoutAttr(n.Attr, "id"), html.Attribute{Key: "id", Val: id})
				e := tocEntry{Text: text, Href: "#" + id}
				if last := len(toc) - 1; n.DataAtom == atom.H3 && last >= 0 {
					toc[last].Sub = append(toc[last].Sub, e)
				} else {
					toc = append(toc, e)
				}
				count++
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	if count < minTOC {
		return body, nil
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return body, nil
		}
	}
	return template.HTML(b.String()), toc // #nosec: rendered from the sanitised body's own nodes
}

// headingID is the id of a heading with the text: its folded words, made
// unique among used.
func headingID(text string, used map[string]bool) string {
	words := strings.ReplaceAll(search.Fold(text), " ", "-")
	for utf8.RuneCountInString(words) > maxIDRunes {
		_, size := utf8.DecodeLastRuneInString(words)
		words = words[:len(words)-size]
	}
	words = strings.Trim(words, "-")
	if words == "" {
		words = "phan"
	}
	id := "muc-" + words
	for i := 2; used[id]; i++ {
		id = "muc-" + words + "-" + strconv.Itoa(i)
	}
	used[id] = true
	return id
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(nodeText(c))
	}
	return b.String()
}

func withoutAttr(attrs []html.Attribute, key string) []html.Attribute {
	out := attrs[:0:0]
	for _, a := range attrs {
		if a.Key != key {
			out = append(out, a)
		}
	}
	return out
}
