package search

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Khánh Hòa", "khanh hoa"},
		{"KHÁNH HÒA", "khanh hoa"},
		{"khanh hoa", "khanh hoa"},
		{"Đà Lạt, đường Trần Phú", "da lat duong tran phu"},
		{norm.NFD.String("Khánh Hòa"), "khanh hoa"},
		{"15/2024/QĐ-UBND", "15 2024 qd ubnd"},
		{"Порталы ЁЛКА новый", "порталы елка новый"},
		{"café's <b>menu</b>", "cafe s b menu b"},
		{"  !!! ??? ", ""},
		{"a\xffb", "a b"},
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeTone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"hoà", "hòa"}, {"hòa", "hòa"},
		{"thuý", "thúy"}, {"thúy", "thúy"},
		{"qúy", "quý"}, {"quý", "quý"},
		{"gìa", "già"}, {"già", "già"}, {"gì", "gì"},
		{"hoè", "hòe"}, {"khoẻ", "khỏe"},
		{"hoàng", "hoàng"}, {"hòang", "hoàng"},
		{"huỳnh", "huỳnh"}, {"hùynh", "huỳnh"},
		{"người", "người"}, {"ngưoì", "ngừoi"},
		{"ngoài", "ngoài"}, {"ngòai", "ngoài"},
		{"tuổi", "tuổi"}, {"tủôi", "tuổi"},
		{"múa", "múa"}, {"tài", "tài"},
		{"café", "café"}, {"hoa", "hoa"}, {"2024", "2024"},
		{norm.NFD.String("hoà"), "hòa"},
	} {
		if got := NormalizeTone(c.in); got != c.want {
			t.Errorf("NormalizeTone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func parse(t *testing.T, q string) *Query {
	t.Helper()
	syn, err := ParseSynonyms(SynonymsFile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(q, NewSynonyms(syn))
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	return p
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, match, any, phrase, exact string }{
		{"Khánh Hòa", "'khanh' & 'hoa'", "'khanh' | 'hoa'", "'khanh' <-> 'hoa'", "'khánh' | 'hòa'"},
		{"khanh hoa", "'khanh' & 'hoa'", "'khanh' | 'hoa'", "'khanh' <-> 'hoa'", ""},
		{"hoà", "'hoa'", "'hoa'", "", "'hòa'"},
		{`"công nghệ thông tin" -lịch`, "(('cong' <-> 'nghe' <-> 'thong' <-> 'tin') | 'cntt') & !'lich'", "('cong' <-> 'nghe' <-> 'thong' <-> 'tin') | 'cntt'", "", "'công' | 'nghệ' | 'thông'"},
		{"du lịch OR festival", "'du' & ('lich' | 'festival')", "'du' | 'lich' | 'festival'", "", "'lịch'"},
		{"15/2024/QĐ-UBND", "('15' <-> '2024' <-> 'qd' <-> 'ubnd')", "('15' <-> '2024' <-> 'qd' <-> 'ubnd')", "", "'qđ'"},
		{"UBND tỉnh", "('ubnd' | ('uy' <-> 'ban' <-> 'nhan' <-> 'dan')) & 'tinh'", "'ubnd' | ('uy' <-> 'ban' <-> 'nhan' <-> 'dan') | 'tinh'", "'ubnd' <-> 'tinh'", "'tỉnh'"},
		{"a & b | !c:* (d)", "'a' & ('b' | 'c') & 'd'", "'a' | 'b' | 'c' | 'd'", "", ""},
		{"'; DROP TABLE items; --", "'drop' & 'table' & 'items'", "'drop' | 'table' | 'items'", "'drop' <-> 'table' <-> 'items'", ""},
	} {
		q := parse(t, c.in)
		if got := q.Match(); got != c.match {
			t.Errorf("%q: Match = %s, want %s", c.in, got, c.match)
		}
		if got := q.Any(); got != c.any {
			t.Errorf("%q: Any = %s, want %s", c.in, got, c.any)
		}
		if got := q.Phrase(); got != c.phrase {
			t.Errorf("%q: Phrase = %s, want %s", c.in, got, c.phrase)
		}
		if got := q.Exact(); got != c.exact {
			t.Errorf("%q: Exact = %s, want %s", c.in, got, c.exact)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	if _, err := Parse("a\xff", nil); err != ErrInvalidUTF8 {
		t.Errorf("invalid UTF-8: %v, want ErrInvalidUTF8", err)
	}
	if _, err := Parse(strings.Repeat("a ", 5000), nil); err != ErrTooLong {
		t.Errorf("10,000 characters: %v, want ErrTooLong", err)
	}
	for _, in := range []string{"", "   ", "!!! ... ???", "-only", `""`} {
		q, err := Parse(in, nil)
		if err != nil || !q.Empty() {
			t.Errorf("Parse(%q) = %v, %v; want an empty query", in, q, err)
		}
	}
}

func TestVariantsParseAlike(t *testing.T) {
	base := parse(t, "Thủ tục hành chính Khánh Hòa")
	for _, v := range []string{"thu tuc hanh chinh khanh hoa", "THỦ TỤC HÀNH CHÍNH KHÁNH HOÀ", norm.NFD.String("Thủ tục hành chính Khánh Hòa")} {
		if got := parse(t, v).Match(); got != base.Match() {
			t.Errorf("%q: Match = %s, want %s", v, got, base.Match())
		}
	}
}

func TestSynonymsParse(t *testing.T) {
	syn, err := ParseSynonyms(SynonymsFile)
	if err != nil {
		t.Fatal(err)
	}
	has := map[Synonym]bool{}
	for _, s := range syn {
		has[s] = true
	}
	for _, want := range []Synonym{{"ubnd", "uy ban nhan dan"}, {"uy ban nhan dan", "ubnd"}, {"tinh ninh thuan", "tinh khanh hoa"}} {
		if !has[want] {
			t.Errorf("missing %v", want)
		}
	}
	if has[Synonym{"tinh khanh hoa", "tinh ninh thuan"}] {
		t.Error("a one-way entry was read both ways")
	}
	if _, err := ParseSynonyms("UBND"); err == nil {
		t.Error("a line without = was accepted")
	}
}

func TestSnippet(t *testing.T) {
	text := strings.Repeat("Lorem ipsum dolor sit amet. ", 20) + "Tỉnh Khánh Hòa tổ chức lễ hội biển. " + strings.Repeat("Sed do eiusmod. ", 20)
	segs := Snippet(text, parse(t, "khanh hoa le hoi").Terms())
	var marked []string
	for _, s := range segs {
		if s.Mark {
			marked = append(marked, s.Text)
		}
	}
	if got, want := strings.Join(marked, ","), "Khánh,Hòa,lễ,hội"; got != want {
		t.Errorf("marked %s, want %s (snippet %q)", got, want, PlainText(segs))
	}
	if !strings.HasPrefix(PlainText(segs), "… ") || !strings.HasSuffix(PlainText(segs), " …") {
		t.Errorf("snippet %q should show it is cut on both sides", PlainText(segs))
	}
}

func TestPrepare(t *testing.T) {
	p := Prepare(Document{Title: "Quyết định số 15/2024/QĐ-UBND", Codes: []string{"15/2024/QĐ-UBND"},
		Summary: "Về việc hoà giải", BodyHTML: "<p>Điều 1.</p><script>x()</script><p>Thuý&nbsp;Kiều</p>"})
	if p.A != "quyet dinh so 15 2024 qd ubnd 15 2024 qd ubnd" {
		t.Errorf("A = %q", p.A)
	}
	if p.D != "dieu 1 thuy kieu" {
		t.Errorf("D = %q", p.D)
	}
	if p.ExactB != "về việc hòa giải" || p.ExactD != "điều 1 thúy kiều" {
		t.Errorf("ExactB, ExactD = %q, %q: want tone marks placed one way", p.ExactB, p.ExactD)
	}
}

// TestPrepareStoresTheSnippetsText: the plain body stored for snippets is
// its first StoredBodyText characters (multi-byte ones counted as one, as
// PostgreSQL's left() counts them); the vectors hold the whole body.
func TestPrepareStoresTheSnippetsText(t *testing.T) {
	body := strings.Repeat("Thủ tục hành chính ", 3000) + "cuối"
	p := Prepare(Document{Title: "Dài", BodyHTML: "<p>" + body + "</p>"})
	if n := len([]rune(p.Body)); n != StoredBodyText {
		t.Errorf("stored body of %d characters, want %d", n, StoredBodyText)
	}
	if !strings.HasPrefix(body, p.Body) {
		t.Errorf("stored body is not the start of the body")
	}
	if !strings.HasSuffix(p.D, " cuoi") {
		t.Errorf("the body's vector text lost its end: ...%q", p.D[max(0, len(p.D)-30):])
	}
	short := Prepare(Document{BodyHTML: "<p>Ngắn</p>"})
	if short.Body != "Ngắn" {
		t.Errorf("short body stored as %q", short.Body)
	}
}

// TestCodeMatch: a code typed as one word (a legal document's number) is
// matched apart from the rest of the query, which hubread matches in the
// head vector's index (issue 8 point 1); quoted phrases and plain words
// are not codes.
func TestCodeMatch(t *testing.T) {
	for _, c := range []struct{ raw, codes, rest string }{
		{"15/2024/QĐ-UBND", "('15' <-> '2024' <-> 'qd' <-> 'ubnd')", ""},
		{"15/2024/qd-ubnd", "('15' <-> '2024' <-> 'qd' <-> 'ubnd')", ""},
		{"QĐ 15/2024", "('15' <-> '2024')", "'qd'"},
		{"15/2024/QĐ-UBND -huy", "('15' <-> '2024' <-> 'qd' <-> 'ubnd')", "!'huy'"},
		{"15 2024", "", "'15' & '2024'"},
		{`"nam 2024"`, "", "('nam' <-> '2024')"},
		{"covid-19 OR 15/2024", "", "(('covid' <-> '19') | ('15' <-> '2024'))"},
		{"thu-tuc", "", "('thu' <-> 'tuc')"},
	} {
		q, err := Parse(c.raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.CodeMatch(); got != c.codes {
			t.Errorf("Parse(%q).CodeMatch() = %q, want %q", c.raw, got, c.codes)
		}
		if got := q.RestMatch(); got != c.rest {
			t.Errorf("Parse(%q).RestMatch() = %q, want %q", c.raw, got, c.rest)
		}
	}
}

// TestWordFormsCache: forms kept across texts are the forms computed
// afresh, and the cache stays within its bound however many words pass.
func TestWordFormsCache(t *testing.T) {
	text := "Thủ tục hành chính ở Khánh Hoà và Khánh Hòa, ĐẮK LẮK, Ёлка"
	first, _ := Tokens(text)
	again, _ := Tokens(text)
	for i := range first {
		w := text[first[i].Start:first[i].End]
		want := Token{Exact: NormalizeTone(strings.ToLower(w))}
		want.Folded = fold(want.Exact)
		if first[i] != again[i] || first[i].Exact != want.Exact || first[i].Folded != want.Folded {
			t.Errorf("%q: first %+v, again %+v, computed %+v", w, first[i], again[i], want)
		}
	}
	for i := 0; i < formCacheSize+10; i++ {
		wordForms(fmt.Sprintf("tiếng%d", i))
	}
	formCache.RLock()
	n := len(formCache.m)
	formCache.RUnlock()
	if n > formCacheSize {
		t.Errorf("the cache holds %d words, more than %d", n, formCacheSize)
	}
	if got := wordForms("Hoà"); got.Folded != "hoa" || got.Exact != NormalizeTone("hoà") {
		t.Errorf("after the cache emptied: %+v", got)
	}
}

// TestLooseRestMatch: phrases loosened to their words, exclusions left
// out, codes (matched in the head) left to CodeMatch; a query of plain
// words is its own loose form.
func TestLooseRestMatch(t *testing.T) {
	syn := NewSynonyms([]Synonym{{From: "tthc", To: "thu tuc hanh chinh"}, {From: "thu tuc hanh chinh", To: "tthc"}})
	for _, c := range []struct{ q, rest, loose string }{
		{"du lịch", "'du' & 'lich'", "'du' & 'lich'"},
		{`"cải cách hành chính"`, "('cai' <-> 'cach' <-> 'hanh' <-> 'chinh')", "('cai' & 'cach' & 'hanh' & 'chinh')"},
		{"du lịch -nha trang", "'du' & 'lich' & 'trang' & !'nha'", "'du' & 'lich' & 'trang'"},
		{"TTHC", "('tthc' | ('thu' <-> 'tuc' <-> 'hanh' <-> 'chinh'))", "('tthc' | ('thu' & 'tuc' & 'hanh' & 'chinh'))"},
		{"15/2024/QĐ-UBND", "", ""},
	} {
		q, err := Parse(c.q, syn)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.RestMatch(); got != c.rest {
			t.Errorf("%s: RestMatch %q, want %q", c.q, got, c.rest)
		}
		if got := q.LooseRestMatch(); got != c.loose {
			t.Errorf("%s: LooseRestMatch %q, want %q", c.q, got, c.loose)
		}
	}
}
