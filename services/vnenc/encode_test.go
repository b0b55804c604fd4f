package vnenc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// The encoders below turn Unicode into each legacy encoding with the
// package's own tables, to build the test corpus.

func encodeSingle(table *[256]rune, s string) ([]byte, error) {
	rev := map[rune]byte{}
	for b, r := range table {
		if r != 0 && !unicode.Is(unicode.Mn, r) {
			rev[r] = byte(b)
		}
	}
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if b, ok := rev[r]; ok {
			out = append(out, b)
			continue
		}
		if r < 0x80 && table[r] == 0 {
			out = append(out, byte(r))
			continue
		}
		return nil, fmt.Errorf("no byte for %q", r)
	}
	return out, nil
}

func encodeTCVN3(s string) ([]byte, error)  { return encodeSingle(&tcvn3Table, s) }
func encodeVISCII(s string) ([]byte, error) { return encodeSingle(&visciiTable, s) }

// encodeCP1258 writes a letter precomposed when Windows-1258 has it, else as
// the base letter it has followed by the tone mark.
func encodeCP1258(s string) ([]byte, error) {
	rev := map[rune]byte{}
	for b, r := range cp1258Table {
		if r != 0 {
			rev[r] = byte(b)
		}
	}
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		if b, ok := rev[r]; ok {
			out = append(out, b)
			continue
		}
		var tone rune
		var rest []rune
		for _, c := range norm.NFD.String(string(r)) {
			switch c {
			case markGrave, markAcute, markTilde, markHook, markDotBelow:
				tone = c
			default:
				rest = append(rest, c)
			}
		}
		base := []rune(norm.NFC.String(string(rest)))
		if len(base) != 1 || tone == 0 {
			return nil, fmt.Errorf("no bytes for %q", r)
		}
		bb, ok1 := rev[base[0]]
		if base[0] < 0x80 {
			bb, ok1 = byte(base[0]), true
		}
		tb, ok2 := rev[tone]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("no bytes for %q", r)
		}
		out = append(out, bb, tb)
	}
	return out, nil
}

// encodeVNI writes a letter as VNI-Windows does: a single byte when the font
// has one, else the base letter and one mark byte of the letter's case.
func encodeVNI(s string) ([]byte, error) {
	single := map[rune]byte{}
	for b, r := range vniLetters {
		single[r] = b
	}
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if b, ok := byteOf(r); ok && (r < 0x80 || !unicode.IsLetter(r)) {
			out = append(out, b) // ASCII and the Windows-1252 punctuation
			continue
		}
		if b, ok := single[r]; ok {
			out = append(out, b)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		var m vniMark
		base := d[0]
		for _, c := range d[1:] {
			switch c {
			case markCircumflex, markBreve:
				m.shape = c
			case markHorn:
				base = []rune(norm.NFC.String(string([]rune{base, c})))[0]
			default:
				m.tone = c
			}
		}
		bb, ok := single[base]
		if !ok && base < 0x80 {
			bb, ok = byte(base), true
		}
		if !ok {
			return nil, fmt.Errorf("no bytes for %q", r)
		}
		out = append(out, bb)
		if m == (vniMark{}) {
			continue
		}
		found := false
		for mb, mm := range vniMarks {
			upperByte := mb < 0xE0 && mb != 0xD9 && mb != 0xD8 && mb != 0xDB && mb != 0xD5 && mb != 0xDA && mb != 0xDC || mb == 0xD9 || mb == 0xD8 || mb == 0xDB || mb == 0xD5 || mb == 0xDA || mb == 0xDC
			if mm == m && upperByte == unicode.IsUpper(base) {
				out = append(out, mb)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no mark for %q", r)
		}
	}
	return out, nil
}

// plainPunct replaces the typographic punctuation that TCVN3 (VN1) and
// VISCII have no byte for with its ASCII form, as documents in them did.
var plainPunct = strings.NewReplacer("“", "\"", "”", "\"", "–", "-", "—", "-", "…", "...")

// corpusFor is a corpus sentence as a document in enc would hold it.
func corpusFor(enc, s string) string {
	if enc == TCVN3 || enc == VISCII {
		return plainPunct.Replace(s)
	}
	return s
}

var encoders = map[string]func(string) ([]byte, error){
	TCVN3: encodeTCVN3, VNI: encodeVNI, VISCII: encodeVISCII, CP1258: encodeCP1258,
}

// iconvNames are glibc's names for the encodings it holds.
var iconvNames = map[string]string{TCVN3: "TCVN5712-1", VISCII: "VISCII", CP1258: "CP1258"}

func iconvEncode(t *testing.T, enc, s string) []byte {
	t.Helper()
	if _, err := os.Stat("/usr/bin/iconv"); err != nil {
		t.Skip("no /usr/bin/iconv")
	}
	cmd := exec.Command("/usr/bin/iconv", "-f", "UTF-8", "-t", iconvNames[enc])
	cmd.Stdin = strings.NewReader(s)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("iconv -t %s %q: %v: %s", iconvNames[enc], s, err, stderr.String())
	}
	return out
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// misread decodes legacy bytes the way a Windows-1252 or a Latin-1 reader
// does. The five bytes Windows-1252 leaves unassigned become the C1 controls
// of the same value, as the WHATWG Encoding Standard (and so every browser
// submitting a form) has it; x/text would give U+FFFD.
func misread(t *testing.T, b []byte, latin1 bool) string {
	t.Helper()
	cm := charmap.Windows1252
	if latin1 {
		cm = charmap.ISO8859_1
	}
	var out strings.Builder
	for _, c := range b {
		if !latin1 && (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D) {
			out.WriteRune(rune(c))
			continue
		}
		s, err := cm.NewDecoder().Bytes([]byte{c})
		if err != nil {
			t.Fatal(err)
		}
		out.Write(s)
	}
	return out.String()
}

// vowels are the Vietnamese vowels; tones the five tone marks.
var (
	vowels = []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"}
	tones  = []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
)

func allLetters() []string {
	var ls []string
	for _, v := range vowels {
		for _, tn := range tones {
			l := norm.NFC.String(v + tn)
			ls = append(ls, l, strings.ToUpper(l))
		}
	}
	return append(ls, "đ", "Đ")
}

func TestCorpusCoversEveryLetter(t *testing.T) {
	corpus := strings.Join(readLines(t, "testdata/sentences.txt"), "\n")
	for _, l := range allLetters() {
		if !strings.Contains(corpus, l) && l != strings.ToUpper(l) {
			t.Errorf("testdata/sentences.txt lacks %q", l)
		}
	}
	upper := 0
	for _, l := range allLetters() {
		if l == strings.ToUpper(l) && strings.Contains(corpus, l) {
			upper++
		}
	}
	if got, want := upper, 40; got < want {
		t.Errorf("corpus holds %d capital letters with marks, want at least %d", got, want)
	}
}

// TestTablesAgreeWithIconv encodes every Vietnamese letter, and every corpus
// sentence, with the package's tables and with glibc's iconv.
func TestTablesAgreeWithIconv(t *testing.T) {
	inputs := append(allLetters(), readLines(t, "testdata/sentences.txt")...)
	for _, enc := range []string{TCVN3, VISCII, CP1258} {
		for _, s := range inputs {
			s = corpusFor(enc, s)
			got, err := encoders[enc](s)
			if err != nil {
				t.Errorf("%s: encode %q: %v", enc, s, err)
				continue
			}
			if want := iconvEncode(t, enc, s); !bytes.Equal(got, want) {
				t.Errorf("%s: encode %q = % x, iconv gives % x", enc, s, got, want)
			}
		}
	}
}

// TestDecodersAgreeWithIconv decodes what iconv wrote.
func TestDecodersAgreeWithIconv(t *testing.T) {
	vn1 := func(b []byte) (string, bool) { return decodeTCVN3As(b, true), true }
	decoders := map[string]func([]byte) (string, bool){TCVN3: vn1, VISCII: decodeVISCII, CP1258: decodeCP1258}
	for _, enc := range []string{TCVN3, VISCII, CP1258} {
		for _, s := range readLines(t, "testdata/sentences.txt") {
			s = corpusFor(enc, s)
			var words []string
			for _, p := range splitWords(s) {
				if p.space {
					words = append(words, p.text)
					continue
				}
				got, ok := decoders[enc](iconvEncode(t, enc, p.text))
				if !ok {
					t.Fatalf("%s: decode failed for %q", enc, p.text)
				}
				words = append(words, got)
			}
			if got := strings.Join(words, ""); got != s {
				t.Errorf("%s: decode(iconv(%q)) = %q", enc, s, got)
			}
		}
	}
}

func TestVNIKnownSpellings(t *testing.T) {
	// Spellings as VNI-Windows text reads in Windows-1252.
	// Each is also checked alone unless its VNI spelling is itself a
	// well-formed syllable ("nghóa"), which only context can settle.
	tests := []struct {
		unicode, vni string
		alone        bool
	}{
		{"Việt Nam", "Vieät Nam", true},
		{"Hà Nội", "Haø Noäi", true},
		{"Đà Nẵng", "Ñaø Naüng", true},
		{"đường", "ñöôøng", true},
		{"Chủ tịch", "Chuû tòch", true},
		{"nghĩa", "nghóa", false},
		{"tỉnh", "tænh", true},
		{"năm", "naêm", true},
		{"bằng", "baèng", true},
		{"mặt", "maët", true},
		{"Quảng Ngãi", "Quaûng Ngaõi", true},
		{"Mỵ", "Mî", false},
		{"ĐẮK LẮK", "ÑAÉK LAÉK", true},
	}
	for _, tt := range tests {
		b, err := encodeVNI(tt.unicode)
		if err != nil {
			t.Fatal(err)
		}
		if got := misread(t, b, false); got != tt.vni {
			t.Errorf("encodeVNI(%q) read as Windows-1252 = %q, want %q", tt.unicode, got, tt.vni)
		}
		if !tt.alone {
			continue
		}
		if got := Check(tt.vni); got.Text != tt.unicode || got.Encoding != VNI {
			t.Errorf("Check(%q) = %q, %q; want %q, %q", tt.vni, got.Text, got.Encoding, tt.unicode, VNI)
		}
	}
	in := "Coâ giaùo Loø Thò Mî noùi veà yù nghóa cuûa vieäc hoïc."
	want := "Cô giáo Lò Thị Mỵ nói về ý nghĩa của việc học."
	if got := Check(in); got.Text != want || got.Encoding != VNI {
		t.Errorf("Check(%q) = %q, %q; want %q, %q", in, got.Text, got.Encoding, want, VNI)
	}
}
