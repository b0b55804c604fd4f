package vnenc

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// UTF-8 read as Windows-1252 or Latin-1 ("Viá»‡t" for "Việt") is repaired
// word by word: the word's characters go back to the bytes the misreading
// decoded, and the bytes are decoded as UTF-8.
//
// A letter's last byte often lands on what Windows-1252 calls punctuation or
// a symbol (‘ ’ “ ” … – — ¡ £ ³ « ° and the soft hyphen: "sá»‘" for "số",
// "xÃ£" for "xã"), so the mojibake can look like a shorter well-formed word
// once that punctuation is trimmed ("sá", "xÃ"). Such a word is repaired when
// its repair is a well-typed Vietnamese word.
//
// Windows-1252 leaves five bytes undefined (0x81 0x8D 0x8F 0x90 0x9D), and
// they end "Đ" (C4 90), "Á" (C3 81), "Í", "Ý", "ề" (E1 BB 81), "ọ", "ỏ", "Ố"
// and "ờ". Decoders give the C1 control of the same value (WHATWG, so every
// browser; Windows; MySQL), which byteOf turns back into the byte; or U+FFFD
// (golang.org/x/text, Python's "replace"); or nothing (iconv -c, Python's
// "ignore"). A lost byte is a gap in the word: it is restored when exactly
// one of the five bytes makes the word well-typed Vietnamese ("ngÆ°á»?i" can
// only be "người"), and the word is reported lost when several do ("vá»?" is
// "về", "vọ", "vỏ" or "vờ").

// undefined1252 are the bytes Windows-1252 leaves undefined.
var undefined1252 = [...]byte{0x81, 0x8D, 0x8F, 0x90, 0x9D}

// maxGaps bounds the lost bytes restored in one word (5³ readings).
const maxGaps = 3

// utf8Repair is what convertUTF8 made of a text.
type utf8Repair struct {
	pieces  []piece
	changes []Change
	// lost lists the words with a lost byte that several letters fit.
	lost []string
}

// convertUTF8 repairs the words of in that are UTF-8 read as Windows-1252
// or Latin-1, except the words keep marks as settled (keep may be nil).
// Twice-misread text is repaired twice over. A dropped byte leaves no mark
// in a word, so a word is read as missing one only in a text that other
// repaired words show to be misread UTF-8.
func convertUTF8(in []piece, keep []bool) utf8Repair {
	// repaired and lost are made for the first word that is either: most
	// texts have none, and a text's pieces are thousands.
	var repaired []string
	var lost []bool
	found := false
	for _, dropped := range []bool{false, true} {
		if dropped && !found {
			break
		}
		for i, p := range in {
			if p.space || (keep != nil && keep[i]) || (repaired != nil && repaired[i] != "") {
				continue
			}
			w, l := repairUTF8Word(p.text, dropped)
			if (w != "" || l) && repaired == nil {
				repaired, lost = make([]string, len(in)), make([]bool, len(in))
			}
			if repaired != nil {
				repaired[i], lost[i] = w, l
			}
			found = found || w != ""
		}
	}
	if repaired == nil {
		return utf8Repair{pieces: in} // read only when a word changed
	}
	r := utf8Repair{pieces: append([]piece(nil), in...)}
	var seen map[Change]bool
	for i, w := range repaired {
		switch {
		case w != "":
			r.pieces[i] = word(w)
			r.changes, seen = addChange(r.changes, seen, Change{in[i].text, w})
		case lost[i]:
			r.lost = append(r.lost, in[i].text)
		}
	}
	return r
}

// repairUTF8Word returns w repaired, or "" when it is no misread UTF-8 or
// cannot be repaired; lost reports a word whose lost bytes several letters
// fit. With dropped, a sequence missing its last byte has lost it.
func repairUTF8Word(w string, dropped bool) (repaired string, lost bool) {
	b, gaps, ok := utf8Gaps(w, dropped)
	if !ok {
		return "", false
	}
	if len(gaps) == 0 {
		d, ok := decodeUTF8(b)
		if !ok {
			return "", false
		}
		if b2, ok := mojibakeBytes(d); ok { // misread twice
			if d2, ok := decodeUTF8(b2); ok {
				d = d2
			}
		}
		vietnamese := wordStatus(d) == good && wellTyped(d)
		if countSyllables(d).stray > 0 || (wordStatus(w) == good && !vietnamese) {
			return "", false // a word that looked right stays unless its repair is Vietnamese
		}
		return d, false
	}
	if len(gaps) > maxGaps {
		return "", true
	}
	var readings []string
	fill := make([]int, len(gaps))
	for {
		for k, at := range gaps {
			b[at] = undefined1252[fill[k]]
		}
		if d, ok := decodeUTF8(b); ok && fits(d, b, gaps) {
			if !slices.Contains(readings, d) {
				readings = append(readings, d)
			}
		}
		k := 0
		for ; k < len(fill); k++ { // the next fill, like an odometer
			if fill[k]++; fill[k] < len(undefined1252) {
				break
			}
			fill[k] = 0
		}
		if k == len(fill) {
			break
		}
	}
	switch len(readings) {
	case 0:
		return "", false
	case 1:
		return readings[0], false
	}
	return "", true
}

// fits reports whether d, a reading of b with its gaps filled, is a word the
// lost bytes may have come from: one without a stray symbol that is well-typed
// Vietnamese if it has letters beyond ASCII, and in which no gap ends a
// space, an invisible character or the hyphen U+2010, which keyboards do not
// type ("xanhâ€?" is "xanh”", not "xanh‐").
func fits(d string, b []byte, gaps []int) bool {
	if c := countSyllables(d); c.stray > 0 || c.foreign || wordStatus(d) == bad || (beyondASCII(trimEdges(d)) && !wellTyped(d)) {
		return false
	}
	for _, at := range gaps {
		start := at
		for start > 0 && !utf8.RuneStart(b[start]) {
			start--
		}
		r, _ := utf8.DecodeRune(b[start:])
		if r == '\u2010' || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zs) {
			return false
		}
	}
	return true
}

// utf8Gaps turns w back into the bytes a misreading decoded, with a gap (a
// zero byte, listed in gaps) for each byte lost: each U+FFFD inside a UTF-8
// sequence, and with dropped the last byte of a sequence cut short. It
// reports false when w holds a character no misreading gives, a byte that
// cannot begin a sequence, or a sequence cut short otherwise.
func utf8Gaps(w string, dropped bool) (b []byte, gaps []int, ok bool) {
	const lostByte = -1
	// Most words are no misreading (ASCII, or a letter no misreading
	// gives): they are told apart before anything is made for them.
	high := false
	for _, r := range w {
		if r == utf8.RuneError {
			continue
		}
		c, ok := byteOf(r)
		if !ok {
			return nil, nil, false
		}
		high = high || c >= 0x80
	}
	if !high {
		return nil, nil, false
	}
	units := make([]int, 0, len(w))
	for _, r := range w {
		if r == utf8.RuneError {
			units = append(units, lostByte)
			continue
		}
		c, _ := byteOf(r)
		units = append(units, int(c))
	}
	b = make([]byte, 0, len(units)+1)
	for i := 0; i < len(units); {
		u := units[i]
		i++
		if u >= 0 && u < 0x80 {
			b = append(b, byte(u))
			continue
		}
		n := continuations(u)
		if n == 0 {
			return nil, nil, false // a lost byte or a continuation byte cannot begin a sequence
		}
		b = append(b, byte(u))
		got := 0
		for ; got < n && i < len(units) && (units[i] == lostByte || units[i] >= 0x80 && units[i] <= 0xBF); got, i = got+1, i+1 {
			if units[i] == lostByte {
				gaps = append(gaps, len(b))
				b = append(b, 0)
				continue
			}
			b = append(b, byte(units[i]))
		}
		if got < n {
			if !dropped || got < n-1 {
				return nil, nil, false
			}
			gaps = append(gaps, len(b))
			b = append(b, 0)
		}
	}
	return b, gaps, true
}

// continuations is the number of continuation bytes that follow lead in
// UTF-8, or 0 when lead cannot begin a multi-byte sequence.
func continuations(lead int) int {
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		return 1
	case lead >= 0xE0 && lead <= 0xEF:
		return 2
	case lead >= 0xF0 && lead <= 0xF4:
		return 3
	}
	return 0
}

// decodeUTF8 takes bytes that were UTF-8 all along. It refuses bytes that are
// plain single-byte text (no multi-byte sequence) and sequences decoding to
// characters no Windows-1252 misreading would plausibly hide.
func decodeUTF8(b []byte) (string, bool) {
	if !utf8.Valid(b) {
		return "", false
	}
	multi := false
	for _, r := range string(b) {
		if r >= 0x80 {
			multi = true
			if !plausibleRune(r) {
				return "", false
			}
		}
	}
	if !multi {
		return "", false
	}
	return norm.NFC.String(string(b)), true
}

// plausibleRune reports whether r is a character a European or Vietnamese text
// may hold: Latin, Greek and Cyrillic letters, combining accents, punctuation,
// currency and letter-like symbols, the replacement character and emoji.
// Spaces other than the no-break space are not: a repaired word stays one
// word.
func plausibleRune(r rune) bool {
	switch {
	case r < 0x80:
		return true
	case r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x205F:
		return false
	case r >= 0xA0 && r < 0x250, r >= 0x300 && r < 0x370, r >= 0x370 && r < 0x530,
		r >= 0x1E00 && r < 0x1F00, r >= 0x2000 && r < 0x2070, r >= 0x20A0 && r < 0x20D0,
		r >= 0x2100 && r < 0x2200, r == 0xFFFD, r >= 0x1F000 && r < 0x1FB00:
		return true
	}
	return false
}

// hasUTF8Remnant reports whether s holds characters that Windows-1252 or
// Latin-1 produce from one multi-byte UTF-8 sequence, such as "Ã©" (é),
// "Ä‘" (đ) or "á»‡" (ệ). A no-break space does not count as the sequence's
// last byte: "XÃ" followed by one is correct Vietnamese.
func hasUTF8Remnant(s string) bool {
	var buf [4]byte // the longest sequence: no allocation per candidate
	for i, r := range s {
		lead, ok := byteOf(r)
		if !ok {
			continue
		}
		n := continuations(int(lead))
		if n == 0 {
			continue
		}
		seq := append(buf[:0], lead)
		rest, next := s[i+utf8.RuneLen(r):], 0
		for ; next < n && rest != ""; next++ {
			c, size := utf8.DecodeRuneInString(rest)
			rest = rest[size:]
			b, ok := byteOf(c)
			if len(seq) == next+1 && ok && b >= 0x80 && b <= 0xBF && b != 0xA0 {
				seq = append(seq, b)
			}
		}
		if next < n {
			continue // fewer than n characters follow
		}
		if len(seq) == n+1 {
			if _, ok := decodeUTF8(seq); ok {
				return true
			}
		}
	}
	return false
}
