package editorial

import "testing"

func TestChangeField(t *testing.T) {
	locales := []string{"vi", "en", "fr"}
	for hub, want := range map[string]string{
		"item.translations[vi].title":     "texts[vi].title",
		"item.translations[en].body_html": "texts[en].markdown",
		"item.translations[2].locale":     "texts[fr]",
		"item.translations":               "texts[vi].title",
		"item.legal_document.number":      "legal_document.number",
		"item.attachments[3].sha256":      "attachments[3].sha256",
		"item.category":                   "category",
		"item":                            "",
	} {
		if got := changeField(hub, locales); got != want {
			t.Errorf("changeField(%q) = %q, want %q", hub, got, want)
		}
	}
}
