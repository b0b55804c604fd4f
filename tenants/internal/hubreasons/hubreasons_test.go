package hubreasons

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
)

// TestEveryDocumentedCodeIsExplained reads the reason table of
// docs/ARCHITECTURE.md so that a code added there without an explanation
// fails here.
func TestEveryDocumentedCodeIsExplained(t *testing.T) {
	b, err := os.ReadFile("../../../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([A-Z_0-9]+)` \\| [A-Z_]+ \\|").FindAllSubmatch(b, -1)
	if len(rows) < 20 {
		t.Fatalf("found %d reason rows in ARCHITECTURE.md; the table moved?", len(rows))
	}
	for _, r := range rows {
		code := string(r[1])
		for _, lang := range []string{"vi", "en"} {
			x := Explain(code, "InvalidArgument", lang)
			if x.Code != code || x.Title == "" || x.Meaning == "" || x.Fix == "" {
				t.Errorf("Explain(%s, %s) = %+v, want a full explanation", code, lang, x)
			}
		}
	}
	codes := Codes()
	sort.Strings(codes)
	if len(codes) != len(rows) {
		t.Errorf("catalogue has %d codes, the table %d", len(codes), len(rows))
	}
}

func TestUnknownFallsBack(t *testing.T) {
	x := Explain("NEW_CODE", "Internal", "vi")
	if x.Code != "" || x.Title == "" || x.Fix == "" {
		t.Errorf("got %+v, want the generic explanation", x)
	}
	if got := Explain("", "Unauthenticated", "en"); got.Title != catalogue["UNAUTHENTICATED"].en.Title {
		t.Errorf("by gRPC code: got %q", got.Title)
	}
	if vi, en := Explain("slug_taken", "", "vi"), Explain("SLUG_TAKEN", "", "en"); vi.Title == en.Title || vi.Code != "SLUG_TAKEN" {
		t.Errorf("vi %q en %q", vi.Title, en.Title)
	}
}

// TestEveryHubReasonIsExplained keeps the catalogue equal to the hub's own
// reason table (contentrules), not only to the docs.
func TestEveryHubReasonIsExplained(t *testing.T) {
	want := contentrules.Reasons()
	got := Codes()
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("catalogue explains\n%v\nthe hub's reasons are\n%v", got, want)
	}
}
