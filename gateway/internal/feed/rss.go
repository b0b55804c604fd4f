package feed

import (
	"bytes"
	"encoding/xml"
	"html"
	"strconv"
	"time"
)

// RSSType is the media type of an RSS feed.
const RSSType = "application/rss+xml"

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Content string     `xml:"xmlns:content,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	Copyright     string    `xml:"copyright,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator,omitempty"`
	Self          rssSelf   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	Description string        `xml:"description,omitempty"`
	Content     *cdata        `xml:"content:encoded"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Language    string        `xml:"dc:language,omitempty"`
	Categories  []rssCategory `xml:"category"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Name   string `xml:",chardata"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// rssDate writes a time as RSS 2.0 wants (RFC 822, four-digit year).
func rssDate(t time.Time) string { return t.In(hcmc).Format(time.RFC1123Z) }

// RSS writes f as an RSS 2.0 document. Each item carries its summary as
// description (escaped: RSS descriptions are HTML), its body as content:encoded, its first attachment as
// enclosure (RSS allows one) and a guid that is not a link (the item's
// permanent id: its URL changes with its slug).
func RSS(f Feed) ([]byte, error) {
	doc := rssDoc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Content: "http://purl.org/rss/1.0/modules/content/",
		DC: "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{Title: f.Title, Link: f.Link, Description: f.Subtitle, Language: f.Lang, Copyright: f.Rights,
			LastBuildDate: rssDate(f.Updated), Generator: f.Generator,
			Self: rssSelf{Href: f.Self, Rel: "self", Type: RSSType}}}
	if doc.Channel.Description == "" {
		doc.Channel.Description = f.Title // required
	}
	for _, e := range f.Entries {
		// An RSS description is HTML: the summary, plain text, is escaped
		// so that readers show it as written.
		it := rssItem{Title: e.Title, Link: e.Link, Description: html.EscapeString(e.Summary), Creator: e.Author, Language: e.Lang,
			GUID: rssGUID{IsPermaLink: "false", ID: e.ID}, PubDate: rssDate(e.Published)}
		if e.Content != "" {
			it.Content = &cdata{e.Content}
		}
		for _, c := range e.Categories {
			it.Categories = append(it.Categories, rssCategory{Name: c.Label})
		}
		if len(e.Enclosures) > 0 {
			x := e.Enclosures[0]
			it.Enclosure = &rssEnclosure{URL: x.URL, Length: strconv.FormatInt(x.Length, 10), Type: x.Type}
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return marshal(doc)
}

// marshal writes an XML document with its declaration, indented.
func marshal(doc any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
