// Package search holds what the hub's index and the portal's search share:
// how text becomes searchable tokens (case, diacritics and Vietnamese tone
// placement folded), how a visitor's query is parsed into a PostgreSQL text
// search query, the acronym and synonym list, and snippets. The hub store
// indexes with it (services/internal/hubstore), the hub reader queries with
// it (services/hubread), so text and queries are folded by the same code.
package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxTokenBytes bounds one token: longer runs of letters are no words
// anyone searches for (and PostgreSQL refuses lexemes over 2 KiB).
const maxTokenBytes = 60

// Token is one word of a text: its folded form (lower case, without
// diacritics, đ as d: what matching compares), its exact form (lower case,
// diacritics kept, tone marks placed one way: what the exact-diacritics
// boost compares) and where it is in the text (byte offsets, for snippets).
type Token struct {
	Folded, Exact string
	Start, End    int
}

// Tokens splits text into words: maximal runs of letters and digits. Text
// is NFC-normalised first, so decomposed (NFD) input gives the same tokens;
// offsets refer to the normalised text, which Tokens also returns.
func Tokens(text string) ([]Token, string) {
	text = norm.NFC.String(strings.ToValidUTF8(text, " "))
	// The words are counted first, so that the slice is made once: grown
	// by appending, and with a map of the text's words beside it, it was
	// the largest allocation of bulk ingest (issue 11 point 4). Words
	// repeated in a text are folded once all the same: wordForms keeps
	// them (formCache).
	n, in := 0, false
	for _, r := range text {
		w := isWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	if n == 0 {
		return nil, text
	}
	out := make([]Token, 0, n)
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = appendToken(out, text, start, i)
			start = -1
		}
	}
	if start >= 0 {
		out = appendToken(out, text, start, len(text))
	}
	return out, text
}

// appendToken appends the word text[start:end] with its forms.
func appendToken(out []Token, text string, start, end int) []Token {
	w := text[start:end]
	if len(w) > maxTokenBytes {
		return out
	}
	t := wordForms(w)
	t.Start, t.End = start, end
	return append(out, t)
}

// formCacheSize bounds the words whose forms wordForms keeps: a language's
// words, Vietnamese's few thousand syllables among them, fit many times
// over; a flood of made-up words empties it, never grows it past the bound.
const formCacheSize = 1 << 17

// formCache holds words' forms across texts: folding (NFC, tone placement,
// NFD and back) was most of the cost of indexing a publish, and a
// portal's texts repeat the same words (issue 8 point 6).
var formCache struct {
	sync.RWMutex
	m map[string]Token
}

// wordForms returns the folded and exact forms of the word w.
func wordForms(w string) Token {
	ascii := isASCII(w)
	if ascii && !hasUpperASCII(w) {
		// No diacritics, no tone to place, no capital to lower: w is
		// its forms, and nothing is allocated.
		return Token{Exact: w, Folded: w}
	}
	formCache.RLock()
	t, ok := formCache.m[w]
	formCache.RUnlock()
	if ok {
		return t
	}
	if ascii {
		lw := strings.ToLower(w) // kept, not lowered again at each use
		t = Token{Exact: lw, Folded: lw}
	} else {
		t.Exact = NormalizeTone(strings.ToLower(w))
		t.Folded = fold(t.Exact)
	}
	formCache.Lock()
	if len(formCache.m) >= formCacheSize || formCache.m == nil {
		formCache.m = make(map[string]Token, 1024)
	}
	// A copy: w is a slice of a text the cache must not keep.
	formCache.m[strings.Clone(w)] = t
	formCache.Unlock()
	return t
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// isWordRune reports whether r belongs to a word: letters, digits and the
// combining marks of decomposed text.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // no combining mark is ASCII
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Fold returns text as matching compares it: NFC, lower case, Latin letters
// without diacritics (Vietnamese đ as d), Cyrillic ё as е (other Cyrillic
// letters, й among them, keep their marks: the Russian stemmer needs them),
// every run of other characters one space.
func Fold(text string) string {
	toks, _ := Tokens(text)
	return JoinFolded(toks)
}

// JoinFolded joins the tokens' folded forms with spaces.
func JoinFolded(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Folded)
	}
	return b.String()
}

// JoinExact joins the tokens' exact forms with spaces.
func JoinExact(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Exact)
	}
	return b.String()
}

// fold removes the diacritics of one lower-case NFC word.
func fold(w string) string {
	if isASCII(w) {
		return w
	}
	var b strings.Builder
	var base rune
	for _, r := range norm.NFD.String(w) {
		switch {
		case r == 'đ':
			r = 'd'
		case unicode.Is(unicode.Mn, r):
			// Marks on Latin letters go; ё's diaeresis goes; other marks
			// (й's breve) stay.
			if base < 0x250 || (base == 'е' && r == '\u0308') {
				continue
			}
		}
		if !unicode.Is(unicode.Mn, r) {
			base = r
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// HasDiacritics reports whether a folded and an exact form differ, that is
// whether a word was written with diacritics.
func (t Token) HasDiacritics() bool { return t.Folded != t.Exact }
