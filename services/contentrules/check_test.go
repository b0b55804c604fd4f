package contentrules

import (
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/proto"
)

// TestCheckIsPrepare: Check lists exactly the violations Prepare refuses
// with, and nothing for what Prepare accepts.
func TestCheckIsPrepare(t *testing.T) {
	long := article()
	long.Translations[0].Title = strings.Repeat("á", MaxTitle+1)
	many := article()
	many.Category = "sport"
	many.Version = 0
	for _, it := range []*pb.ContentItem{article(), long, many, nil} {
		_, err := Prepare(it, testCategories)
		got, want := Check(it, testCategories), ViolationsOf(err)
		if len(got) != len(want) {
			t.Fatalf("Check = %+v, Prepare's = %+v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("violation %d: Check %+v, Prepare %+v", i, got[i], want[i])
			}
		}
	}
}

func TestCheckDraft(t *testing.T) {
	draft := article()
	draft.Version, draft.Approver, draft.PublishedAt = 0, nil, nil
	if vs := CheckDraft(draft, testCategories); len(vs) != 0 {
		t.Errorf("a draft without version, approver or date: %+v", vs)
	}
	if vs := Check(draft, testCategories); len(vs) != 3 {
		t.Errorf("Check of the same draft: %+v, want 3 violations", vs)
	}
	draft.Category = "legal"
	if vs := CheckDraft(draft, testCategories); len(vs) != 1 || vs[0].Reason != ReasonKindCategoryMismatch {
		t.Errorf("a draft under a category that does not admit it: %+v", vs)
	}
}

func TestFormatPredicates(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) bool
		good []string
		bad  []string
	}{
		{"ValidContentID", ValidContentID, []string{"a", "tin-2025", strings.Repeat("a", MaxContentID)},
			[]string{"", "-a", "Tin", "a_b", "tin mới", strings.Repeat("a", MaxContentID+1)}},
		{"ValidSlug", ValidSlug, []string{"a", "-a", strings.Repeat("a", MaxSlug)}, []string{"", "A", "a/b", strings.Repeat("a", MaxSlug+1)}},
		{"ValidSHA256", ValidSHA256, []string{strings.Repeat("0a", 32)}, []string{"", strings.Repeat("0A", 32), strings.Repeat("0a", 31)}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.fn(s) {
				t.Errorf("%s(%q) = false", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.fn(s) {
				t.Errorf("%s(%q) = true", tt.name, s)
			}
		}
	}
}

func TestDetails(t *testing.T) {
	it := article()
	if Details(it) != nil {
		t.Errorf("an article's details: %v", Details(it))
	}
	// Every message of the oneof goes in and comes out as itself.
	fields := detailsOneof.Fields()
	for i := 0; i < fields.Len(); i++ {
		d := fields.Get(i).Message()
		msg, err := protoRegistryNew(d.FullName())
		if err != nil {
			t.Fatal(err)
		}
		if err := SetDetails(it, msg); err != nil {
			t.Fatalf("SetDetails(%s): %v", d.FullName(), err)
		}
		if got := Details(it); got == nil || got.ProtoReflect().Descriptor().FullName() != d.FullName() {
			t.Errorf("Details after SetDetails(%s) = %v", d.FullName(), got)
		}
	}
	ld := &pb.LegalDocument{Number: "15/2025/QĐ-UBND"}
	if err := SetDetails(it, ld); err != nil || it.GetLegalDocument() != ld {
		t.Errorf("SetDetails(LegalDocument): %v, %v", err, it.GetLegalDocument())
	}
	if err := SetDetails(it, (*pb.PublicService)(nil)); err != nil || Details(it) != nil {
		t.Errorf("SetDetails(typed nil): %v, details %v", err, Details(it))
	}
	if err := SetDetails(it, &pb.Person{Name: "x"}); err == nil {
		t.Errorf("SetDetails(Person): want an error")
	}
	if !proto.Equal(it, func() *pb.ContentItem { a := article(); return a }()) {
		t.Errorf("item after clearing its details differs from the article")
	}
}

func TestNFC(t *testing.T) {
	it := article()
	it.Translations[0].Title = "Kha\u0301nh Ho\u0300a"
	it.Attachments[0].Filename = "ba\u0301o-ca\u0301o.pdf"
	it.Authors[0].Name = "Nguye\u0302\u0303n"
	NFC(it)
	if it.Translations[0].Title != "Khánh Hòa" || it.Attachments[0].Filename != "báo-cáo.pdf" || it.Authors[0].Name != "Nguyễn" {
		t.Errorf("after NFC: %q %q %q", it.Translations[0].Title, it.Attachments[0].Filename, it.Authors[0].Name)
	}
}

func TestValidIssuerCode(t *testing.T) {
	for s, want := range map[string]bool{
		"ubnd-tinh": true, "so-gd-dt": true, "a": true, strings.Repeat("a", MaxShortCode): true,
		"": false, "-ubnd": false, "ubnd tinh": false, "UBND": false, "ubnd_tinh": false, strings.Repeat("a", MaxShortCode+1): false,
	} {
		if got := ValidIssuerCode(s); got != want {
			t.Errorf("ValidIssuerCode(%q) = %v, want %v", s, got, want)
		}
	}
}
