package vnenc

import (
	"unicode"
	"unicode/utf8"
)

// piece is a run of text between whitespace, or a run of whitespace.
type piece struct {
	text   string
	space  bool
	status status // wordStatus(text), judged once; neutral for whitespace
}

// word is a piece of text that is no whitespace, judged.
func word(text string) piece {
	return piece{text: text, status: wordStatus(text)}
}

// splitWords cuts s into words and the whitespace between them. U+0085 and
// U+00A0 are whitespace in Unicode but letters in VISCII and TCVN3 (0x85,
// 0xA0), so they stay inside words.
func splitWords(s string) []piece {
	// The pieces are counted first, so that the slice is made once (a
	// text of thousands of words grew it a dozen times, copying it each
	// time: the largest allocation of bulk ingest's legacy check).
	n, inSpace := 0, false
	for i, r := range s {
		sp := isSeparator(r)
		if i == 0 || sp != inSpace {
			n++
		}
		inSpace = sp
	}
	if n == 0 {
		return nil
	}
	out := make([]piece, 0, n)
	start := 0
	inSpace = false
	for i, r := range s {
		sp := isSeparator(r)
		if i > 0 && sp != inSpace {
			out = append(out, newPiece(s[start:i], inSpace))
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, newPiece(s[start:], inSpace))
	}
	return out
}

func newPiece(text string, space bool) piece {
	if space {
		return piece{text: text, space: true}
	}
	return word(text)
}

func isSeparator(r rune) bool {
	return unicode.IsSpace(r) && r != 0x85 && r != 0xA0
}

// status is how Vietnamese a word looks.
type status uint8

const (
	neutral status = iota // nothing to judge: ASCII, numbers, punctuation
	good                  // letters beyond ASCII, all in well-formed syllables
	bad                   // a malformed syllable or a stray symbol inside letters
	foreign               // letters of another script, such as Cyrillic
)

// wordStatus judges one word. Punctuation at its ends is ignored; inside it,
// ASCII punctuation and digits separate syllables ("Bà Rịa-Vũng Tàu",
// "15/2024/NĐ-CP"), while any other symbol touching a letter is what
// Windows-1252 makes of a legacy letter ("C¸c", "b»ng") and marks the word
// bad.
func wordStatus(w string) status {
	c := countSyllables(w)
	switch {
	case c.stray > 0:
		return bad
	case c.foreign:
		return foreign
	case c.malformed > 0:
		return bad
	case c.syllables+c.abbrevs > 0:
		return good
	}
	return neutral
}

// syllableScore is the number of well-formed syllables with letters beyond
// ASCII in s, less the malformed ones; abbreviations (NĐ) count for nothing.
func syllableScore(s string) int {
	score := 0
	for _, p := range splitWords(s) {
		if !p.space {
			c := countSyllables(p.text)
			score += c.syllables - c.malformed - c.stray
		}
	}
	return score
}

// counts is what countSyllables found in a word.
type counts struct {
	syllables int  // well-formed syllables with letters beyond ASCII
	abbrevs   int  // consonant-only abbreviations (NĐ)
	malformed int  // runs of letters beyond ASCII that are no syllable
	stray     int  // controls, symbols touching letters, mixed scripts
	foreign   bool // letters of a script other than Latin
	letters   bool // any letter at all
}

// judgeSyllables judges the runs of letters in w.
func judgeSyllables(w string) counts {
	var c counts
	latin := false
	rs := []rune(trimEdges(w))
	isLetter := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.Is(unicode.Mn, rs[i]))
	}
	seg := -1 // start of the current run of letters
	flush := func(end int) {
		if seg < 0 {
			return
		}
		word := string(rs[seg:end])
		seg = -1
		if !beyondASCII(word) {
			return
		}
		switch {
		case validSyllable(word):
			c.syllables++
		case consonantsOnly(word):
			c.abbrevs++
		default:
			c.malformed++
		}
	}
	for i, r := range rs {
		switch {
		case isLetter(i):
			c.letters = true
			if r >= 0x370 && !unicode.Is(unicode.Latin, r) && !unicode.Is(unicode.Mn, r) {
				c.foreign = true
			} else if unicode.IsLetter(r) {
				latin = true
			}
			if seg < 0 {
				seg = i
			}
			continue
		case unicode.IsControl(r):
			c.stray++
		case r >= 0x80 && isLetter(i-1) && isLetter(i+1) && !joiner(r):
			c.stray++
		case r >= 0x80 && (isLetter(i-1) || isLetter(i+1)) && !innerPunct(r):
			c.stray++
		}
		flush(i)
	}
	flush(len(rs))
	if latin && c.foreign {
		c.stray++ // "ГC": one word in two scripts
	}
	return c
}

func beyondASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// trimEdges drops the punctuation a word may open or close with.
func trimEdges(w string) string {
	rs := []rune(w)
	i, j := 0, len(rs)
	for i < j && edgePunct(rs[i]) {
		i++
	}
	for j > i && edgePunct(rs[j-1]) {
		j--
	}
	return string(rs[i:j])
}

func edgePunct(r rune) bool {
	if r < 0x80 {
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	}
	return innerPunct(r) || r == '«' || r == '»' || r == '¿' || r == '¡'
}

// innerPunct is the punctuation and the symbols found beside a letter in real
// text: dashes, quotes, apostrophes, ellipsis, "35°C", "m²", "5€".
func innerPunct(r rune) bool {
	switch r {
	case '°', '²', '³', '€', '£', '₫', '‰', '№', '™', '…':
		return true
	}
	return r >= 0x2010 && r <= 0x201F
}

// joiner is the punctuation found between two letters in real text:
// hyphens, the en dash and the apostrophe.
func joiner(r rune) bool {
	return r == '\u2010' || r == '\u2011' || r == '–' || r == '’'
}
