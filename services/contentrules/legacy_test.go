package contentrules

import (
	"bufio"
	"os"
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// Vietnamese text pushed in a legacy encoding (or broken) is refused at
// the hub with LEGACY_ENCODING naming the field (issue 10 point 6); the
// sub-portal's Check says the same, CheckDraft lets a draft hold it.
func TestLegacyEncodingRefused(t *testing.T) {
	texts := map[string]string{
		"TCVN3":             "Th«ng b¸o vÒ viÖc x©y dùng c¶ng",
		"VNI":               "Thoâng baùo veà vieäc xaây döïng caûng",
		"VISCII":            "Vi®t Nam",
		"CP1258":            "Du khách nên mang theo áo mýa, giày ðêì bám khi leo núi vào mùa mýa.",
		"UTF-8 as CP1252":   "Viá»‡t Nam Ä‘áº¹p láº¯m",
		"UTF-8 punctuation": "Quyáº¿t Ä‘á»‹nh sá»‘ 15",
		"broken":            "Th«ng bao khan cÊp vÒ b·o sè 5 ¬ ¬¬ ¸¸",
	}
	fields := []struct {
		field string
		set   func(*pb.Translation, string)
	}{
		{"item.translations[vi].title", func(tr *pb.Translation, s string) { tr.Title = s }},
		{"item.translations[vi].summary", func(tr *pb.Translation, s string) { tr.Summary = s }},
		{"item.translations[vi].body_html", func(tr *pb.Translation, s string) { tr.BodyHtml = "<p><strong>" + s + "</strong></p>" }},
	}
	// The body is read as a whole, as the back office reads its Markdown:
	// a legacy paragraph after a Unicode one, a word split by markup.
	bodies := map[string]string{
		"TCVN3 after Unicode": "<h2>Tin tức</h2><p>Đoạn đầu bằng Unicode.</p><p>C¸c c¬ quan nhµ n­íc ph¶i c«ng khai th«ng tin.</p>",
		"TCVN3 across markup": "<p><strong>Th</strong>«ng b¸o <em>vÒ</em> viÖc x©y dùng c¶ng</p>",
	}
	for name, body := range bodies {
		it := article()
		it.Translations[0].BodyHtml = body
		if vs := Check(it, testCategories); len(vs) != 1 || vs[0].Field != "item.translations[vi].body_html" || vs[0].Reason != ReasonLegacyEncoding {
			t.Errorf("%s: Check = %+v, want LEGACY_ENCODING at the body", name, vs)
		}
	}
	for name, text := range texts {
		for _, f := range fields {
			it := article()
			f.set(it.Translations[0], text)
			_, err := Prepare(it, testCategories)
			vs := ViolationsOf(err)
			if len(vs) != 1 || vs[0].Field != f.field || vs[0].Reason != ReasonLegacyEncoding || vs[0].MessageVI == "" || vs[0].Description == "" {
				t.Errorf("%s in %s: Prepare refuses with %+v, want one LEGACY_ENCODING at the field", name, f.field, vs)
			}
			if got := Check(it, testCategories); len(got) != 1 || got[0] != vs[0] {
				t.Errorf("%s in %s: Check = %+v, Prepare %+v", name, f.field, got, vs)
			}
			if got := CheckDraft(it, testCategories); len(got) != 0 {
				t.Errorf("%s in %s: CheckDraft = %+v, want none (a draft may hold text kept as typed)", name, f.field, got)
			}
		}
	}
}

// Clean Vietnamese, English and Russian text (vnenc's clean corpus) is
// accepted in every text field, the body's markup with it.
func TestCleanTextAccepted(t *testing.T) {
	f, err := os.Open("../vnenc/testdata/clean.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) < 20 {
		t.Fatalf("%d lines of clean text", len(lines))
	}
	for _, l := range lines {
		it := article()
		tr := it.Translations[0]
		tr.Title = truncate(l, MaxTitle)
		tr.Summary = l
		tr.BodyHtml = `<p>` + l + `</p><ul><li><a href="https://khanhhoa.gov.vn/">` + l + `</a></li></ul>`
		if _, err := Prepare(it, testCategories); err != nil {
			t.Errorf("clean text %q refused: %v", l, ViolationsOf(err))
		}
	}
}

// truncate returns s cut to at most n characters.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
