package contentrules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// Categories is the hub's category code list as the rules need it: for each
// code, the kinds of content the category admits and its section's slugs.
// The hub builds it from its categories table; a sub-portal from the last
// ListCategories answer it kept. A nil Categories is no list at all: it
// accepts every non-empty code with every kind and every slug (a sub-portal
// that never reached the hub; the hub decides).
type Categories map[string]Category

// Category is one code of the list.
type Category struct {
	// Kinds are the kinds of content the category admits.
	Kinds []pb.ContentKind
	// Slugs are its section's slugs by locale, which no item may take.
	Slugs map[string]string
}

// CategoriesOf returns the rules' view of a list as ListCategories answers
// it, or nil for an empty list.
func CategoriesOf(list []*pb.Category) Categories {
	if len(list) == 0 {
		return nil
	}
	c := make(Categories, len(list))
	for _, cat := range list {
		c[cat.GetCode()] = Category{Kinds: slices.Clone(cat.GetKinds()), Slugs: maps.Clone(cat.GetSlugs())}
	}
	return c
}

// sectionOf returns the code of the category whose section slug, in any
// locale, is slug, and that locale (the first in code order, then vi, en,
// ru, so that the refusal's text does not change from call to call).
func (cats Categories) sectionOf(slug string) (code, locale string, ok bool) {
	for _, code := range slices.Sorted(maps.Keys(cats)) {
		for _, loc := range locales {
			if cats[code].Slugs[loc] == slug {
				return code, loc, true
			}
		}
	}
	return "", "", false
}

// checkSectionSlug refuses an item's slug that is a section's
// (SLUG_RESERVED): on a sub-portal site /{lang}/{tenant}/{slug} answers
// with the section, so the item could never be reached.
func (c *checker) checkSectionSlug(field, slug string, cats Categories) {
	code, loc, ok := cats.sectionOf(slug)
	if !ok {
		return
	}
	c.add(field, ReasonSlugReserved,
		fmt.Sprintf("slug %q is the address of the section of category %q (%s): the portal would show the section, not the item; choose another slug", slug, code, loc),
		fmt.Sprintf("Đường dẫn (slug) %q trùng với đường dẫn của chuyên mục %q (%s): cổng sẽ mở chuyên mục chứ không mở nội dung này; hãy chọn đường dẫn khác", slug, code, loc))
}

// checkCategory refuses an unknown category (UNKNOWN_CATEGORY) and one that
// does not admit the item's kind (KIND_CATEGORY_MISMATCH). Both name
// "item.category": the category is what an editor changes.
func (c *checker) checkCategory(code string, kind pb.ContentKind, cats Categories) {
	if code == "" {
		c.required("item.category", "chuyên mục")
		return
	}
	if cats == nil {
		return
	}
	cat, ok := cats[code]
	kinds := cat.Kinds
	_, knownKind := detailsField[kind] // an unknown kind is UNKNOWN_KIND already
	switch {
	case !ok:
		c.add("item.category", ReasonUnknownCategory,
			"category \""+code+"\" is not in the hub's code list",
			"Chuyên mục \""+code+"\" không có trong danh mục chuyên mục của cổng tỉnh")
	case knownKind && !slices.Contains(kinds, kind):
		c.add("item.category", ReasonKindCategoryMismatch,
			"category \""+code+"\" does not admit "+KindWord(kind)+" items; it admits "+kindList(kinds, KindWord),
			"Chuyên mục \""+code+"\" không nhận loại nội dung "+kindVI(kind)+"; chỉ nhận: "+kindList(kinds, kindVI))
	}
}

// KindWord is a kind as the hub's and the sub-portal's tables spell it:
// CONTENT_KIND_LEGAL_DOCUMENT is "legal_document".
func KindWord(k pb.ContentKind) string {
	return strings.ToLower(strings.TrimPrefix(k.String(), "CONTENT_KIND_"))
}

// KindOfWord reads a word KindWord wrote; CONTENT_KIND_UNSPECIFIED for any
// other string.
func KindOfWord(word string) pb.ContentKind {
	return pb.ContentKind(pb.ContentKind_value["CONTENT_KIND_"+strings.ToUpper(word)])
}

func kindList(kinds []pb.ContentKind, name func(pb.ContentKind) string) string {
	words := make([]string, 0, len(kinds))
	for _, k := range kinds {
		words = append(words, name(k))
	}
	return strings.Join(words, ", ")
}

// kindVI names a kind in Vietnamese, for refusals an editor reads.
func kindVI(k pb.ContentKind) string {
	switch k {
	case pb.ContentKind_CONTENT_KIND_ARTICLE:
		return "tin bài"
	case pb.ContentKind_CONTENT_KIND_PAGE:
		return "trang giới thiệu"
	case pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT:
		return "văn bản pháp luật"
	case pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE:
		return "dịch vụ công"
	case pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE:
		return "thông báo dự án, đấu thầu"
	case pb.ContentKind_CONTENT_KIND_DATASET:
		return "bộ dữ liệu"
	case pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT:
		return "cơ cấu tổ chức"
	case pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY:
		return "danh bạ"
	case pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK:
		return "liên kết"
	case pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE:
		return "lịch công tác"
	case pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER:
		return "hỏi đáp"
	}
	return KindWord(k)
}
