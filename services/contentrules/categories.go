package contentrules

import (
	"slices"
	"strings"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// Categories is the hub's category code list as the rules need it: for each
// code, the kinds of content the category admits. The hub builds it from its
// categories table; a sub-portal from the last ListCategories answer it
// kept. A nil Categories is no list at all: it accepts every non-empty code
// with every kind (a sub-portal that never reached the hub; the hub decides).
type Categories map[string][]pb.ContentKind

// CategoriesOf returns the rules' view of a list as ListCategories answers
// it, or nil for an empty list.
func CategoriesOf(list []*pb.Category) Categories {
	if len(list) == 0 {
		return nil
	}
	c := make(Categories, len(list))
	for _, cat := range list {
		c[cat.GetCode()] = slices.Clone(cat.GetKinds())
	}
	return c
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
	kinds, ok := cats[code]
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
