package search

import (
	"strconv"
	"strings"
)

// Vectors are built in Go from the lexemes PostgreSQL makes of each word,
// not by PostgreSQL parsing every text: its parser took most of a
// publish's indexing (issue 8 point 6), and a text's words are few and
// repeat across texts, so each word is asked of PostgreSQL once
// (hubstore's lexicon) and the text's vector is assembled here as a
// tsvector literal, equal to to_tsvector(configuration, text).

// Lexeme is one lexeme that PostgreSQL's to_tsvector makes of a word on
// its own, at its position among the word's (1-based).
type Lexeme struct {
	Word string
	Pos  int
}

// PostgreSQL's limits of a vector made by to_tsvector (tsearch's
// MAXENTRYPOS and MAXNUMPOS): positions above the last are the last, and a
// lexeme keeps its first positions only.
const (
	lastVectorPos     = 1<<14 - 1
	maxLexemePosCount = 256 - 1
)

// VectorEntry is one lexeme of a vector with its positions, in order.
type VectorEntry struct {
	Word string
	Pos  []int
}

// VectorEntries returns the lexemes of to_tsvector(c, text), in the order
// of their first position, for a text of words one space apart
// (Prepared's folded and exact texts), given lexemes(word):
// to_tsvector(c, word) as lexemes, for every word of the text. The text's
// words follow each other as the words of a text do in PostgreSQL's
// parser: a word's lexemes stand after the previous word's last position;
// a lexeme keeps its positions in order, without repeats, at most
// maxLexemePosCount of them, and none after lastVectorPos (to_tsvector's
// uniqueWORD).
func VectorEntries(text string, lexemes func(word string) []Lexeme) []VectorEntry {
	var entries []VectorEntry
	byWord := map[string]int{}
	at := 0
	for word := range strings.SplitSeq(text, " ") {
		if word == "" {
			continue
		}
		span := 0
		for _, l := range lexemes(word) {
			pos := min(at+l.Pos, lastVectorPos)
			i, ok := byWord[l.Word]
			if !ok {
				i = len(entries)
				byWord[l.Word] = i
				entries = append(entries, VectorEntry{Word: l.Word})
			}
			e := &entries[i]
			if n := len(e.Pos); n == 0 || (n < maxLexemePosCount && e.Pos[n-1] != lastVectorPos && e.Pos[n-1] != pos) {
				e.Pos = append(e.Pos, pos)
			}
			span = max(span, l.Pos)
		}
		at += span
	}
	return entries
}

// VectorLiteral returns the tsvector literal equal to to_tsvector(c,
// text): VectorEntries written as PostgreSQL reads a tsvector.
func VectorLiteral(text string, lexemes func(word string) []Lexeme) string {
	var b strings.Builder
	for i, e := range VectorEntries(text, lexemes) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		for _, r := range e.Word {
			switch r {
			case '\'':
				b.WriteString("''")
			case '\\':
				b.WriteString(`\\`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('\'')
		for j, p := range e.Pos {
			if j == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p))
		}
	}
	return b.String()
}

// Words returns the distinct words of texts of words one space apart.
func Words(texts ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		for w := range strings.SplitSeq(t, " ") {
			if w != "" && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}
