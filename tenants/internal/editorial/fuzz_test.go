package editorial

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/htmlcheck"
)

// The fuzz targets of the editorial rules (issue 12 point 4); make fuzz
// explores from the seeds in testdata/fuzz/<name> for a bounded time.

// FuzzSlugify: any title makes a slug the rules accept (or none, for a
// title with no letter or digit): no leading, trailing or doubled dash,
// and a fixed point (the slug of a slug is itself).
func FuzzSlugify(f *testing.F) {
	f.Fuzz(func(t *testing.T, title string) {
		s := Slugify(title)
		if s == "" {
			return
		}
		if !contentrules.ValidSlug(s) || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("Slugify(%q) = %q is not a clean slug", title, s)
		}
		if again := Slugify(s); again != s {
			t.Fatalf("Slugify(%q) = %q, but Slugify(%q) = %q", title, s, s, again)
		}
	})
}

// FuzzRenderMarkdown: whatever an editor types, the body pushed is valid
// UTF-8 (when the source is), balanced, and holds nothing that runs script
// or loads active content once placed in a page.
func FuzzRenderMarkdown(f *testing.F) {
	f.Fuzz(func(t *testing.T, md string) {
		out := RenderMarkdown(md)
		if utf8.ValidString(md) && !utf8.ValidString(out) {
			t.Fatalf("RenderMarkdown(%q) = %q is not UTF-8", md, out)
		}
		if found := htmlcheck.Fragment(out); len(found) > 0 {
			t.Fatalf("RenderMarkdown(%q) = %q keeps active content: %v", md, out, found)
		}
		if again := contentrules.BalanceHTML(out); again != out {
			t.Fatalf("RenderMarkdown(%q) = %q is not balanced: %q", md, out, again)
		}
	})
}
