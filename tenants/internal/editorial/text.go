package editorial

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"golang.org/x/text/unicode/norm"
)

// Limits of a change (the hub's limits, and a Markdown body small enough
// that its HTML stays well under the hub's 1 MiB).
const (
	MaxTitle        = 300       // characters
	MaxSummary      = 1000      // characters
	MaxMarkdown     = 200 << 10 // bytes
	MaxAttachments  = 20
	MaxContributors = 50
	maxName         = 200 // characters
	maxComment      = 2000
)

// TextField names a text field of a change, as errors, notices and
// keepAsTyped name it: "texts[vi].title", "texts[en].markdown", ...
func TextField(locale, name string) string { return fmt.Sprintf("texts[%s].%s", locale, name) }

// prepare normalises a change to be saved and checks it: text NFC, legacy
// Vietnamese encodings converted (unless keepAsTyped names the field) with
// a notice, broken text refused, empty slugs made from titles, and every
// limit. It returns the change as it is stored.
func prepare(ch Change, keepAsTyped map[string]bool) (Change, []TextNotice, error) {
	ch = ch.clone()
	texts := map[string]LocaleText{}
	var notices []TextNotice
	for loc, t := range ch.Texts {
		if loc != "vi" && loc != "en" && loc != "ru" {
			return Change{}, nil, errs.Invalid("texts["+loc+"]", "locale must be vi, en or ru", "Ngôn ngữ phải là vi, en hoặc ru.")
		}
		fields := []struct {
			name string
			p    *string
		}{{"title", &t.Title}, {"summary", &t.Summary}, {"markdown", &t.Markdown}, {"slug", &t.Slug}}
		for _, f := range fields {
			field := TextField(loc, f.name)
			if !utf8.ValidString(*f.p) || strings.ContainsRune(*f.p, utf8.RuneError) {
				return Change{}, nil, errs.Invalid(field, "the text is not valid UTF-8",
					fmt.Sprintf("%s: văn bản không phải Unicode hợp lệ (UTF-8).", fieldVI(field)))
			}
			s := norm.NFC.String(*f.p)
			if f.name != "markdown" {
				s = strings.TrimSpace(s)
			}
			if loc == "vi" && f.name != "slug" && s != "" {
				r := checkVietnamese(s)
				switch {
				case r.Broken:
					return Change{}, nil, errs.Invalid(field, "the text looks broken: "+r.Reason,
						fmt.Sprintf("%s: văn bản có vẻ bị lỗi mã hoá, không lưu được. %s", fieldVI(field), r.ReasonVI))
				case r.Converted && !keepAsTyped[field]:
					after := norm.NFC.String(r.Text)
					notices = append(notices, TextNotice{Field: field, Encoding: r.Encoding, Before: s, After: after, Changes: r.Changes,
						MessageVI: fmt.Sprintf("%s: %s Nếu muốn giữ nguyên như đã gõ, hãy chọn “Giữ nguyên như đã gõ” và lưu lại.",
							fieldVI(field), r.ReasonVI)})
					s = after
				}
			}
			*f.p = s
		}
		if t == (LocaleText{}) {
			continue // an empty translation is no translation
		}
		if t.Title == "" {
			return Change{}, nil, errs.Invalid(TextField(loc, "title"), "title is required", fieldVI(TextField(loc, "title"))+" là bắt buộc.")
		}
		if n := utf8.RuneCountInString(t.Title); n > MaxTitle {
			return Change{}, nil, tooLong(TextField(loc, "title"), n, MaxTitle)
		}
		if n := utf8.RuneCountInString(t.Summary); n > MaxSummary {
			return Change{}, nil, tooLong(TextField(loc, "summary"), n, MaxSummary)
		}
		if len(t.Markdown) > MaxMarkdown {
			return Change{}, nil, errs.Invalid(TextField(loc, "markdown"), fmt.Sprintf("the body is %d bytes, at most %d", len(t.Markdown), MaxMarkdown),
				fmt.Sprintf("%s quá dài: %d KiB, tối đa %d KiB.", fieldVI(TextField(loc, "markdown")), (len(t.Markdown)+1023)/1024, MaxMarkdown>>10))
		}
		if t.Slug == "" {
			t.Slug = Slugify(t.Title)
		} else {
			t.Slug = strings.ToLower(t.Slug)
		}
		if !store.ValidSlug(t.Slug) {
			return Change{}, nil, errs.Invalid(TextField(loc, "slug"), "slug must be 1-200 characters of a-z, 0-9 and -",
				"Đường dẫn (slug) phải gồm 1–200 ký tự a-z, 0-9 hoặc dấu -.")
		}
		texts[loc] = t
	}
	if _, ok := texts["vi"]; !ok {
		return Change{}, nil, errs.Invalid(TextField("vi", "title"), "a Vietnamese title is required", "Bắt buộc phải có tiêu đề tiếng Việt.")
	}
	ch.Texts = texts

	if ch.ContentID == "" {
		ch.ContentID = texts["vi"].Slug
		if len(ch.ContentID) > 100 {
			ch.ContentID = strings.TrimRight(ch.ContentID[:100], "-")
		}
	}
	if err := store.CheckContentID(ch.ContentID); err != nil {
		return Change{}, nil, err
	}
	if ch.Kind == pb.ContentKind_CONTENT_KIND_UNSPECIFIED || pb.ContentKind_name[int32(ch.Kind)] == "" {
		return Change{}, nil, errs.Invalid("kind", "kind is required", "Chưa chọn loại nội dung.")
	}
	ch.Category = strings.TrimSpace(ch.Category)
	if ch.Category == "" {
		return Change{}, nil, errs.Invalid("category", "category is required", "Chưa chọn chuyên mục.")
	}
	if err := checkDetails(ch.Kind, ch); err != nil {
		return Change{}, nil, err
	}
	if len(ch.Attachments) > MaxAttachments {
		return Change{}, nil, errs.Invalid("attachments", fmt.Sprintf("at most %d attachments", MaxAttachments),
			fmt.Sprintf("Tối đa %d tệp đính kèm.", MaxAttachments))
	}
	for i, a := range ch.Attachments {
		if !store.ValidSHA256(a.GetSha256()) {
			return Change{}, nil, errs.Invalid(fmt.Sprintf("attachments[%d].sha256", i), "not a lower-case hex SHA-256",
				"Mã SHA-256 của tệp đính kèm không hợp lệ.")
		}
		if n := utf8.RuneCountInString(a.GetTitle()); n > MaxTitle {
			return Change{}, nil, tooLong(fmt.Sprintf("attachments[%d].title", i), n, MaxTitle)
		}
	}
	if n := utf8.RuneCountInString(ch.Unpublishing.GetReason()); n > store.MaxUnpublishReason {
		return Change{}, nil, tooLong("unpublishing.reason", n, store.MaxUnpublishReason)
	}
	// The shell normalises every other string to NFC and checks the
	// details' type; reading it back gives the change as stored.
	shell, err := ch.shell()
	if err != nil {
		return Change{}, nil, err
	}
	return changeFromShell(shell, texts), notices, nil
}

// checkDetails refuses details of another kind than the change's.
func checkDetails(kind pb.ContentKind, ch Change) error {
	if ch.Details == nil {
		return nil
	}
	var ok bool
	switch ch.Details.(type) {
	case *pb.LegalDocument:
		ok = kind == pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
	case *pb.PublicService:
		ok = kind == pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE
	case *pb.ProcurementNotice:
		ok = kind == pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE
	case *pb.Dataset:
		ok = kind == pb.ContentKind_CONTENT_KIND_DATASET
	case *pb.OrganisationUnit:
		ok = kind == pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT
	case *pb.DirectoryEntry:
		ok = kind == pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY
	case *pb.ExternalLink:
		ok = kind == pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK
	}
	if !ok {
		return errs.Invalid("details", fmt.Sprintf("details %T do not belong to kind %s", ch.Details, kind),
			"Thông tin chi tiết không khớp với loại nội dung đã chọn.")
	}
	return nil
}

func tooLong(field string, n, limit int) error {
	return errs.Invalid(field, fmt.Sprintf("%d characters, at most %d", n, limit),
		fmt.Sprintf("%s quá dài: %d ký tự, tối đa %d ký tự.", fieldVI(field), n, limit))
}

// fieldVI names a field for an editor, in Vietnamese.
func fieldVI(field string) string {
	var loc, name string
	if _, err := fmt.Sscanf(strings.NewReplacer("[", " ", "].", " ").Replace(field), "texts %s %s", &loc, &name); err != nil {
		return field
	}
	lang := map[string]string{"vi": "tiếng Việt", "en": "tiếng Anh", "ru": "tiếng Nga"}[loc]
	what := map[string]string{"title": "Tiêu đề", "summary": "Tóm tắt", "markdown": "Nội dung", "slug": "Đường dẫn"}[name]
	if lang == "" || what == "" {
		return field
	}
	return what + " (" + lang + ")"
}

// Slugify makes a URL slug of a title: Vietnamese letters without their
// marks (đ as d), Russian letters transliterated, everything else folded to
// single dashes, at most 200 characters.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		var s string
		switch {
		case r == 'đ':
			s = "d"
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			s = string(r)
		default:
			t, ok := cyrillic[r]
			if ok && t == "" {
				continue // the hard and soft signs are dropped, not separators
			}
			s = t
		}
		if s == "" {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(s)
	}
	out := b.String()
	if len(out) > 200 {
		out = out[:200]
		if i := strings.LastIndexByte(out, '-'); i > 100 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}

// cyrillic transliterates Russian letters (after NFD: й is и plus a mark).
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "iu", 'я': "ia",
}
