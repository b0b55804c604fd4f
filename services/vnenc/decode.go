package vnenc

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// mojibakeBytes recovers the bytes that were wrongly decoded as Windows-1252
// or as Latin-1 to give s. It reports false when s holds a character neither
// of them can produce, such as a Vietnamese letter or a Cyrillic one.
func mojibakeBytes(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := byteOf(r)
		if !ok {
			return nil, false
		}
		b = append(b, c)
	}
	return b, true
}

// byteOf is the byte Windows-1252 or Latin-1 decodes to r.
func byteOf(r rune) (byte, bool) {
	if r < 0x100 {
		return byte(r), true
	}
	if p := r >> 8; p >= rune(len(cp1252Blocks)) || !cp1252Blocks[p] {
		return 0, false // Vietnamese letters (ạ … ỹ) end here: no loop for them
	}
	for i, c := range cp1252High {
		if c == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}

// cp1252Blocks marks the blocks of 256 characters that hold a character of
// cp1252High beyond Latin-1: byteOf looks through cp1252High only for them.
var cp1252Blocks = func() (b [0x22]bool) {
	for _, c := range cp1252High {
		b[c>>8] = true
	}
	return b
}()

// windows1252 decodes one byte as Windows-1252, unassigned bytes as the C1
// control of the same value.
func windows1252(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		return cp1252High[b-0x80]
	}
	return rune(b)
}

// windows1252String decodes b as Windows-1252, as windows1252 does.
func windows1252String(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = windows1252(c)
	}
	return string(rs)
}

// decodeTCVN3 decodes one word of TCVN3 bytes. VN3, the form of the
// everyday fonts, reads 0x80–0x9F as Windows punctuation and the C0 range as
// controls; VN1 reads capital letters there. The decoder takes VN1 for a word
// it makes more Vietnamese, and for a word without letters (a dash, a
// quotation mark) only when vn1 says the rest of the text is VN1 or the word
// holds a byte VN3 text would not (vn1Only), so that the “quotes” and dashes
// around ABC text survive. It reports whether it took VN1
// for a word with letters.
func decodeTCVN3(b []byte, vn1 bool) (string, bool) {
	vn3 := decodeTCVN3As(b, false)
	if !tcvn3Ambiguous(b) {
		return vn3, false
	}
	full := decodeTCVN3As(b, true)
	if syllableScore(full) <= syllableScore(vn3) {
		return vn3, false
	}
	if strings.IndexFunc(vn3, unicode.IsLetter) >= 0 {
		return full, true
	}
	if vn1 || vn1Only(b) {
		return full, false
	}
	return vn3, false
}

// vn1Only reports whether b holds a byte that VN3 text would not hold
// outside a word: a C0 control, a byte Windows-1252 leaves undefined, or one
// that Windows-1252 makes a letter of another language or a sign never
// written alone. A word of such a byte alone is a VN1 capital with its tone,
// as the one-letter words "Ở" (™), "Ý" (0x16) and "Ỷ" (0x14) are.
func vn1Only(b []byte) bool {
	for _, c := range b {
		switch c {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D, // undefined
			0x83, 0x8A, 0x8C, 0x8E, 0x9A, 0x9C, 0x9E, 0x9F, // ƒ Š Œ Ž š œ ž Ÿ
			0x88, 0x99: // ˆ ™
			return true
		}
		if c < 0x20 && tcvn3Table[c] != 0 {
			return true
		}
	}
	return false
}

// tcvn3Decoder returns the decoder for the words of one text: VN1 for the
// letterless words too when some word with letters needed VN1.
func tcvn3Decoder(words [][]byte) func([]byte) (string, bool) {
	vn1 := false
	for _, w := range words {
		if _, used := decodeTCVN3(w, false); used {
			vn1 = true
			break
		}
	}
	return func(b []byte) (string, bool) {
		s, _ := decodeTCVN3(b, vn1)
		return s, true
	}
}

func tcvn3Ambiguous(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && tcvn3Table[c] != 0) || (c >= 0x80 && c < 0xA0) {
			return true
		}
	}
	return false
}

func decodeTCVN3As(b []byte, vn1 bool) string {
	rs := make([]rune, 0, len(b))
	for _, c := range b {
		switch {
		case c < 0x80 && (!vn1 || tcvn3Table[c] == 0):
			rs = append(rs, rune(c))
		case c >= 0x80 && c < 0xA0 && !vn1:
			rs = append(rs, windows1252(c))
		default:
			rs = append(rs, tcvn3Table[c])
		}
	}
	return norm.NFC.String(string(rs))
}

// decodeVISCII decodes VISCII bytes.
func decodeVISCII(b []byte) (string, bool) {
	rs := make([]rune, 0, len(b))
	for _, c := range b {
		if r := visciiTable[c]; r != 0 {
			rs = append(rs, r)
		} else {
			rs = append(rs, rune(c))
		}
	}
	return string(rs), true
}

// decodeCP1258 decodes Windows-1258 bytes, composing each base letter with
// the tone mark written after it.
func decodeCP1258(b []byte) (string, bool) {
	rs := make([]rune, 0, len(b))
	for _, c := range b {
		r := cp1258Table[c]
		switch {
		case r != 0:
			rs = append(rs, r)
		case c < 0x80:
			rs = append(rs, rune(c))
		default:
			return "", false // unassigned in Windows-1258
		}
	}
	return norm.NFC.String(string(rs)), true
}

// decodeVNI decodes VNI-Windows bytes. A mark byte counts as a mark only after
// a letter it can sit on; anywhere else it is the Windows-1252 character the
// VNI fonts also draw there.
func decodeVNI(b []byte) (string, bool) {
	rs := make([]rune, 0, len(b))
	canTake := false // the last rune is a bare vowel a mark may follow
	for _, c := range b {
		if m, ok := vniMarks[c]; ok && canTake && vniFits(rs[len(rs)-1], m) {
			if m.shape != 0 {
				rs = append(rs, m.shape)
			}
			if m.tone != 0 {
				rs = append(rs, m.tone)
			}
			canTake = false
			continue
		}
		if r, ok := vniLetters[c]; ok {
			rs = append(rs, r)
			canTake = r == 'ơ' || r == 'Ơ' || r == 'ư' || r == 'Ư'
			continue
		}
		r := windows1252(c)
		rs = append(rs, r)
		canTake = isVowelBase(r)
	}
	return norm.NFC.String(string(rs)), true
}

func isVowelBase(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

// vniFits reports whether mark m can be written on base letter r.
func vniFits(r rune, m vniMark) bool {
	switch m.shape {
	case markCircumflex:
		return r == 'a' || r == 'e' || r == 'o' || r == 'A' || r == 'E' || r == 'O'
	case markBreve:
		return r == 'a' || r == 'A'
	}
	return true // a tone alone fits every vowel and ơ ư
}
