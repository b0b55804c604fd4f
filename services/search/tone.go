package search

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese writes a syllable's tone mark on one of its vowels, and two
// conventions disagree on which for a few open rhymes: the traditional
// ("old") style writes hòa, hòe, thúy, the reformed ("new") style hoà, hoè,
// thuý. Typists also misplace marks after qu and gi (qúy for quý, gìa for
// già). NormalizeTone places the mark one way, the traditional one used by
// most government text, so that every spelling of a syllable is one word.

// The combining tone marks (NFD).
const (
	toneGrave    = '\u0300'
	toneAcute    = '\u0301'
	toneTilde    = '\u0303'
	toneHook     = '\u0309'
	toneDotBelow = '\u0323'
)

// The combining marks that make a letter of another vowel (â ă ê ô ơ ư).
const (
	shapeCircumflex = '\u0302'
	shapeBreve      = '\u0306'
	shapeHorn       = '\u031B'
)

type letter struct {
	base  rune // a-z or đ
	shape rune // 0 or one of the shape marks
}

func (l letter) vowel() bool { return strings.ContainsRune("aeiouy", l.base) }

// NormalizeTone returns a lower-case word with its tone mark on the vowel
// the traditional style puts it on, in NFC. A word that is not one
// Vietnamese syllable with one tone mark is returned unchanged (in NFC).
func NormalizeTone(word string) string {
	letters, tone, ok := decompose(word)
	if !ok || tone == 0 {
		return norm.NFC.String(word)
	}
	at, ok := tonePosition(letters)
	if !ok {
		return norm.NFC.String(word)
	}
	var b strings.Builder
	for i, l := range letters {
		b.WriteRune(l.base)
		if l.shape != 0 {
			b.WriteRune(l.shape)
		}
		if i == at {
			b.WriteRune(tone)
		}
	}
	return norm.NFC.String(b.String())
}

// decompose splits a lower-case word into letters and its one tone mark; it
// fails on anything but a-z and đ with Vietnamese marks, and on two tones.
func decompose(word string) ([]letter, rune, bool) {
	var letters []letter
	var tone rune
	for _, r := range norm.NFD.String(word) {
		switch r {
		case toneGrave, toneAcute, toneTilde, toneHook, toneDotBelow:
			if tone != 0 || len(letters) == 0 {
				return nil, 0, false
			}
			tone = r
		case shapeCircumflex, shapeBreve, shapeHorn:
			if len(letters) == 0 || letters[len(letters)-1].shape != 0 {
				return nil, 0, false
			}
			letters[len(letters)-1].shape = r
		default:
			if r != 'đ' && (r < 'a' || r > 'z') {
				return nil, 0, false
			}
			letters = append(letters, letter{base: r})
		}
	}
	return letters, tone, true
}

// tonePosition finds the letter that carries the tone: the vowel with a
// shape mark (the last of two, as in ươ), else the last vowel before a final
// consonant, else the middle of three vowels or the first of two (hòa,
// thúy, múa, tài). qu and gi before a vowel are consonants (quý, già).
func tonePosition(ls []letter) (int, bool) {
	i := 0
	switch {
	case len(ls) >= 2 && ls[0].base == 'q' && ls[1].base == 'u' && ls[1].shape == 0:
		i = 2
	case len(ls) >= 3 && ls[0].base == 'g' && ls[1].base == 'i' && ls[1].shape == 0 && ls[2].vowel():
		i = 2
	default:
		for i < len(ls) && !ls[i].vowel() {
			i++
		}
	}
	start := i
	for i < len(ls) && ls[i].vowel() {
		i++
	}
	end := i
	for ; i < len(ls); i++ {
		if ls[i].vowel() {
			return 0, false // a second vowel group: not one syllable
		}
	}
	n := end - start
	if n == 0 || n > 3 {
		return 0, false
	}
	for j := end - 1; j >= start; j-- {
		if ls[j].shape != 0 {
			return j, true
		}
	}
	switch {
	case end < len(ls):
		return end - 1, true
	case n == 3:
		return start + 1, true
	}
	return start, true
}
