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

// VectorLiteral returns the tsvector literal equal to to_tsvector(c,
// text) for a text of words one space apart (Prepared's folded and exact
// texts), given lexemes(word): to_tsvector(c, word) as lexemes, for every
// word of the text. The text's words follow each other as the words of a
// text do in PostgreSQL's parser: a word's lexemes stand after the
// previous word's last position; a lexeme keeps its positions in order,
// without repeats, at most maxLexemePosCount of them, and none after
// lastVectorPos (to_tsvector's uniqueWORD).
func VectorLiteral(text string, lexemes func(word string) []Lexeme) string {
	type entry struct {
		word string
		pos  []int
	}
	var entries []*entry
	byWord := map[string]*entry{}
	at := 0
	for word := range strings.SplitSeq(text, " ") {
		if word == "" {
			continue
		}
		span := 0
		for _, l := range lexemes(word) {
			pos := min(at+l.Pos, lastVectorPos)
			e := byWord[l.Word]
			if e == nil {
				e = &entry{word: l.Word}
				byWord[l.Word] = e
				entries = append(entries, e)
			}
			if n := len(e.pos); n == 0 || (n < maxLexemePosCount && e.pos[n-1] != lastVectorPos && e.pos[n-1] != pos) {
				e.pos = append(e.pos, pos)
			}
			span = max(span, l.Pos)
		}
		at += span
	}
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		for _, r := range e.word {
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
		for j, p := range e.pos {
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
