package search

import (
	"fmt"
	"hash"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/internal/golden"
)

const goldenFile = "testdata/tokens.golden"

// TestTokens: words of Vietnamese with diacritics, composed or not, đ,
// tone marks placed either way, Cyrillic, digits, invalid UTF-8 and
// overlong runs, with their offsets in the normalised text.
func TestTokens(t *testing.T) {
	type tok struct {
		folded, exact string
		start, end    int
	}
	for _, c := range []struct {
		in, text string
		want     []tok
	}{
		{"Khánh Hoà", "Khánh Hoà", []tok{{"khanh", "khánh", 0, 6}, {"hoa", "hòa", 7, 11}}},
		{norm.NFD.String("Khánh Hoà"), "Khánh Hoà", []tok{{"khanh", "khánh", 0, 6}, {"hoa", "hòa", 7, 11}}},
		{"ĐẮK LẮK, đường", "ĐẮK LẮK, đường", []tok{{"dak", "đắk", 0, 6}, {"lak", "lắk", 7, 12}, {"duong", "đường", 14, 23}}},
		{"thuý qúy gìa", "thuý qúy gìa", []tok{{"thuy", "thúy", 0, 5}, {"quy", "quý", 6, 10}, {"gia", "già", 11, 15}}},
		{"15/2024/QĐ-UBND", "15/2024/QĐ-UBND", []tok{{"15", "15", 0, 2}, {"2024", "2024", 3, 7}, {"qd", "qđ", 8, 11}, {"ubnd", "ubnd", 12, 16}}},
		{"ЁЛКА й", "ЁЛКА й", []tok{{"елка", "ёлка", 0, 8}, {"й", "й", 9, 11}}},
		{"a\xffb", "a b", []tok{{"a", "a", 0, 1}, {"b", "b", 2, 3}}},
		{"x " + strings.Repeat("ư", 31) + " y", "x " + strings.Repeat("ư", 31) + " y", []tok{{"x", "x", 0, 1}, {"y", "y", 65, 66}}},
		{"  !!! ", "  !!! ", nil},
	} {
		toks, text := Tokens(c.in)
		var got []tok
		for _, x := range toks {
			got = append(got, tok{x.Folded, x.Exact, x.Start, x.End})
		}
		if text != c.text || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Tokens(%q) = %v, %q\nwant %v, %q", c.in, got, text, c.want, c.text)
		}
	}
}

// TestTokensGolden compares the tokenizer's and Prepare's output over the
// vnenc corpus (NFC and NFD, clean.txt, a bulk article) with what they
// gave when testdata/tokens.golden was written (before their allocations
// were cut for bulk ingest, issue 11): one digest per group of inputs.
func TestTokensGolden(t *testing.T) {
	var d golden.Digests
	for _, g := range tokenGroups(t) {
		d.Group(g.name, len(g.inputs), func(h hash.Hash, i int) {
			in := g.inputs[i]
			toks, text := Tokens(in)
			fmt.Fprintf(h, "%q %v %q %q\n", text, toks, Fold(in), JoinExact(toks))
			fmt.Fprintf(h, "%+v\n", Prepare(Document{Title: in, Summary: in, Codes: []string{in}, Details: []string{in, in},
				BodyHTML: "<p>" + in + "</p><script>x</script><p>" + in + "</p>", Attachments: []string{in}}))
		})
	}
	d.Compare(t, goldenFile, *golden.Update)
}

type tokenGroup struct {
	name   string
	inputs []string
}

func tokenGroups(t testing.TB) []tokenGroup {
	lines := func(name string) []string {
		return strings.Split(strings.TrimSpace(golden.Text(t, name)), "\n")
	}
	sentences := lines("../vnenc/testdata/sentences.txt")
	clean := lines("../vnenc/testdata/clean.txt")
	var nfd, upper []string
	for _, s := range sentences {
		nfd = append(nfd, norm.NFD.String(s))
		upper = append(upper, strings.ToUpper(s))
	}
	return []tokenGroup{{"corpus NFC", sentences}, {"corpus NFD", nfd}, {"corpus in capitals", upper},
		{"clean", clean}, {"whole texts", []string{strings.Join(sentences, "\n"), strings.Join(clean, " "), golden.Text(t, benchArticleFile)}},
		{"edges", []string{"", " ", "a\xffb\xc3", strings.Repeat("ư", 30) + " " + strings.Repeat("ư", 31), "x\u0301y", "\u0301a"}}}
}

// benchArticleFile is the file of the bench's bulk article (services/cmd/bench,
// bulkItem) as contentrules and the index take its text from its HTML.
const benchArticleFile = "../vnenc/testdata/article.txt"

func BenchmarkTokensArticle(b *testing.B) {
	text := golden.Text(b, benchArticleFile)
	b.ReportAllocs()
	for b.Loop() {
		Tokens(text)
	}
}

func BenchmarkPrepareArticle(b *testing.B) {
	html := "<p>" + strings.ReplaceAll(golden.Text(b, benchArticleFile), "\n", "</p><p>") + "</p>"
	d := Document{Title: "Hội nghị tổng kết chuyển đổi số lần 1234", Summary: "Tổng kết công tác chuyển đổi số của các đơn vị trong tỉnh.", BodyHTML: html}
	b.ReportAllocs()
	for b.Loop() {
		Prepare(d)
	}
}

func BenchmarkVectorEntries(b *testing.B) {
	toks, _ := Tokens(golden.Text(b, benchArticleFile))
	text := JoinFolded(toks)
	lex := func(w string) []Lexeme { return []Lexeme{{Word: w, Pos: 1}} }
	b.ReportAllocs()
	for b.Loop() {
		VectorEntries(text, lex)
	}
}
