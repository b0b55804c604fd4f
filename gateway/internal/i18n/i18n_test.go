package i18n

import (
	"sort"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

func TestRussianPlurals(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ru := c.For("ru")
	for _, tt := range []struct {
		n    int
		want string
	}{
		{1, "1 материал"}, {2, "2 материала"}, {5, "5 материалов"}, {21, "21 материал"},
		{22, "22 материала"}, {11, "11 материалов"}, {0, "0 материалов"},
	} {
		if got := ru.N("items.count", tt.n); got != tt.want {
			t.Errorf("ru items.count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	en := c.For("en")
	if got, want := en.N("items.count", 1), "1 item"; got != want {
		t.Errorf("en items.count(1) = %q, want %q", got, want)
	}
	if got, want := en.N("items.count", 21), "21 items"; got != want {
		t.Errorf("en items.count(21) = %q, want %q", got, want)
	}
	if got, want := c.For("vi").N("items.count", 21), "21 mục thông tin"; got != want {
		t.Errorf("vi items.count(21) = %q, want %q", got, want)
	}
}

func TestCataloguesHaveTheSameMessages(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := c.MessageIDs("vi")
	sort.Strings(want)
	if len(want) < 50 {
		t.Fatalf("vi catalogue has %d messages; did it load?", len(want))
	}
	for _, lang := range Languages[1:] {
		got := c.MessageIDs(lang)
		sort.Strings(got)
		have := map[string]bool{}
		for _, id := range got {
			have[id] = true
		}
		for _, id := range want {
			if !have[id] {
				t.Errorf("%s catalogue lacks %q", lang, id)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s has %d messages, vi %d", lang, len(got), len(want))
		}
	}
}

func TestMissingMessageIsVisible(t *testing.T) {
	c, _ := Load()
	if got := c.For("en").T("no.such.message"); got != "[no.such.message]" {
		t.Errorf("missing message = %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"", "vi"},
		{"en-US,en;q=0.9", "en"},
		{"ru-RU,ru;q=0.9,en;q=0.8", "ru"},
		{"fr-FR,en;q=0.5", "en"},
		{"de-DE", "vi"},
		{"vi-VN,vi;q=0.9,en;q=0.8", "vi"},
		{"en;q=0.3,ru;q=0.9", "ru"},
		{"garbage;;;", "vi"},
	} {
		if got := Negotiate(tt.header); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// Every kind of content has its name in every language: an item page names
// its kind (a missing one showed "[kind.CONTENT_KIND_WORK_SCHEDULE]").
func TestEveryContentKindHasAName(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		have := map[string]bool{}
		for _, id := range c.MessageIDs(lang) {
			have[id] = true
		}
		for _, kind := range pb.ContentKind_name {
			if !have["kind."+kind] {
				t.Errorf("%s catalogue lacks kind.%s", lang, kind)
			}
		}
	}
}
