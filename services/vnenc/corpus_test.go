package vnenc

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

//go:generate sh testdata/iconv/generate.sh

// vietnameseLetters are the 134 precomposed Vietnamese letters, 67 small and
// 67 capital, by the usual count (TCVN 5712 and VISCII hold exactly these):
// ă â ê ô ơ ư and đ, and each of the twelve vowels a ă â e ê i o ô ơ u ư y
// with each of the five tone marks (grave, acute, hook above, tilde, dot
// below). The six bare vowels a e i o u y are ASCII and not among them.
var vietnameseLetters = strings.Fields(`
	ă â ê ô ơ ư đ
	à á ả ã ạ  ằ ắ ẳ ẵ ặ  ầ ấ ẩ ẫ ậ
	è é ẻ ẽ ẹ  ề ế ể ễ ệ
	ì í ỉ ĩ ị
	ò ó ỏ õ ọ  ồ ố ổ ỗ ộ  ờ ớ ở ỡ ợ
	ù ú ủ ũ ụ  ừ ứ ử ữ ự
	ỳ ý ỷ ỹ ỵ
	Ă Â Ê Ô Ơ Ư Đ
	À Á Ả Ã Ạ  Ằ Ắ Ẳ Ẵ Ặ  Ầ Ấ Ẩ Ẫ Ậ
	È É Ẻ Ẽ Ẹ  Ề Ế Ể Ễ Ệ
	Ì Í Ỉ Ĩ Ị
	Ò Ó Ỏ Õ Ọ  Ồ Ố Ổ Ỗ Ộ  Ờ Ớ Ở Ỡ Ợ
	Ù Ú Ủ Ũ Ụ  Ừ Ứ Ử Ữ Ự
	Ỳ Ý Ỷ Ỹ Ỵ
`)

// TestCorpusHoldsEveryLetter checks the list above against its definition
// and the corpus against the list.
func TestCorpusHoldsEveryLetter(t *testing.T) {
	var want []string
	for _, v := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			if l := norm.NFC.String(v + tone); len(l) > 1 {
				want = append(want, l, strings.ToUpper(l))
			}
		}
	}
	want = append(want, "đ", "Đ")
	got := slices.Clone(vietnameseLetters)
	slices.Sort(got)
	slices.Sort(want)
	if len(got) != 134 || !slices.Equal(got, want) {
		t.Fatalf("vietnameseLetters has %d letters %v, want the 134 %v", len(got), got, want)
	}
	corpus := strings.Join(readLines(t, corpusFile), "\n")
	if !norm.NFC.IsNormalString(corpus) {
		t.Errorf("%s is not NFC", corpusFile)
	}
	for _, l := range vietnameseLetters {
		if !strings.Contains(corpus, l) {
			t.Errorf("%s lacks %q", corpusFile, l)
		}
	}
	if n := len(readLines(t, corpusFile)); n < 200 {
		t.Errorf("%s has %d sentences, want at least 200", corpusFile, n)
	}
}

// TestIconvFixturesAreFresh checks that testdata/iconv holds what glibc's
// iconv makes of the corpus today.
func TestIconvFixturesAreFresh(t *testing.T) {
	for _, enc := range []string{TCVN3, VISCII, CP1258} {
		var in strings.Builder
		for _, s := range readLines(t, corpusFile) {
			in.WriteString(corpusFor(enc, s) + "\n")
		}
		want := iconv(t, iconvNames[enc], in.String())
		got := bytes.Join(legacyCorpus(t, enc), []byte("\n"))
		if !bytes.Equal(append(got, '\n'), want) {
			t.Errorf("testdata/iconv/sentences.%s differs from iconv's output: run go generate in services/vnenc", iconvNames[enc])
		}
	}
}

// TestTablesAgreeWithIconv encodes every letter and every corpus sentence
// with the package's tables and compares with glibc's iconv.
func TestTablesAgreeWithIconv(t *testing.T) {
	for _, enc := range []string{TCVN3, VISCII, CP1258} {
		letters := iconv(t, iconvNames[enc], strings.Join(vietnameseLetters, "\n"))
		for i, want := range bytes.Split(letters, []byte("\n")) {
			if got, err := encoders[enc](vietnameseLetters[i]); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: encode %q = % x (%v), iconv gives % x", enc, vietnameseLetters[i], got, err, want)
			}
		}
		want := legacyCorpus(t, enc)
		for i, s := range readLines(t, corpusFile) {
			got, err := encoders[enc](corpusFor(enc, s))
			if err != nil || !bytes.Equal(got, want[i]) {
				t.Errorf("%s: encode %q = % x (%v), iconv gives % x", enc, s, got, err, want[i])
			}
		}
	}
}

// TestDecodersAgreeWithIconv decodes what iconv wrote, word by word.
func TestDecodersAgreeWithIconv(t *testing.T) {
	vn1 := func(b []byte) (string, bool) { return decodeTCVN3As(b, true), true }
	decoders := map[string]func([]byte) (string, bool){TCVN3: vn1, VISCII: decodeVISCII, CP1258: decodeCP1258}
	for _, enc := range []string{TCVN3, VISCII, CP1258} {
		encoded := legacyCorpus(t, enc)
		for i, s := range readLines(t, corpusFile) {
			var words []string
			for _, w := range bytes.Split(encoded[i], []byte(" ")) {
				d, ok := decoders[enc](w)
				if !ok {
					t.Fatalf("%s: decode failed for % x", enc, w)
				}
				words = append(words, d)
			}
			if got, want := strings.Join(words, " "), corpusFor(enc, s); got != want {
				t.Errorf("%s: decode(iconv(%q)) = %q", enc, want, got)
			}
		}
	}
}

// TestCheckRecoversCorpus encodes every corpus sentence in every encoding,
// misreads it as Windows-1252 and as Latin-1, and expects Check to give the
// sentence back byte for byte, converted from the right encoding.
func TestCheckRecoversCorpus(t *testing.T) {
	sentences := readLines(t, corpusFile)
	for _, enc := range []string{TCVN3, VNI, VISCII, CP1258, UTF8AsCP1252} {
		encoded := utf8Corpus(sentences)
		if enc != UTF8AsCP1252 {
			encoded = legacyCorpus(t, enc)
		}
		for _, m := range []misreading{asWindows1252, asLatin1} {
			failed := 0
			for i, b := range encoded {
				want := corpusFor(enc, sentences[i])
				in := misread(b, m)
				got := Check(in)
				if got.Text != want || got.Encoding != enc || !got.Converted || got.Broken ||
					len(got.Changes) == 0 || got.Reason == "" || got.ReasonVI == "" {
					failed++
					t.Errorf("%s read as %s: Check(%q)\n got %q, %q, converted %v, broken %v, %d changes (%s)\nwant %q, %q",
						enc, m.name, in, got.Text, got.Encoding, got.Converted, got.Broken, len(got.Changes), got.Reason, want, enc)
				}
			}
			if failed > 0 {
				t.Logf("%s read as %s: %d of %d sentences not recovered", enc, m.name, failed, len(encoded))
			}
		}
	}
}

func utf8Corpus(sentences []string) [][]byte {
	out := make([][]byte, len(sentences))
	for i, s := range sentences {
		out[i] = []byte(s)
	}
	return out
}

// TestCheckLostBytes reads the corpus with the decoders that lose the five
// bytes Windows-1252 leaves undefined, giving U+FFFD or nothing for them:
// the last byte of "Đ" (C4 90) in UTF-8, or a capital letter in TCVN3 (Ả Ì Ĩ
// Í Ù) and VISCII (Ắ Ễ Ố Ồ Ũ). Which letter was lost can be told only
// sometimes: Check must give the sentence back exactly or say the text is
// broken, never return a wrong text as good.
func TestCheckLostBytes(t *testing.T) {
	sentences := readLines(t, corpusFile)
	for _, enc := range []string{TCVN3, VISCII, UTF8AsCP1252} {
		encoded := utf8Corpus(sentences)
		if enc != UTF8AsCP1252 {
			encoded = legacyCorpus(t, enc)
		}
		for _, m := range []misreading{asWindows1252FFFD, asWindows1252Dropped} {
			if enc != UTF8AsCP1252 && m.undefined == undefinedDropped {
				continue // a dropped legacy byte leaves no trace ("ĐNG" for ĐẢNG)
			}
			exact, broken := 0, 0
			for i, b := range encoded {
				want := corpusFor(enc, sentences[i])
				in := misread(b, m)
				got := Check(in)
				switch {
				case got.Text == want && got.Encoding == enc && !got.Broken:
					exact++
				case got.Broken && got.Reason != "" && got.ReasonVI != "":
					broken++
				default:
					t.Errorf("%s read as %s: Check(%q)\n got %q, %q, broken %v\nwant %q or broken",
						enc, m.name, in, got.Text, got.Encoding, got.Broken, want)
				}
			}
			t.Logf("%s read as %s: %d sentences recovered exactly, %d refused as broken", enc, m.name, exact, broken)
			if exact == 0 {
				t.Errorf("%s read as %s: no sentence recovered", enc, m.name)
			}
		}
	}
}

// TestCheckLeavesCleanTextAlone feeds correct text: the corpus itself in NFC
// and NFD, and testdata/clean.txt: Vietnamese with unusual words, names,
// abbreviations and headings in capitals, English with typographic
// punctuation, symbols, soft hyphens and accented loanwords, Russian, code.
// Check must report nothing to convert and nothing broken.
func TestCheckLeavesCleanTextAlone(t *testing.T) {
	var inputs []string
	for _, s := range readLines(t, corpusFile) {
		inputs = append(inputs, s, norm.NFD.String(s))
	}
	clean := readLines(t, "testdata/clean.txt")
	inputs = append(inputs, clean...)
	inputs = append(inputs, strings.Join(clean, "\n"))
	for _, in := range inputs {
		got := Check(in)
		if want := norm.NFC.String(in); got.Text != want || got.Encoding != "" || got.Converted || got.Broken {
			t.Errorf("Check(%q) = %q, %q, converted %v, broken %v (%s); want it untouched",
				in, got.Text, got.Encoding, got.Converted, got.Broken, got.Reason)
		}
		if got.Reason != "" || len(got.Changes) != 0 {
			t.Errorf("Check(%q) gave reason %q and changes %v for clean text", in, got.Reason, got.Changes)
		}
	}
}
