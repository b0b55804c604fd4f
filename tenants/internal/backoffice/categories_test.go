package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestCategorySelector: the selector offers the hub's categories (as the
// sub-portal kept them) that admit the editor's kind, named as the hub
// names them, and a category that does not admit the kind is refused.
func TestCategorySelector(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	options := func(doc *goquery.Document) []string {
		var out []string
		doc.Find(`select#category option`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("value", "")+"="+s.Text())
		})
		return out
	}
	selected := func(doc *goquery.Document) string {
		return doc.Find(`select#category option[selected]`).AttrOr("value", "")
	}

	_, doc := b.get("/noi-dung/moi?kind=legal")
	if got := options(doc); len(got) != 1 || got[0] != "legal=Văn bản pháp luật" {
		t.Errorf("legal document editor offers %v, want only legal", got)
	}
	_, doc = b.get("/noi-dung/moi?kind=article&lang=en")
	got := options(doc)
	if len(got) < 5 || selected(doc) != "news" {
		t.Errorf("article editor offers %v (selected %q), want several with news selected", got, selected(doc))
	}
	for _, o := range got {
		if o == "legal=Legal documents" || o == "links=Links" {
			t.Errorf("article editor offers %s", o)
		}
	}
	if !contains(got, "news=News and events") {
		t.Errorf("article editor in English: %v, want the hub's English names", got)
	}

	// A legal document filed under news comes back with the category marked.
	resp, doc := b.postMultipart("/noi-dung/moi?kind=legal", url.Values{"category": {"news"}, "vi_title": {"Quyết định về quy chế"},
		"legal_number": {"15/2025/QĐ-UBND"}, "legal_type": {"Quyết định"}, "legal_issuer": {"UBND tỉnh"}, "op": {"save"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("legal under news: status %d", resp.StatusCode)
	}
	if doc.Find(`#err-category`).Length() != 1 || selected(doc) != "news" {
		t.Errorf("legal under news: no error on the category (%q), selected %q", errorSummary(doc), selected(doc))
	}
}

// TestCategoryWithoutList: before the hub ever answered, the editor takes a
// typed code and says why.
func TestCategoryWithoutList(t *testing.T) {
	f := newFixture(t)
	if _, err := f.store.Pool().Exec(context.Background(), `DELETE FROM categories`); err != nil {
		t.Fatal(err)
	}
	b := f.login("tacgia")
	_, doc := b.get("/noi-dung/moi?kind=article")
	if doc.Find(`input#category`).Length() != 1 || doc.Find(`#hint-category`).Length() != 1 {
		t.Errorf("no text input with a hint for the category")
	}
}

// TestSectionSlugRefused: a slug that is a section's address (a category's
// slug, here the English one under vi) comes back on the slug field with
// the rule's Vietnamese reason (issue 7: the gateway would answer it with
// the section, never the item).
func TestSectionSlugRefused(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	form := article("Văn bản mới của tỉnh")
	form.Set("vi_slug", "legal-documents")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("section slug: status %d, want 400", resp.StatusCode)
	}
	got := doc.Find(`#err-vi_slug`).Text()
	if !strings.Contains(got, "trùng với đường dẫn của chuyên mục") || doc.Find(`input#vi_slug[aria-invalid=true]`).Length() != 1 {
		t.Errorf("section slug: slug error %q (summary %q), want the Vietnamese reason on the field", got, errorSummary(doc))
	}
	form.Set("vi_slug", "legal-documents-2026")
	if resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form); resp.StatusCode >= 400 {
		t.Errorf("another slug: status %d (%q)", resp.StatusCode, errorSummary(doc))
	}
}
