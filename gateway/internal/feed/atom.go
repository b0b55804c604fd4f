package feed

import (
	"encoding/xml"
	"strconv"
	"time"
)

// AtomType is the media type of an Atom feed.
const AtomType = "application/atom+xml"

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Rights    string      `xml:"rights,omitempty"`
	Generator string      `xml:"generator,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href     string `xml:"href,attr"`
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
	Length   string `xml:"length,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     *atomPerson    `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// atomDate writes a time as Atom wants (RFC 3339).
func atomDate(t time.Time) string { return t.In(hcmc).Format(time.RFC3339) }

// Atom writes f as an Atom 1.0 document: links to itself (rel="self") and
// to its page (rel="alternate"), its language as xml:lang, and per entry
// its summary as text, its body as HTML and its attachments as enclosure
// links.
func Atom(f Feed) ([]byte, error) {
	doc := atomFeed{Lang: f.Lang, Title: f.Title, Subtitle: f.Subtitle, ID: f.ID, Updated: atomDate(f.Updated),
		Links:  []atomLink{{Href: f.Self, Rel: "self", Type: AtomType}, {Href: f.Link, Rel: "alternate", Type: "text/html"}},
		Author: atomPerson{Name: f.Author}, Rights: f.Rights, Generator: f.Generator}
	for _, e := range f.Entries {
		x := atomEntry{Lang: e.Lang, Title: e.Title, ID: e.ID, Published: atomDate(e.Published), Updated: atomDate(e.Updated),
			Links: []atomLink{{Href: e.Link, Rel: "alternate", Type: "text/html"}}}
		if e.Author != "" {
			x.Author = &atomPerson{Name: e.Author}
		}
		for _, c := range e.Categories {
			x.Categories = append(x.Categories, atomCategory{Term: c.Term, Label: c.Label})
		}
		if e.Summary != "" {
			x.Summary = &atomText{Type: "text", Text: e.Summary}
		}
		if e.Content != "" {
			x.Content = &atomText{Type: "html", Text: e.Content}
		}
		for _, a := range e.Enclosures {
			x.Links = append(x.Links, atomLink{Href: a.URL, Rel: "enclosure", Type: a.Type, Length: strconv.FormatInt(a.Length, 10)})
		}
		doc.Entries = append(doc.Entries, x)
	}
	return marshal(doc)
}
