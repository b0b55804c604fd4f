package contentrules

import (
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestCategoriesOf(t *testing.T) {
	if CategoriesOf(nil) != nil {
		t.Errorf("CategoriesOf(nil): want nil (no list)")
	}
	cats := CategoriesOf([]*pb.Category{
		{Code: "legal", Names: map[string]string{"vi": "Văn bản pháp luật"}, Kinds: []pb.ContentKind{pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT}},
	})
	legal := article()
	legal.Category = "legal"
	tests := []struct {
		name string
		cats Categories
		item *pb.ContentItem
		want string // the reason on item.category, "" for none
	}{
		{"no list accepts any code", nil, article(), ""},
		{"unknown code", cats, article(), ReasonUnknownCategory},
		{"kind not admitted", cats, legal, ReasonKindCategoryMismatch},
	}
	for _, tt := range tests {
		var c checker
		c.checkCategory(tt.item.GetCategory(), tt.item.GetKind(), tt.cats)
		got := ""
		if len(c.vs) > 0 {
			got = c.vs[0].Reason
		}
		if got != tt.want || len(c.vs) > 1 {
			t.Errorf("%s: got %+v, want reason %q", tt.name, c.vs, tt.want)
		}
	}
}

func TestKindWord(t *testing.T) {
	for k := range pb.ContentKind_name {
		kind := pb.ContentKind(k)
		if got := KindOfWord(KindWord(kind)); got != kind {
			t.Errorf("KindOfWord(KindWord(%v)) = %v", kind, got)
		}
	}
	if KindWord(pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT) != "legal_document" || KindOfWord("nope") != pb.ContentKind_CONTENT_KIND_UNSPECIFIED {
		t.Error("KindWord spelling")
	}
}

// TestSectionSlugRefused: an item whose slug is a section's, in any locale,
// is refused as SLUG_RESERVED on that translation's slug (the gateway would
// answer /{lang}/{tenant}/{slug} with the section), by Prepare as by
// CheckDraft; without a list (a sub-portal that never reached the hub) the
// hub decides.
func TestSectionSlugRefused(t *testing.T) {
	for _, tt := range []struct {
		locale, slug string
		want         string // "" for accepted
	}{
		{"vi", "van-ban-phap-luat", ReasonSlugReserved},
		{"vi", "legal-documents", ReasonSlugReserved}, // the English section's slug, under vi
		{"en", "novosti", ReasonSlugReserved},
		{"vi", "van-ban-phap-luat-moi", ""},
		{"en", "legal", ""}, // a code is no slug
	} {
		it := article()
		for _, tr := range it.GetTranslations() {
			if tr.GetLocale() == tt.locale {
				tr.Slug = tt.slug
			}
		}
		_, err := Prepare(it, testCategories)
		vs := ViolationsOf(err)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s %q: refused %v, want accepted", tt.locale, tt.slug, err)
			}
			continue
		}
		field := "item.translations[" + tt.locale + "].slug"
		if len(vs) != 1 || vs[0].Reason != tt.want || vs[0].Field != field {
			t.Errorf("%s %q: got %+v, want one %s on %s", tt.locale, tt.slug, vs, tt.want, field)
			continue
		}
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(vs[0].MessageVI, "trùng với đường dẫn của chuyên mục") {
			t.Errorf("%s %q: code %v, message %q", tt.locale, tt.slug, status.Code(err), vs[0].MessageVI)
		}
		if got := CheckDraft(it, testCategories); len(got) != 1 || got[0] != vs[0] {
			t.Errorf("CheckDraft %s %q = %+v, want %+v", tt.locale, tt.slug, got, vs)
		}
		if _, err := Prepare(it, nil); err != nil {
			t.Errorf("%s %q without a list: %v, want accepted", tt.locale, tt.slug, err)
		}
	}
}
