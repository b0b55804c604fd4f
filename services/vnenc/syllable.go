package vnenc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese is written one syllable at a time, and a syllable's shape is
// strict: an initial consonant, a vowel nucleus from a closed list, an
// optional final consonant, and at most one tone mark, with the stopped
// finals (c, ch, p, t) taking only the acute or the dot below. Text in a
// legacy encoding misread as Windows-1252 almost never fits that shape, and
// the same text converted back almost always does: that is the evidence the
// detector weighs.

// initials lists the initial consonants, longest first so the first match
// is the longest one.
var initials = []string{
	"ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
}

// finals lists the final consonants, longest first; k appears in the
// Vietnamese spelling of ethnic place names (Đắk Lắk).
var finals = []string{"ch", "nh", "ng", "c", "k", "m", "n", "p", "t"}

// nucleusOpen holds the vowel nuclei that end a syllable or take a final:
// true means the nucleus needs a final consonant, false that it may take one.
// nucleusClosed holds the nuclei that never take a final.
var (
	nucleusOpen = map[string]bool{
		"a": false, "ă": true, "â": true, "e": false, "ê": false, "i": false, "o": false,
		"ô": false, "ơ": false, "u": false, "ư": false, "y": false,
		"iê": true, "yê": true, "uô": true, "ươ": true, "uâ": true, "oă": true,
		"uyê": true, "oo": true, "oa": false, "oe": false, "uê": false, "uy": false, "uơ": false,
	}
	nucleusClosed = map[string]bool{
		"ai": true, "ao": true, "au": true, "âu": true, "ay": true, "ây": true, "eo": true,
		"êu": true, "ia": true, "iu": true, "oi": true, "ôi": true, "ơi": true, "ua": true,
		"ui": true, "ưa": true, "ưi": true, "ưu": true, "iêu": true, "yêu": true, "oai": true,
		"oao": true, "oay": true, "oeo": true, "uây": true, "uôi": true, "ươi": true,
		"ươu": true, "uya": true, "uyu": true,
	}
	// palatalNuclei may precede the finals ch and nh.
	palatalNuclei = map[string]bool{"a": true, "ê": true, "i": true, "y": true, "uy": true, "oa": true, "uê": true}
)

// validSyllable reports whether word (letters only, any case, NFC or NFD)
// is one well-formed Vietnamese syllable.
func validSyllable(word string) bool {
	skel, tone, _, ok := skeleton(word)
	if !ok || skel == "" {
		return false
	}
	for _, ini := range initials {
		if !strings.HasPrefix(skel, ini) {
			continue
		}
		if validRhyme(skel[len(ini):], tone) {
			return true
		}
		// "gì", "gìn": the i of gi is also the vowel.
		if ini == "gi" && validRhyme(skel[1:], tone) {
			return true
		}
	}
	return validRhyme(skel, tone)
}

func validRhyme(rhyme string, tone rune) bool {
	fin := ""
	for _, f := range finals {
		if strings.HasSuffix(rhyme, f) && len(rhyme) > len(f) {
			fin = f
			break
		}
	}
	nucleus := rhyme[:len(rhyme)-len(fin)]
	if fin != "" {
		if _, ok := nucleusOpen[nucleus]; !ok {
			return false
		}
		if (fin == "ch" || fin == "nh") && !palatalNuclei[nucleus] {
			return false
		}
		switch fin {
		case "c", "ch", "p", "t", "k":
			return tone == markAcute || tone == markDotBelow
		}
		return true
	}
	if needs, ok := nucleusOpen[nucleus]; ok {
		return !needs
	}
	return nucleusClosed[nucleus]
}

// skeleton lower-cases word and splits it into its letters without tone (ă,
// â, ê, ô, ơ, ư and đ kept as letters), its tone mark and the index, in
// runes of the letters, of the letter bearing the tone (-1 without one). It
// fails on more than one tone, on a mark Vietnamese does not use, on a mark
// on the wrong letter, and on f, j, w, z, which Vietnamese spelling lacks.
func skeleton(word string) (string, rune, int, bool) {
	var b strings.Builder
	var tone rune
	var last rune  // last letter written, to put a shape mark on
	n, at := 0, -1 // letters written; the toned one
	for _, r := range norm.NFD.String(strings.ToLower(word)) {
		switch r {
		case markGrave, markAcute, markTilde, markHook, markDotBelow:
			if tone != 0 || last == 0 {
				return "", 0, -1, false
			}
			tone, at = r, n-1
		case markCircumflex, markBreve, markHorn:
			shaped, ok := shape(last, r)
			if !ok {
				return "", 0, -1, false
			}
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-1]) // the base letter is ASCII
			b.WriteRune(shaped)
			last = shaped
		default:
			if r == 'đ' || (r >= 'a' && r <= 'z' && !strings.ContainsRune("fjwz", r)) {
				b.WriteRune(r)
				last = r
				n++
				continue
			}
			return "", 0, -1, false
		}
	}
	return b.String(), tone, at, true
}

// judgeWellTyped reports whether each run of letters beyond ASCII in w is written
// as a person types Vietnamese: all small, all capitals or one leading
// capital, the tone mark on the vowel that carries it, old style (hòa,
// thủy) or new (hoà, thuỷ), and the initial spelled as the vowel after it
// wants (spelled). Legacy text misread as Windows-1252 is often a
// well-formed syllable by letters alone but rarely by these: TCVN3 "chÝnh"
// (chính) has a capital inside, VNI "caù" (cá) its tone on the u, VNI "ñu"
// (đu) a tilde on a consonant.
func judgeWellTyped(w string) bool {
	rs := []rune(trimEdges(w))
	seg := -1
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.Is(unicode.Mn, rs[i])) {
			if seg < 0 {
				seg = i
			}
			continue
		}
		if seg >= 0 {
			run := string(rs[seg:i])
			seg = -1
			if beyondASCII(run) && (!regularCase(run) || !tonePlaced(run) || !spelled(run)) {
				return false
			}
		}
	}
	return true
}

// spelled reports whether syllable follows the spelling rules of the
// initials that have two spellings: k, gh and ngh before i, e, ê (k also
// before y), c, g and ng before the other vowels. Legacy text read in the
// wrong legacy encoding often breaks them: VISCII "Nghỉ" read as TCVN3 is
// "Nghù".
func spelled(syllable string) bool {
	skel, _, _, ok := skeleton(syllable)
	if !ok {
		return false
	}
	front := func(rest string, vowels string) bool {
		r, _ := utf8.DecodeRuneInString(rest)
		return strings.ContainsRune(vowels, r)
	}
	switch {
	case strings.HasPrefix(skel, "ngh"):
		return front(skel[3:], "ieê")
	case strings.HasPrefix(skel, "gh"):
		return front(skel[2:], "ieê")
	case strings.HasPrefix(skel, "ng"):
		return !front(skel[2:], "ieê")
	case strings.HasPrefix(skel, "gi"), strings.HasPrefix(skel, "kh"), strings.HasPrefix(skel, "ch"):
		return true
	case strings.HasPrefix(skel, "g"):
		return !front(skel[1:], "eê")
	case strings.HasPrefix(skel, "k"):
		return front(skel[1:], "ieêy")
	case strings.HasPrefix(skel, "c"):
		return !front(skel[1:], "ieêy")
	}
	return true
}

func regularCase(run string) bool {
	if run == strings.ToLower(run) || run == strings.ToUpper(run) {
		return true
	}
	rs := []rune(run)
	return unicode.IsUpper(rs[0]) && string(rs[1:]) == strings.ToLower(string(rs[1:]))
}

// tonePlaced reports whether syllable's tone, if any, sits on the vowel
// that carries it: a vowel with a shape mark (the ơ of ươ); else the last
// vowel before a final consonant; else the first of two vowels (mùa, hỏi)
// or the middle of three (ngoài), where oa, oe and uy may carry it on either
// vowel.
func tonePlaced(syllable string) bool {
	skel, tone, at, ok := skeleton(syllable)
	if !ok {
		return false
	}
	if tone == 0 {
		return true
	}
	rs := []rune(skel)
	placed := func(start int) bool {
		rhyme := string(rs[start:])
		if !validRhyme(rhyme, tone) {
			return false
		}
		fin := ""
		for _, f := range finals {
			if strings.HasSuffix(rhyme, f) && len(rhyme) > len(f) {
				fin = f
				break
			}
		}
		nucleus := []rune(strings.TrimSuffix(rhyme, fin))
		k := at - start
		if k < 0 || k >= len(nucleus) {
			return false
		}
		shaped := -1
		for j, r := range nucleus {
			if strings.ContainsRune("ăâêôơư", r) {
				shaped = j
			}
		}
		switch {
		case shaped >= 0:
			return k == shaped
		case fin != "" || len(nucleus) == 1:
			return k == len(nucleus)-1
		case len(nucleus) == 2:
			n := string(nucleus)
			return k == 0 || n == "oa" || n == "oe" || n == "uy"
		}
		return k == 1
	}
	for _, ini := range initials {
		if !strings.HasPrefix(skel, ini) {
			continue
		}
		start := len([]rune(ini))
		if placed(start) || (ini == "gi" && placed(1)) {
			return true
		}
	}
	return placed(0)
}

func shape(base, mark rune) (rune, bool) {
	switch {
	case mark == markBreve && base == 'a':
		return 'ă', true
	case mark == markCircumflex && base == 'a':
		return 'â', true
	case mark == markCircumflex && base == 'e':
		return 'ê', true
	case mark == markCircumflex && base == 'o':
		return 'ô', true
	case mark == markHorn && base == 'o':
		return 'ơ', true
	case mark == markHorn && base == 'u':
		return 'ư', true
	}
	return 0, false
}

// consonantsOnly reports whether word is letters without a vowel or tone, as
// in the abbreviations NĐ, QĐ or the đồng written "đ".
func consonantsOnly(word string) bool {
	for _, r := range strings.ToLower(word) {
		if r == 'đ' {
			continue
		}
		if r > unicode.MaxASCII || !unicode.IsLetter(r) || strings.ContainsRune("aeiouy", r) {
			return false
		}
	}
	return true
}
