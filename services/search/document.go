package search

import (
	"strings"

	"golang.org/x/net/html"
)

// Limits of what one translation of an item contributes to the index.
const (
	// MaxBodyText bounds an item's body as plain text.
	MaxBodyText = 256 << 10
	// MaxAttachmentText bounds the text of all of an item's attachments.
	MaxAttachmentText = 512 << 10
	// StoredBodyText is how many characters of the body's plain text the
	// index stores (Prepared.Body): all that snippets are cut from (hubread
	// reads left(body, 20000)). The whole body, up to MaxBodyText, is in
	// the vectors; storing more of it was compressed and written to TOAST
	// with every publish and never read.
	StoredBodyText = 20000
	// exactBodyWords is how many words of the body the exact-diacritics
	// vector holds beside the title and summary: few enough that the
	// vector stays in the row (ranking reads it for every candidate; with
	// 200 words it was stored out of line, 2.2 kB, and reading it for
	// 1,000 candidates was most of a broad query's ranking, make bench).
	exactBodyWords = 40
)

// Document is one translation of an item as the index sees it.
type Document struct {
	Title, Summary string
	// Codes are identifiers ranked as the title is: a legal document's
	// number, a public service's code.
	Codes []string
	// Details are the kind's other fields (issuer, signer, agency, address,
	// officials' names...), ranked above the body.
	Details  []string
	BodyHTML string
	// Attachments are the texts extracted from the item's files.
	Attachments []string
}

// Prepared is a Document folded for PostgreSQL: each text as its folded
// words one space apart, for to_tsvector with the locale's configuration,
// and the plain texts that snippets are cut from.
type Prepared struct {
	// Folded texts by weight: A title and codes, B summary, C details, D
	// body and attachments.
	A, B, C, D string
	// ExactA, ExactB and ExactD are the title and codes, the summary and
	// the body's first words in their exact form (diacritics kept, tone
	// marks placed one way), weighted as A, B and D are.
	ExactA, ExactB, ExactD string
	// Title, Summary and Body are plain text; Body is the body without
	// markup (attachments left out), its first StoredBodyText characters,
	// for snippets.
	Title, Summary, Body string
}

// Prepare folds a document for the index.
func Prepare(d Document) Prepared {
	body := TextOfHTML(d.BodyHTML)
	if len(body) > MaxBodyText {
		body = cut(body, MaxBodyText)
	}
	var att strings.Builder
	for _, a := range d.Attachments {
		if att.Len()+len(a) > MaxAttachmentText {
			att.WriteString(cut(a, MaxAttachmentText-att.Len()))
			break
		}
		att.WriteString(a)
		att.WriteByte('\n')
	}
	title, _ := Tokens(d.Title)
	codes, _ := Tokens(strings.Join(d.Codes, " \n "))
	summary, _ := Tokens(d.Summary)
	details, _ := Tokens(strings.Join(d.Details, " \n "))
	bodyToks, _ := Tokens(body)
	attToks, _ := Tokens(att.String())

	p := Prepared{Title: strings.TrimSpace(d.Title), Summary: strings.TrimSpace(d.Summary), Body: firstChars(body, StoredBodyText)}
	p.A = joinNonEmpty(JoinFolded(title), JoinFolded(codes))
	p.B = JoinFolded(summary)
	p.C = JoinFolded(details)
	p.D = joinNonEmpty(JoinFolded(bodyToks), JoinFolded(attToks))
	p.ExactA = joinNonEmpty(JoinExact(title), JoinExact(codes))
	p.ExactB = JoinExact(summary)
	p.ExactD = JoinExact(bodyToks[:min(len(bodyToks), exactBodyWords)])
	return p
}

func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// firstChars is s's first n characters.
func firstChars(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for at := range s {
		if i == n {
			return s[:at]
		}
		i++
	}
	return s
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// blockTags end a line of text: words on either side are separate words.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "tr": true, "td": true, "th": true, "table": true, "blockquote": true,
	"section": true, "article": true, "figcaption": true, "dt": true, "dd": true, "pre": true, "hr": true,
}

// TextOfHTML is the text of an HTML fragment: its text nodes with
// entities decoded, block elements as line breaks, scripts and styles left
// out.
func TextOfHTML(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			default:
				if blockTags[string(name)] {
					b.WriteByte('\n')
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			default:
				if blockTags[string(name)] {
					b.WriteByte('\n')
				}
			}
		}
	}
}
