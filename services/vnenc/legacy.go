package vnenc

import (
	"strings"
	"unicode"
)

// A legacy encoding is found by reading each word that Windows-1252 or
// Latin-1 could have produced in each encoding, and weighing how many
// malformed words each reading makes well-formed Vietnamese.

type legacy struct {
	name, title string
	decode      func([]byte) (string, bool) // nil for TCVN3, which needs the whole text
}

// legacies are tried in this order; the first wins a tie.
var legacies = []legacy{
	{TCVN3, "TCVN3 (ABC)", nil},
	{VNI, "VNI-Windows", decodeVNI},
	{VISCII, "VISCII", decodeVISCII},
	{CP1258, "Windows-1258", decodeCP1258},
}

// Acceptance thresholds: the share of judged words that must be well-formed
// Vietnamese after a conversion, and by how much that share must beat the
// input's. A best candidate above doubtShare that misses acceptShare marks
// the text broken instead: it is legacy text we cannot convert with
// confidence.
const (
	acceptShare = 0.9
	acceptGain  = 0.3
	doubtShare  = 0.7
)

// legacyReading is what reading a text's unsettled words in each legacy
// encoding found.
type legacyReading struct {
	best *evaluation // nil when no encoding fixes a word
	// rival reads the text as well as best but into another text ("Lư" and
	// "Lễ" for a lone VISCII "L\u00ad"): nothing tells which is right.
	rival    *evaluation
	accepted bool // best converts the text with confidence
	doubtful bool // best looks right, but not enough to convert
}

// readLegacy reads the words of in that keep does not mark as settled (keep
// may be nil) in each legacy encoding.
func readLegacy(in []piece, keep []bool) legacyReading {
	inGood, inBad := tally(in, keep)
	if inBad == 0 {
		return legacyReading{}
	}
	var es []*evaluation
	for _, l := range legacies {
		if e := evaluate(in, l, keep); e.fixed > 0 && e.fixed >= e.filled {
			es = append(es, &e)
		}
	}
	if len(es) == 0 {
		return legacyReading{}
	}
	r := legacyReading{best: es[0]}
	for _, e := range es[1:] {
		if e.better(r.best) {
			r.best = e
		}
	}
	for _, e := range es {
		if e != r.best && !r.best.better(e) && join(e.pieces) != join(r.best.pieces) {
			r.rival = e
			break
		}
	}
	best := r.best
	// In mixed text the shares weigh only the unsettled words, so a
	// conversion fixing one word must also gain over the whole text: one
	// foreign word in a Unicode text ("où", which VNI reads as "ó") is not
	// legacy text.
	gains := (best.share-share(inGood, inBad) >= acceptGain || best.clean()) &&
		(keep == nil || best.fixed >= 2 || best.shareAll-share(tally(in, nil)) >= acceptGain)
	r.accepted = gains && best.share >= acceptShare
	r.doubtful = !r.accepted && gains && best.share >= doubtShare && best.fixed >= 2
	return r
}

// evaluation is one legacy encoding applied to every word it can decode.
type evaluation struct {
	legacy  legacy
	pieces  []piece
	changes []Change
	fixed   int     // malformed or badly typed words that became well-formed Vietnamese
	filled  int     // words without letters that became letters
	bad     int     // words judged bad after the conversion
	untidy  int     // changed words that are not well typed (wellTyped)
	altered int     // well-typed words changed into other well-formed words
	share   float64 // share of judged unsettled words that are good after it
	// shareAll is share over all judged words, settled ones included.
	shareAll float64
}

// better reports whether e reads the text better than o: it fixes more
// words, leaves fewer bad, makes fewer badly typed, and changes fewer words
// that were right as they came. VISCII and Windows-1258 keep the Latin-1
// letters where they are (á, â, è, ô), TCVN3 and VNI do not: a VISCII "Lễ
// tân" read as TCVN3 fixes "Lễ" as well ("Lư") but turns "tân" into "tõn".
func (e *evaluation) better(o *evaluation) bool {
	switch {
	case e.fixed != o.fixed:
		return e.fixed > o.fixed
	case e.bad != o.bad:
		return e.bad < o.bad
	case e.untidy != o.untidy:
		return e.untidy < o.untidy
	}
	return e.altered < o.altered
}

// clean reports whether e fixes at least two words, leaves every judged word
// well-formed and every changed word well typed, and changes far fewer words
// that were right than it fixes: evidence enough whatever share of the text
// was right already, as in VISCII or Windows-1258 text that is mostly
// Latin-1 letters (where "cõn" is a word, but cơn in Windows-1258).
func (e *evaluation) clean() bool {
	return e.fixed >= 2 && e.bad == 0 && e.untidy == 0 && 2*e.altered < e.fixed
}

// evaluate decodes every word of in that l can decode, except the words keep
// marks as settled (keep may be nil). A conversion must fix at least as many
// malformed words as it turns letterless words (a dash, a "±") into letters:
// VISCII and TCVN3 put vowels on the symbol codes, and a line of symbols is
// not Vietnamese.
func evaluate(in []piece, l legacy, keep []bool) evaluation {
	e := evaluation{legacy: l, pieces: make([]piece, len(in))}
	caps := capsLines(in)
	raw := make([][]byte, len(in))
	for i, p := range in {
		if !p.space && (keep == nil || !keep[i]) {
			raw[i], _ = mojibakeBytes(p.text)
		}
	}
	decode := l.decode
	if decode == nil {
		decode = tcvn3Decoder(raw)
	}
	var seen map[Change]bool
	for i, p := range in {
		e.pieces[i] = p
		if p.space || raw[i] == nil {
			continue
		}
		after, ok := decode(raw[i])
		if !ok || after == p.text {
			continue
		}
		if l.name == TCVN3 {
			after = capitalize(after, caps[i])
		}
		now := wordStatus(after)
		if keep != nil && p.status == good && !(now == good && wellTyped(after)) {
			continue // well-formed but not well typed: replaced only by a well-typed word
		}
		e.pieces[i].text, e.pieces[i].status = after, now
		e.changes, seen = addChange(e.changes, seen, Change{p.text, after})
		if after == windows1252String(raw[i]) {
			continue // no letter read otherwise: Latin-1's C1 controls as the Windows punctuation they stand for
		}
		if !wellTyped(after) {
			e.untidy++
		}
		switch before := p.status; {
		case before == bad && now == good:
			e.fixed++
		case before == good && now == good && !wellTyped(p.text) && wellTyped(after):
			e.fixed++ // "phôì" (phố in Windows-1258): well-formed, but its tone is on the wrong vowel
		case before == good && now == good:
			e.altered++
		case before == neutral && now != neutral && !countSyllables(p.text).letters:
			e.filled++
		}
	}
	g, b := tally(e.pieces, keep)
	e.bad, e.share = b, share(g, b)
	e.shareAll = share(tally(e.pieces, nil))
	return e
}

// settledWords marks, in text s cut into in, the words no conversion may
// touch, or returns nil when there are none. When s holds a Vietnamese letter
// that no Windows-1252 or Latin-1 misreading can produce (ắ, ị, ơ, ư, đ), it
// was typed in Unicode, at least in part, and each word that is already
// well-formed Vietnamese with a diacritic ("Tóm", "tắt", "và") is taken as
// typed, even when a legacy encoding would turn it into another word (TCVN3
// reads the ó of "Tóm" as ú). Only the words that are malformed as typed are
// left to convert, and the acceptance thresholds weigh those alone, so that
// a few legacy words pasted into a long Unicode text are still found.
func settledWords(s string, in []piece) []bool {
	if !unicodeVietnamese(s) {
		return nil
	}
	keep := make([]bool, len(in))
	for i, p := range in {
		keep[i] = !p.space && p.status == good && hasDiacritic(p.text) && wellTyped(p.text)
	}
	return keep
}

// unicodeVietnamese reports whether s holds a Vietnamese letter outside
// Windows-1252 and Latin-1: a precomposed letter in U+0100–U+01B0 (ă, đ, ĩ,
// ũ, ơ, ư) or U+1EA0–U+1EF9 (ạ … ỹ). Œ, Š, Ž, Ÿ and ƒ lie in the first
// range but Windows-1252 has them, so they are no evidence.
func unicodeVietnamese(s string) bool {
	for _, r := range s {
		if (r >= 0x100 && r <= 0x1B0 || r >= 0x1EA0 && r <= 0x1EF9) && unicode.IsLetter(r) {
			if _, ok := byteOf(r); !ok {
				return true
			}
		}
	}
	return false
}

// hasDiacritic reports whether w holds a letter beyond ASCII.
func hasDiacritic(w string) bool {
	for _, r := range w {
		if r >= 0x80 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// capsLines reports, for each word, whether its line is written in capitals:
// no lower-case ASCII letter and at least two capitals. TCVN3 text set in a
// capitals font (.VnTimeH) uses the lower-case codes for the capitals with
// tone marks.
func capsLines(in []piece) []bool {
	caps := make([]bool, len(in))
	start := 0
	flushLine := func(end int) {
		upper, lower := 0, 0
		for _, p := range in[start:end] {
			for _, r := range p.text {
				switch {
				case r >= 'a' && r <= 'z':
					lower++
				case r >= 'A' && r <= 'Z':
					upper++
				}
			}
		}
		for i := start; i < end; i++ {
			caps[i] = lower == 0 && upper >= 2
		}
		start = end
	}
	for i, p := range in {
		if p.space && strings.Contains(p.text, "\n") {
			flushLine(i + 1)
		}
	}
	flushLine(len(in))
	return caps
}

// capitalize upper-cases a decoded TCVN3 word on a capitals line, or a word
// with two capitals and no small ASCII letter ("VIÖT" is VIỆT, not VIệT).
func capitalize(w string, capsLine bool) string {
	if capsLine {
		return strings.ToUpper(w)
	}
	upper := 0
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
			return w
		case r >= 'A' && r <= 'Z':
			upper++
		}
	}
	if upper >= 2 {
		return strings.ToUpper(w)
	}
	return w
}
