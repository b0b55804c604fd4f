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
	"unicode/utf8"

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
// VISCII have no byte for with its ASCII form, as documents in them did;
// testdata/iconv/generate.sh does the same with sed.
var plainPunct = strings.NewReplacer("“", "\"", "”", "\"", "‘", "'", "’", "'", "–", "-", "—", "-", "…", "...")

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

// iconvNames are glibc's names for the encodings it holds; the corpus in
// each is testdata/iconv/sentences.<name>.
var iconvNames = map[string]string{TCVN3: "TCVN5712-1", VISCII: "VISCII", CP1258: "CP1258"}

const corpusFile = "testdata/sentences.txt"

// legacyCorpus is each corpus sentence encoded in enc: by glibc's iconv
// (the committed testdata/iconv files) where glibc has the encoding, else by
// the package's own tables (VNI).
func legacyCorpus(t *testing.T, enc string) [][]byte {
	t.Helper()
	lines := readLines(t, corpusFile)
	name, ok := iconvNames[enc]
	if !ok {
		out := make([][]byte, len(lines))
		for i, s := range lines {
			b, err := encoders[enc](corpusFor(enc, s))
			if err != nil {
				t.Fatalf("%s: encode %q: %v", enc, s, err)
			}
			out[i] = b
		}
		return out
	}
	data, err := os.ReadFile("testdata/iconv/sentences." + name)
	if err != nil {
		t.Fatal(err)
	}
	out := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(out) != len(lines) {
		t.Fatalf("testdata/iconv/sentences.%s has %d lines, %s %d: run go generate", name, len(out), corpusFile, len(lines))
	}
	return out
}

// iconv runs glibc's iconv from UTF-8 to the named encoding, or skips the
// test when the machine has no iconv with that encoding.
func iconv(t *testing.T, to, s string) []byte {
	t.Helper()
	list, err := exec.Command("iconv", "-l").Output()
	if err != nil {
		t.Skipf("no iconv: %v", err)
	}
	if !bytes.Contains(list, []byte(to+"//")) && !bytes.Contains(list, []byte(to+",")) {
		t.Skipf("iconv has no %s", to)
	}
	cmd := exec.Command("iconv", "-f", "UTF-8", "-t", to)
	cmd.Stdin = strings.NewReader(s)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("iconv -t %s: %v: %s", to, err, stderr.String())
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

// misreading is how a program turned bytes into text with the wrong single-
// byte encoding: golang.org/x/text's Windows-1252 or Latin-1 decoder, with
// one of the three things decoders do with the five bytes Windows-1252 leaves
// undefined (0x81 0x8D 0x8F 0x90 0x9D).
type misreading struct {
	name      string
	cm        *charmap.Charmap
	undefined int // undefinedAsC1, undefinedAsFFFD or undefinedDropped
}

const (
	// undefinedAsC1 gives the C1 control of the same value, as the WHATWG
	// Encoding Standard (every browser submitting a form), Windows and
	// MySQL's latin1 do.
	undefinedAsC1 = iota
	// undefinedAsFFFD gives U+FFFD, as x/text and Python's "replace" do.
	undefinedAsFFFD
	// undefinedDropped loses the byte, as iconv -c and Python's "ignore" do.
	undefinedDropped
)

var (
	asWindows1252 = misreading{"Windows-1252", charmap.Windows1252, undefinedAsC1}
	asLatin1      = misreading{"Latin-1", charmap.ISO8859_1, undefinedAsC1}
	// The two lossy readings of the undefined bytes.
	asWindows1252FFFD    = misreading{"Windows-1252 (x/text: U+FFFD)", charmap.Windows1252, undefinedAsFFFD}
	asWindows1252Dropped = misreading{"Windows-1252 (undefined bytes dropped)", charmap.Windows1252, undefinedDropped}
)

// misread decodes b as m does.
func misread(b []byte, m misreading) string {
	var out strings.Builder
	for _, c := range b {
		r := m.cm.DecodeByte(c)
		if r == utf8.RuneError {
			switch m.undefined {
			case undefinedAsC1:
				r = rune(c)
			case undefinedDropped:
				continue
			}
		}
		out.WriteRune(r)
	}
	return out.String()
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
		if got := misread(b, asWindows1252); got != tt.vni {
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
