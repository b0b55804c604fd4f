package search

import "strings"

// Segment is a piece of a snippet: text to show escaped, marked when it is
// a word the query looks for.
type Segment struct {
	Text string
	Mark bool
}

// snippetWindow is how many words a snippet shows.
const snippetWindow = 32

// maxSnippetSource bounds how much of a text Snippet reads.
const maxSnippetSource = 200 << 10

// Snippet picks the passage of text (plain text, any normalisation) that
// holds the most of terms (folded words, see Query.Terms), about
// snippetWindow words long, and marks those words. With no term in text it
// is the text's beginning, unmarked; "" gives nil. Matching is folded, as
// search is: "khanh hoa" marks "Khánh Hòa".
func Snippet(text string, terms map[string]bool) []Segment {
	if len(text) > maxSnippetSource {
		text = text[:maxSnippetSource]
	}
	toks, text := Tokens(text)
	if len(toks) == 0 {
		return nil
	}
	// The window of snippetWindow words with the most distinct terms, and
	// among those the most occurrences, earliest first.
	best, bestDistinct, bestHits := 0, -1, -1
	count := map[string]int{}
	distinct, hits := 0, 0
	for i, t := range toks {
		if terms[t.Folded] {
			if count[t.Folded] == 0 {
				distinct++
			}
			count[t.Folded]++
			hits++
		}
		if j := i - snippetWindow; j >= 0 && terms[toks[j].Folded] {
			count[toks[j].Folded]--
			if count[toks[j].Folded] == 0 {
				distinct--
			}
			hits--
		}
		start := max(0, i-snippetWindow+1)
		if distinct > bestDistinct || (distinct == bestDistinct && hits > bestHits) {
			best, bestDistinct, bestHits = start, distinct, hits
		}
	}
	if bestDistinct <= 0 {
		best = 0
	}
	end := min(len(toks), best+snippetWindow)
	from, to := toks[best].Start, toks[end-1].End
	if best == 0 {
		from = 0
	}
	var segs []Segment
	if best > 0 {
		segs = append(segs, Segment{Text: "… "})
	}
	at := from
	for _, t := range toks[best:end] {
		if !terms[t.Folded] {
			continue
		}
		if t.Start > at {
			segs = append(segs, Segment{Text: text[at:t.Start]})
		}
		segs = append(segs, Segment{Text: text[t.Start:t.End], Mark: true})
		at = t.End
	}
	if to > at {
		segs = append(segs, Segment{Text: text[at:to]})
	}
	if end < len(toks) {
		segs = append(segs, Segment{Text: " …"})
	}
	return segs
}

// MarkAll marks every word of a short text (a title) the query looks for.
func MarkAll(text string, terms map[string]bool) []Segment {
	toks, text := Tokens(text)
	var segs []Segment
	at := 0
	for _, t := range toks {
		if !terms[t.Folded] {
			continue
		}
		if t.Start > at {
			segs = append(segs, Segment{Text: text[at:t.Start]})
		}
		segs = append(segs, Segment{Text: text[t.Start:t.End], Mark: true})
		at = t.End
	}
	if at < len(text) {
		segs = append(segs, Segment{Text: text[at:]})
	}
	return segs
}

// PlainText is text with its segments joined, unmarked.
func PlainText(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}
