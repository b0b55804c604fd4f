// Package sitemap writes sitemaps (sitemaps.org protocol 0.9): a sitemap
// index and the sitemaps it lists, each URL with its language versions
// (xhtml:link rel="alternate" hreflang, as search engines read them).
package sitemap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"
)

// MaxURLs and MaxBytes are the protocol's limits of one sitemap (and of
// one index): 50,000 URLs and 50 MiB uncompressed.
const (
	MaxURLs  = 50_000
	MaxBytes = 50 << 20
)

// URL is a page in a sitemap.
type URL struct {
	Loc string
	// LastMod is when the page last changed; zero leaves it out.
	LastMod time.Time
	// Alternates are the page's versions in every language it has
	// (itself included) and x-default.
	Alternates []Alternate
}

// Alternate is a language version of a page.
type Alternate struct {
	HrefLang, Href string
}

// Sitemap is an entry of a sitemap index.
type Sitemap struct {
	Loc     string
	LastMod time.Time
}

const (
	ns      = "http://www.sitemaps.org/schemas/sitemap/0.9"
	xhtmlNS = "http://www.w3.org/1999/xhtml"
)

type urlset struct {
	XMLName xml.Name `xml:"urlset"`
	NS      string   `xml:"xmlns,attr"`
	XHTML   string   `xml:"xmlns:xhtml,attr"`
	URLs    []urlXML `xml:"url"`
}

type urlXML struct {
	Loc        string    `xml:"loc"`
	LastMod    string    `xml:"lastmod,omitempty"`
	Alternates []linkXML `xml:"xhtml:link"`
}

type linkXML struct {
	Rel      string `xml:"rel,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

type index struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapXML `xml:"sitemap"`
}

type sitemapXML struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// URLSet writes a sitemap of urls: at most MaxURLs, and an error when it
// would exceed MaxBytes.
func URLSet(urls []URL) ([]byte, error) {
	if len(urls) > MaxURLs {
		return nil, fmt.Errorf("sitemap of %d URLs: at most %d", len(urls), MaxURLs)
	}
	doc := urlset{NS: ns, XHTML: xhtmlNS, URLs: make([]urlXML, 0, len(urls))}
	for _, u := range urls {
		x := urlXML{Loc: u.Loc, LastMod: date(u.LastMod)}
		for _, a := range u.Alternates {
			x.Alternates = append(x.Alternates, linkXML{Rel: "alternate", HrefLang: a.HrefLang, Href: a.Href})
		}
		doc.URLs = append(doc.URLs, x)
	}
	return marshal(doc)
}

// Index writes a sitemap index of maps.
func Index(maps []Sitemap) ([]byte, error) {
	if len(maps) > MaxURLs {
		return nil, fmt.Errorf("sitemap index of %d sitemaps: at most %d", len(maps), MaxURLs)
	}
	doc := index{NS: ns, Sitemaps: make([]sitemapXML, 0, len(maps))}
	for _, m := range maps {
		doc.Sitemaps = append(doc.Sitemaps, sitemapXML{Loc: m.Loc, LastMod: date(m.LastMod)})
	}
	return marshal(doc)
}

// Files is how many sitemaps n URLs need, at most perFile each (at least
// one: an empty site has an empty sitemap).
func Files(n, perFile int) int {
	if n <= 0 {
		return 1
	}
	return (n + perFile - 1) / perFile
}

func marshal(doc any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	if b.Len() > MaxBytes {
		return nil, fmt.Errorf("sitemap of %d bytes: at most %d", b.Len(), MaxBytes)
	}
	return b.Bytes(), nil
}
