package vnenc

import (
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/internal/golden"
)

const goldenFile = "testdata/check.golden"

// TestCheckGolden compares every field of Check's result (text, encoding,
// reasons, changes in order) over the corpus tests' inputs with what Check
// returned when testdata/check.golden was written (before its allocations
// were cut for bulk ingest, issue 11): a digest per group of inputs, so a
// rewrite of the detection that changes any answer fails here.
func TestCheckGolden(t *testing.T) {
	var d golden.Digests
	for _, g := range goldenGroups(t) {
		d.Group(g.name, len(g.inputs), func(h hash.Hash, i int) {
			r := Check(g.inputs[i])
			fmt.Fprintf(h, "%q\x00%q\x00%v\x00%v\x00%q\x00%q\x00%q\n", r.Text, r.Encoding, r.Converted, r.Broken, r.Reason, r.ReasonVI, r.Changes)
		})
	}
	d.Compare(t, goldenFile, *golden.Update)
}

type goldenGroup struct {
	name   string
	inputs []string
}

// goldenGroups are the inputs of the corpus tests: the corpus in NFC and
// NFD, clean.txt, the corpus in each encoding under each misreading (the
// lossy ones included), every other word of it in a legacy encoding, the
// fuzz seeds, and a bulk-ingest article's text.
func goldenGroups(t *testing.T) []goldenGroup {
	sentences := readLines(t, corpusFile)
	var gs []goldenGroup
	var nfd []string
	for _, s := range sentences {
		nfd = append(nfd, norm.NFD.String(s))
	}
	clean := readLines(t, "testdata/clean.txt")
	gs = append(gs, goldenGroup{"corpus NFC", sentences}, goldenGroup{"corpus NFD", nfd},
		goldenGroup{"clean", append(slices.Clone(clean), strings.Join(clean, "\n"), strings.Join(sentences, "\n"))})
	for _, enc := range []string{TCVN3, VNI, VISCII, CP1258, UTF8AsCP1252} {
		encoded := utf8Corpus(sentences)
		if enc != UTF8AsCP1252 {
			encoded = legacyCorpus(t, enc)
		}
		for _, m := range []misreading{asWindows1252, asLatin1, asWindows1252FFFD, asWindows1252Dropped} {
			g := goldenGroup{name: enc + " read as " + m.name}
			for _, b := range encoded {
				g.inputs = append(g.inputs, misread(b, m))
			}
			gs = append(gs, g)
		}
	}
	for _, enc := range []string{TCVN3, VNI, VISCII, CP1258} {
		g := goldenGroup{name: enc + " every other word"}
		for _, s := range sentences {
			words := strings.Split(corpusFor(enc, s), " ")
			for off := range 2 {
				g.inputs = append(g.inputs, everyOtherWord(t, enc, asWindows1252, words, off))
			}
		}
		gs = append(gs, g)
	}
	seeds, err := filepath.Glob("testdata/fuzz/FuzzCheck/*")
	if err != nil {
		t.Fatal(err)
	}
	g := goldenGroup{name: "fuzz seeds"}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// go test fuzz v1, then string("...")
		_, v, _ := strings.Cut(string(b), "string(")
		v = strings.TrimSuffix(strings.TrimSpace(v), ")")
		var s string
		if _, err := fmt.Sscanf(v, "%q", &s); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		g.inputs = append(g.inputs, s)
	}
	gs = append(gs, g, goldenGroup{"article", []string{golden.Text(t, articleTextFile)}})
	return gs
}

// articleTextFile is the file of the bench's bulk article (services/cmd/bench,
// bulkItem) as contentrules and the index take its text from its HTML.
const articleTextFile = "testdata/article.txt"

func BenchmarkCheckArticle(b *testing.B) {
	text := golden.Text(b, articleTextFile)
	b.ReportAllocs()
	for b.Loop() {
		Check(text)
	}
}

func BenchmarkCheckCorpus(b *testing.B) {
	text := golden.Text(b, corpusFile)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Check(text)
	}
}

func BenchmarkCheckTCVN3(b *testing.B) {
	text := misread([]byte(golden.Text(b, "testdata/iconv/sentences.TCVN5712-1")), asWindows1252)
	b.ReportAllocs()
	for b.Loop() {
		Check(text)
	}
}

// TestRemnantAndPieces: the edges of hasUTF8Remnant (a sequence cut short
// by the text's end, a no-break space as its last byte, a character no
// misreading gives inside it) and of splitWords (whitespace at either end,
// U+0085 and U+00A0 inside words).
func TestRemnantAndPieces(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"Ã©", true}, {"cafÃ©!", true}, {"Ã", false}, {"XÃ\u00a0", false}, {"XÃ\u00a0b", false},
		{"á»‡", true}, {"á»", false}, {"Viá»‡t Nam", true}, {"á»ệ", false}, {"Ä‘", true},
		{"Việt Nam", false}, {"", false}, {"Ã\u0080", true}, {"ð\u009f\u0098\u0080", true}, {"ð\u009f\u0098", false},
	} {
		if got := hasUTF8Remnant(c.in); got != c.want {
			t.Errorf("hasUTF8Remnant(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" a  b\n", []string{" ", "a", "  ", "b", "\n"}},
		{"L\u00a0x\u0085y z", []string{"L\u00a0x\u0085y", " ", "z"}},
		{"một", []string{"một"}},
	} {
		var got []string
		for _, p := range splitWords(c.in) {
			if p.space != (strings.TrimSpace(p.text) == "") || (!p.space && p.status != wordStatus(p.text)) {
				t.Errorf("splitWords(%q): piece %+v", c.in, p)
			}
			got = append(got, p.text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("splitWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestByteOf: byteOf gives back the byte of each of the 256 characters
// Windows-1252 (C1 controls for its five undefined bytes) and Latin-1
// decode bytes to, and nothing for any other character.
func TestByteOf(t *testing.T) {
	found := map[rune]bool{}
	for b := range 256 {
		for _, r := range []rune{windows1252(byte(b)), rune(b)} {
			found[r] = true
			if got, ok := byteOf(r); !ok || got != byte(b) {
				t.Errorf("byteOf(%U) = %#x, %v; want %#x", r, got, ok, b)
			}
		}
	}
	n := 0
	for r := rune(0); r <= 0x10FFFF; r++ {
		if _, ok := byteOf(r); ok {
			n++
			if !found[r] {
				t.Errorf("byteOf(%U) is a byte, but no byte decodes to it", r)
			}
		}
	}
	if n != len(found) {
		t.Errorf("byteOf knows %d characters, want %d", n, len(found))
	}
}
