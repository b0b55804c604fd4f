package portal

import (
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

// headingsTOC gives the h2 and h3 elements below root ids and returns the
// table of contents (nil when there are fewer than minTOC headings, and
// then no id is added).
func headingsTOC(root *html.Node) []tocEntry {
	type heading struct {
		n    *html.Node
		text string
	}
	var headings []heading
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.H2 || n.DataAtom == atom.H3) {
			if text := strings.Join(strings.Fields(nodeText(n)), " "); text != "" {
				headings = append(headings, heading{n, text})
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if len(headings) < minTOC {
		return nil
	}
	var toc []tocEntry
	used := map[string]bool{}
	for _, h := range headings {
		id := headingID(h.text, used)
		h.n.Attr = append(withoutAttr(h.n.Attr, "id"), html.Attribute{Key: "id", Val: id})
		e := tocEntry{Text: h.text, Href: "#" + id}
		if last := len(toc) - 1; h.n.DataAtom == atom.H3 && last >= 0 {
			toc[last].Sub = append(toc[last].Sub, e)
		} else {
			toc = append(toc, e)
		}
	}
	return toc
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
