package editorial_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"golang.org/x/text/unicode/norm"
)

func TestRenderMarkdown(t *testing.T) {
	cases := []struct {
		name, md      string
		want, notWant []string
	}{
		{"emphasis and links", "**Đậm** và [Cổng](https://khanhhoa.gov.vn/)",
			[]string{"<strong>Đậm</strong>", `<a href="https://khanhhoa.gov.vn/"`}, []string{"nofollow"}},
		{"table with alignment", "| Cột | Số |\n|:---|---:|\n| a | 1 |",
			[]string{"<table>", "<th", "<td"}, nil},
		{"dangerous raw HTML is removed", "Trước <script>alert(1)</script> <b onclick=\"x()\">sau</b>\n\n<iframe src=\"https://evil\"></iframe>",
			[]string{"Trước", "<b>sau</b>"}, []string{"<script", "alert(1)", "onclick", "<iframe"}},
		{"a body that came in as HTML survives", "<h2>Chương trình</h2><p>Khai mạc lúc <strong>19 giờ</strong>.</p><ul><li>Một</li></ul>",
			[]string{"<h2>Chương trình</h2>", "<strong>19 giờ</strong>", "<li>Một</li>"}, nil},
		{"javascript links are removed", "[bấm](javascript:alert(1)) ![ảnh](javascript:alert(2))",
			[]string{"bấm"}, []string{"javascript:"}},
		{"autolinks", "Xem https://dichvucong.gov.vn nhé",
			[]string{`<a href="https://dichvucong.gov.vn"`}, nil},
	}
	for _, c := range cases {
		got := editorial.RenderMarkdown(c.md)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %s lacks %s", c.name, got, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(got, w) {
				t.Errorf("%s: %s holds %s", c.name, got, w)
			}
		}
	}
	// Alignment survives the sanitiser, one way or the other.
	if got := editorial.RenderMarkdown("| a | b |\n|:--|--:|\n| 1 | 2 |"); !strings.Contains(got, "right") {
		t.Errorf("right-aligned column lost: %s", got)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Khánh Hòa khai trương cổng thông tin": "khanh-hoa-khai-truong-cong-thong-tin",
		"Đường Trần Phú – đoạn 2/9":            "duong-tran-phu-doan-2-9",
		"Провинция Кханьхоа":                   "provintsiia-kkhankhoa",
		"  ***  ":                              "",
		"Quyết định số 15/2025/QĐ-UBND":        "quyet-dinh-so-15-2025-qd-ubnd",
		"Khánh Hòa đón 1 triệu lượt khách":     "khanh-hoa-don-1-trieu-luot-khach",
		"  Đường Trần Phú -- Nha Trang!  ":     "duong-tran-phu-nha-trang",
		"Фестиваль моря":                       "festival-moria",
		"Объявление":                           "obiavlenie", // the hard sign is dropped, not a dash
		"Hoà / Hòa":                            "hoa-hoa",
	} {
		if got := editorial.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	long := editorial.Slugify(strings.Repeat("tiêu đề dài ", 40))
	if len(long) > 200 || strings.HasSuffix(long, "-") {
		t.Errorf("long slug = %q (%d)", long, len(long))
	}
}

func TestDiffLines(t *testing.T) {
	a := []string{"a", "b", "c", "d"}
	b := []string{"a", "x", "c", "d", "e"}
	var got []string
	for _, l := range editorial.DiffLines(a, b) {
		got = append(got, l.Op+l.Text)
	}
	if want := "=a -b +x =c =d +e"; strings.Join(got, " ") != want {
		t.Errorf("DiffLines = %s, want %s", strings.Join(got, " "), want)
	}
	// Large inputs stay cheap: the differing middle is shown whole.
	big := make([]string, 5000)
	other := make([]string, 5000)
	for i := range big {
		big[i], other[i] = "x"+strings.Repeat("a", i%7), "y"
	}
	if n := len(editorial.DiffLines(big, other)); n != 10000 {
		t.Errorf("large diff has %d lines, want 10000", n)
	}
}

func TestSaveComposesNFDAndTranslations(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, editorial.Board{})
	ch := article("", norm.NFD.String("Hội nghị trực tuyến"), norm.NFD.String("Nội dung *đầy đủ*"))
	ch.Texts["en"] = editorial.LocaleText{Title: "Online conference"}
	ch.Texts["ru"] = editorial.LocaleText{Title: "Онлайн-конференция"}
	rev, err := svc.SaveDraft(ctx, author1, 0, ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	vi := rev.Change.Texts["vi"]
	if vi.Title != "Hội nghị trực tuyến" || !norm.NFC.IsNormalString(vi.Markdown) || len(rev.Notices) != 0 {
		t.Errorf("vi = %+v, notices %+v; want NFC and no notice", vi, rev.Notices)
	}
	if rev.Change.Texts["en"].Slug != "online-conference" || rev.Change.Texts["ru"].Slug != "onlain-konferentsiia" {
		t.Errorf("slugs = %q, %q", rev.Change.Texts["en"].Slug, rev.Change.Texts["ru"].Slug)
	}
	// A translation left empty is no translation.
	ch.ContentID = rev.ContentID
	ch.Texts["ru"] = editorial.LocaleText{Title: "  "}
	if rev, err = svc.SaveDraft(ctx, author1, rev.ID, ch, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := rev.Change.Texts["ru"]; ok || len(rev.Change.Texts) != 2 {
		t.Errorf("texts = %v, want vi and en", rev.Change.Texts)
	}
}
