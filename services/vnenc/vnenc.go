// Package vnenc finds Vietnamese text typed in a legacy encoding (TCVN3/ABC,
// VNI-Windows, VISCII, Windows-1258) or in UTF-8 and then misread as
// Windows-1252 or Latin-1, converts it back to Unicode, and says when text
// still looks broken. It serves Article 7.6 of the regulation (TCVN
// 6909:2001: Vietnamese text is stored as Unicode, composed).
package vnenc

import (
	"fmt"
	"slices"
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

// maxPasses bounds the readings of one text. A text may hold words in two
// encodings (a VNI quotation in TCVN3 text): the words one reading leaves
// are read again, until a reading converts nothing.
const maxPasses = 3

// Check examines s, a value of a Vietnamese text field. Its Text is final:
// checked again, it is neither converted nor changed.
func Check(s string) Result {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	p := read(s)
	for n := 1; p.encoding != ""; n++ {
		next := read(p.text)
		if next.encoding == "" {
			p.doubt = p.doubt.and(next.doubt)
			break
		}
		if n == maxPasses {
			return Result{Text: s, Broken: true, Reason: unsettled.en, ReasonVI: unsettled.vi}
		}
		p = p.then(next, s)
	}
	r := Result{Text: p.text, Encoding: p.encoding, Converted: p.encoding != "", Changes: p.changes,
		Reason: p.reason.en, ReasonVI: p.reason.vi}
	if why := p.doubt.and(brokenReason(p.text)); why.en != "" {
		r.Broken = true
		r.Reason = strings.TrimSpace(r.Reason + " " + why.en)
		r.ReasonVI = strings.TrimSpace(r.ReasonVI + " " + why.vi)
	}
	return r
}

// reason is an explanation in English and in Vietnamese; empty for none.
type reason struct{ en, vi string }

func (r reason) and(o reason) reason {
	return reason{strings.TrimSpace(r.en + " " + o.en), strings.TrimSpace(r.vi + " " + o.vi)}
}

var unsettled = reason{
	"The text mixes words in several legacy encodings, and converting it does not settle. Convert it with a tool such as UniKey, or retype it in Unicode.",
	"Văn bản lẫn lộn chữ của nhiều bảng mã cũ và không thể chuyển đổi dứt điểm. Hãy chuyển mã bằng công cụ như UniKey hoặc gõ lại bằng Unicode.",
}

// reading is what one reading of a text converted, if anything.
type reading struct {
	text     string
	encoding string // "" when nothing was converted
	changes  []Change
	reason   reason // what was converted
	doubt    reason // why the text cannot be trusted, whatever it now looks like
}

// read converts the words of s that are misread UTF-8 or legacy text, in
// the one encoding that explains them best.
func read(s string) reading {
	in := splitWords(s)
	keep := settledWords(s, in)
	utf := convertUTF8(in, keep)
	leg := readLegacy(in, keep)
	switch {
	case len(utf.changes) > 0 && (!leg.accepted || len(utf.changes) >= leg.best.fixed):
		r := converted(utf.pieces, UTF8AsCP1252, utf.changes)
		if len(utf.lost) > 0 {
			r.doubt = reason{
				fmt.Sprintf("Some letters were lost when the text was read as Windows-1252, and several letters fit where they stood (“%s”). Paste the text again from the original document.", utf.lost[0]),
				fmt.Sprintf("Một số chữ đã bị mất khi văn bản bị đọc nhầm thành Windows-1252 và nhiều chữ khác nhau đều có thể đứng ở chỗ đó (“%s”). Hãy dán lại văn bản từ tài liệu gốc.", utf.lost[0]),
			}
		}
		return r
	case leg.accepted && leg.rival != nil:
		a, b := firstDifference(leg.best, leg.rival)
		return reading{text: s, doubt: reason{
			fmt.Sprintf("The text looks like legacy text, but it reads as Vietnamese both in %s (“%s”) and in %s (“%s”), and nothing tells which is right. Convert it with a tool such as UniKey if you know its encoding, or retype it in Unicode.",
				leg.best.legacy.title, a, leg.rival.legacy.title, b),
			fmt.Sprintf("Văn bản có vẻ được gõ bằng bảng mã cũ, nhưng đọc theo %s (“%s”) hay theo %s (“%s”) đều ra tiếng Việt, nên không thể biết chắc. Hãy chuyển mã bằng công cụ như UniKey nếu biết bảng mã gốc, hoặc gõ lại bằng Unicode.",
				leg.best.legacy.title, a, leg.rival.legacy.title, b),
		}}
	case leg.accepted:
		return converted(leg.best.pieces, leg.best.legacy.name, leg.best.changes)
	case leg.doubtful:
		title := leg.best.legacy.title
		return reading{text: s, doubt: reason{
			fmt.Sprintf("The text looks like the legacy %s encoding read as Windows-1252, but it could not be converted with confidence. Convert it with a tool such as UniKey, or retype it in Unicode.", title),
			fmt.Sprintf("Văn bản có vẻ được gõ bằng bảng mã cũ %s rồi bị đọc nhầm thành Windows-1252, nhưng không thể chuyển đổi một cách chắc chắn. Hãy chuyển mã bằng công cụ như UniKey hoặc gõ lại bằng Unicode.", title),
		}}
	}
	return reading{text: s}
}

// firstDifference returns the first word two readings make differently.
func firstDifference(a, b *evaluation) (string, string) {
	for i := range a.pieces {
		if a.pieces[i].text != b.pieces[i].text {
			return a.pieces[i].text, b.pieces[i].text
		}
	}
	return "", ""
}

// then is r followed by next, a reading of its text; s is the text r read
// first.
func (r reading) then(next reading, s string) reading {
	changes := slices.Clone(r.changes)
	for _, c := range next.changes {
		merged := false
		for i := range changes {
			if changes[i].After == c.Before { // a word read twice: as it came, as it ended
				changes[i].After, merged = c.After, true
			}
		}
		if !merged && !slices.Contains(changes, c) {
			changes = append(changes, c)
		}
	}
	at := make(map[string]int, len(changes)) // the changes in the order of s
	for _, c := range changes {
		at[c.Before] = strings.Index(s, c.Before)
	}
	slices.SortStableFunc(changes, func(a, b Change) int { return at[a.Before] - at[b.Before] })
	enc := r.encoding
	if len(next.changes) > len(r.changes) {
		enc = next.encoding // the encoding that explains most words
	}
	return reading{text: next.text, encoding: enc, changes: changes,
		reason: r.reason.and(next.reason), doubt: r.doubt.and(next.doubt)}
}

func converted(out []piece, enc string, changes []Change) reading {
	r := reading{text: norm.NFC.String(join(out)), encoding: enc, changes: changes}
	if enc == UTF8AsCP1252 {
		r.reason = reason{
			fmt.Sprintf("The text was UTF-8 read as Windows-1252; it was repaired (%d words changed).", len(changes)),
			fmt.Sprintf("Văn bản là UTF-8 bị đọc nhầm thành Windows-1252; đã được sửa lại (%d từ thay đổi).", len(changes)),
		}
		return r
	}
	title := enc
	for _, l := range legacies {
		if l.name == enc {
			title = l.title
		}
	}
	r.reason = reason{
		fmt.Sprintf("The text was typed in the legacy %s encoding and read as Windows-1252; it was converted to Unicode (%d words changed).", title, len(changes)),
		fmt.Sprintf("Văn bản được gõ bằng bảng mã cũ %s và bị đọc nhầm thành Windows-1252; đã được chuyển sang Unicode (%d từ thay đổi).", title, len(changes)),
	}
	return r
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
		switch p.status {
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

// brokenReason says why s still looks broken, or returns no reason.
func brokenReason(s string) reason {
	switch {
	case strings.ContainsRune(s, '\uFFFD') || strings.Contains(s, "ï¿½"):
		return reason{"The text contains the replacement character �: some letters were already lost in an earlier conversion. Paste it again from the original document.",
			"Văn bản có ký tự thay thế �: một số chữ đã bị mất trong một lần chuyển mã trước đó. Hãy dán lại từ tài liệu gốc."}
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }) >= 0:
		return reason{"The text contains invisible control characters, a sign of a broken conversion.",
			"Văn bản có ký tự điều khiển không nhìn thấy được, dấu hiệu của một lần chuyển mã bị lỗi."}
	case hasUTF8Remnant(s):
		return reason{"The text still contains UTF-8 read as Windows-1252 (such as “Ã©” or “Ä‘”).",
			"Văn bản vẫn còn chữ UTF-8 bị đọc nhầm thành Windows-1252 (như “Ã©” hay “Ä‘”)."}
	case strayHyphen(s):
		return reason{"The text contains a soft hyphen (an invisible character) at the edge of a word, where legacy encodings put a letter (ư in TCVN3, ễ in VISCII). Convert the text with a tool such as UniKey, or retype the word in Unicode.",
			"Văn bản có dấu gạch nối mềm (một ký tự không nhìn thấy được) ở đầu hoặc cuối một từ, chỗ mà các bảng mã cũ đặt một chữ cái (ư trong TCVN3, ễ trong VISCII). Hãy chuyển mã bằng công cụ như UniKey hoặc gõ lại từ đó bằng Unicode."}
	}
	return reason{}
}

// strayHyphen reports whether s holds a soft hyphen beside a letter on one
// side only. Typed text puts a soft hyphen inside a word, between two
// letters, to say where it may break ("co\u00adoperate"); on a word's edge
// ("L\u00ad" for VISCII "Lễ") it is a letter misread.
func strayHyphen(s string) bool {
	if !strings.ContainsRune(s, '\u00ad') {
		return false
	}
	rs := []rune(s)
	letter := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }
	for i, r := range rs {
		if r == '\u00ad' && letter(i-1) != letter(i+1) {
			return true
		}
	}
	return false
}
