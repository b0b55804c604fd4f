// Package vnenc finds Vietnamese text typed in a legacy encoding (TCVN3/ABC,
// VNI-Windows, VISCII, Windows-1258) or in UTF-8 and then misread as
// Windows-1252 or Latin-1, converts it back to Unicode, and says when text
// still looks broken. It serves Article 7.6 of the regulation (TCVN
// 6909:2001: Vietnamese text is stored as Unicode, composed).
package vnenc

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Result is what Check found in a text.
type Result struct {
	// Text is what to store: the converted text when a legacy encoding was
	// found, else the input; NFC either way.
	Text string
	// Encoding names what was found: "" (Unicode), "TCVN3", "VNI", "VISCII",
	// "CP1258" or "UTF8-AS-CP1252".
	Encoding string
	// Converted reports that Text differs from the input by more than NFC.
	Converted bool
	// Broken reports that Text still looks broken; the caller refuses it.
	Broken bool
	// Reason explains a conversion or a refusal in English, ReasonVI in
	// Vietnamese; both are empty when the text was fine as it came.
	Reason   string
	ReasonVI string
	// Changes lists the words that changed, each once, in order.
	Changes []Change
}

// Change is one word as it came and as it was stored.
type Change struct {
	Before, After string
}

// Encoding names reported in Result.Encoding.
const (
	TCVN3        = "TCVN3"
	VNI          = "VNI"
	VISCII       = "VISCII"
	CP1258       = "CP1258"
	UTF8AsCP1252 = "UTF8-AS-CP1252"
)

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

// Check examines s, a value of a Vietnamese text field.
func Check(s string) Result {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	in := splitWords(s)
	keep := settledWords(s, in)
	inGood, inBad := tally(in, keep)
	res := Result{Text: s}

	utfOut, utfChanges := convertUTF8(in)
	var best *evaluation
	inShare := share(inGood, inBad)
	inShareAll := share(tally(in, nil))
	if inBad > 0 {
		for _, l := range legacies {
			e := evaluate(in, l, keep)
			if e.fixed > 0 && e.fixed >= e.filled && (best == nil || e.better(best)) {
				best = &e
			}
		}
	}
	// In mixed text the shares weigh only the unsettled words, so a
	// conversion fixing one word must also gain over the whole text: one
	// foreign word in a Unicode text ("où", which VNI reads as "ó") is not
	// legacy text.
	gains := best != nil && best.share-inShare >= acceptGain &&
		(keep == nil || best.fixed >= 2 || best.shareAll-inShareAll >= acceptGain)
	accepted := gains && best.share >= acceptShare
	switch {
	case len(utfChanges) > 0 && (!accepted || len(utfChanges) > best.fixed):
		res = converted(utfOut, UTF8AsCP1252, utfChanges)
	case accepted:
		res = converted(best.pieces, best.legacy.name, best.changes)
	case gains && best.share >= doubtShare && best.fixed >= 2:
		res.Broken = true
		res.Reason = fmt.Sprintf("The text looks like the legacy %s encoding read as Windows-1252, but it could not be converted with confidence. Convert it with a tool such as UniKey, or retype it in Unicode.", best.legacy.title)
		res.ReasonVI = fmt.Sprintf("Văn bản có vẻ được gõ bằng bảng mã cũ %s rồi bị đọc nhầm thành Windows-1252, nhưng không thể chuyển đổi một cách chắc chắn. Hãy chuyển mã bằng công cụ như UniKey hoặc gõ lại bằng Unicode.", best.legacy.title)
		return res
	}
	if en, vi := brokenReason(res.Text); en != "" {
		res.Broken = true
		res.Reason = strings.TrimSpace(res.Reason + " " + en)
		res.ReasonVI = strings.TrimSpace(res.ReasonVI + " " + vi)
	}
	return res
}

func converted(out []piece, enc string, changes []Change) Result {
	r := Result{Text: norm.NFC.String(join(out)), Encoding: enc, Converted: true, Changes: changes}
	if enc == UTF8AsCP1252 {
		r.Reason = fmt.Sprintf("The text was UTF-8 read as Windows-1252; it was repaired (%d words changed).", len(changes))
		r.ReasonVI = fmt.Sprintf("Văn bản là UTF-8 bị đọc nhầm thành Windows-1252; đã được sửa lại (%d từ thay đổi).", len(changes))
		return r
	}
	title := enc
	for _, l := range legacies {
		if l.name == enc {
			title = l.title
		}
	}
	r.Reason = fmt.Sprintf("The text was typed in the legacy %s encoding and read as Windows-1252; it was converted to Unicode (%d words changed).", title, len(changes))
	r.ReasonVI = fmt.Sprintf("Văn bản được gõ bằng bảng mã cũ %s và bị đọc nhầm thành Windows-1252; đã được chuyển sang Unicode (%d từ thay đổi).", title, len(changes))
	return r
}

// evaluation is one legacy encoding applied to every word it can decode.
type evaluation struct {
	legacy  legacy
	pieces  []piece
	changes []Change
	fixed   int     // malformed words that became well-formed Vietnamese
	filled  int     // words without letters that became letters
	bad     int     // words judged bad after the conversion
	untidy  int     // changed words that are not well typed (wellTyped)
	share   float64 // share of judged unsettled words that are good after it
	// shareAll is share over all judged words, settled ones included.
	shareAll float64
}

func (e *evaluation) better(o *evaluation) bool {
	if e.fixed != o.fixed {
		return e.fixed > o.fixed
	}
	if e.bad != o.bad {
		return e.bad < o.bad
	}
	return e.untidy < o.untidy
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
		if keep != nil && wordStatus(p.text) == good && !(wordStatus(after) == good && wellTyped(after)) {
			continue // well-formed but not well typed: replaced only by a well-typed word
		}
		e.pieces[i].text = after
		if !wellTyped(after) {
			e.untidy++
		}
		switch before, now := wordStatus(p.text), wordStatus(after); {
		case before == bad && now == good:
			e.fixed++
		case before == neutral && now != neutral && !countSyllables(p.text).letters:
			e.filled++
		}
		e.changes, seen = addChange(e.changes, seen, Change{p.text, after})
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
		keep[i] = !p.space && wordStatus(p.text) == good && hasDiacritic(p.text) && wellTyped(p.text)
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

// convertUTF8 repairs the words that are UTF-8 read as Windows-1252, twice
// over for text that went through the mistake twice. A repair must leave a
// clean word: no stray symbol beside a letter, no word in two scripts.
func convertUTF8(in []piece) ([]piece, []Change) {
	out := append([]piece(nil), in...)
	var changes []Change
	var seen map[Change]bool
	for i, p := range in {
		if p.space || wordStatus(p.text) == good {
			continue
		}
		w := p.text
		for range 2 {
			b, ok := mojibakeBytes(w)
			if !ok {
				break
			}
			d, ok := decodeUTF8(b)
			if !ok {
				break
			}
			w = d
		}
		if w != p.text && countSyllables(w).stray == 0 {
			out[i].text = w
			changes, seen = addChange(changes, seen, Change{p.text, w})
		}
	}
	return out, changes
}

func addChange(cs []Change, seen map[Change]bool, c Change) ([]Change, map[Change]bool) {
	if seen == nil {
		seen = map[Change]bool{}
	}
	if !seen[c] {
		seen[c] = true
		cs = append(cs, c)
	}
	return cs, seen
}

// tally counts the good and the bad words, leaving out those keep marks as
// settled (keep may be nil).
func tally(ps []piece, keep []bool) (goodN, badN int) {
	for i, p := range ps {
		if p.space || (keep != nil && keep[i]) {
			continue
		}
		switch wordStatus(p.text) {
		case good:
			goodN++
		case bad:
			badN++
		}
	}
	return goodN, badN
}

func share(goodN, badN int) float64 {
	if goodN+badN == 0 {
		return 1
	}
	return float64(goodN) / float64(goodN+badN)
}

func join(ps []piece) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.text)
	}
	return b.String()
}

// brokenReason says why s still looks broken, or returns empty strings.
func brokenReason(s string) (en, vi string) {
	switch {
	case strings.ContainsRune(s, '\uFFFD') || strings.Contains(s, "ï¿½"):
		return "The text contains the replacement character �: some letters were already lost in an earlier conversion. Paste it again from the original document.",
			"Văn bản có ký tự thay thế �: một số chữ đã bị mất trong một lần chuyển mã trước đó. Hãy dán lại từ tài liệu gốc."
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }) >= 0:
		return "The text contains invisible control characters, a sign of a broken conversion.",
			"Văn bản có ký tự điều khiển không nhìn thấy được, dấu hiệu của một lần chuyển mã bị lỗi."
	case hasUTF8Remnant(s):
		return "The text still contains UTF-8 read as Windows-1252 (such as “Ã©” or “Ä‘”).",
			"Văn bản vẫn còn chữ UTF-8 bị đọc nhầm thành Windows-1252 (như “Ã©” hay “Ä‘”)."
	}
	return "", ""
}

// hasUTF8Remnant reports whether s holds characters that Windows-1252 or
// Latin-1 produce from one multi-byte UTF-8 sequence, such as "Ã©" (é),
// "Ä‘" (đ) or "á»‡" (ệ). A no-break space does not count as the sequence's
// last byte: "XÃ" followed by one is correct Vietnamese.
func hasUTF8Remnant(s string) bool {
	rs := []rune(s)
	for i, r := range rs {
		lead, ok := byteOf(r)
		if !ok {
			continue
		}
		var n int
		switch {
		case lead >= 0xC2 && lead <= 0xDF:
			n = 1
		case lead >= 0xE0 && lead <= 0xEF:
			n = 2
		case lead >= 0xF0 && lead <= 0xF4:
			n = 3
		default:
			continue
		}
		if i+n >= len(rs) {
			continue
		}
		seq := []byte{lead}
		for _, c := range rs[i+1 : i+1+n] {
			b, ok := byteOf(c)
			if !ok || b < 0x80 || b > 0xBF || b == 0xA0 {
				break
			}
			seq = append(seq, b)
		}
		if len(seq) == n+1 {
			if _, ok := decodeUTF8(seq); ok {
				return true
			}
		}
	}
	return false
}
