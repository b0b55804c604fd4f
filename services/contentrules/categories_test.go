package contentrules

import (
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
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
