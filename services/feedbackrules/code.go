package feedbackrules

import (
	"crypto/rand"
	"strings"
)

// A tracking code is 12 symbols of Crockford's base 32 (digits and capital
// letters without I, L, O and U, which read as 1, 1, 0 and V): 60 random
// bits, shown in groups of four, 7KQ2-M9XD-4TBH. What a visitor types is
// read leniently (NormalizeCode): lower case, spaces and dashes, and the
// letters that look like digits.
const (
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	CodeLength   = 12
)

// NewCode returns a new random tracking code, without dashes.
func NewCode() string {
	var b [CodeLength]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b[:])
}

// FormatCode shows a code in groups of four.
func FormatCode(code string) string {
	if len(code) != CodeLength {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}

// NormalizeCode reads a code as typed and returns it without dashes, or
// false when it cannot be one.
func NormalizeCode(s string) (string, bool) {
	if len(s) > 40 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r == 'U':
			r = 'V'
		}
		if !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}
