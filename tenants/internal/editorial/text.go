package editorial

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/vnenc"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
)

// Limits of the workflow's own records (the item's limits are the hub's, in
// contentrules): a Markdown body small enough that its HTML stays well under
// the hub's 1 MiB, and the royalty records.
const (
	MaxMarkdown     = 200 << 10 // bytes
	MaxContributors = 50
	maxName         = 200 // characters
	maxComment      = 2000
)

// TextField names a text field of a change, as errors, notices and
// keepAsTyped name it: "texts[vi].title", "texts[en].markdown", ...
func TextField(locale, name string) string { return fmt.Sprintf("texts[%s].%s", locale, name) }

// Check returns what prepare refuses ch for, or nil: the hub's verdict on
// the item the change would push (see prepare), as the back office shows it
// before saving. cats is the hub's category list as the sub-portal keeps it
// (nil when the hub never sent it: the hub decides).
func Check(ch Change, keepAsTyped map[string]bool, cats contentrules.Categories) error {
	_, _, err := prepare(ch, keepAsTyped, cats)
	return err
}

// prepare normalises a change to be saved and checks it: text NFC, legacy
// Vietnamese encodings converted (unless keepAsTyped names the field) with
// a notice, broken text refused, empty slugs made from titles, the content
// id made from the Vietnamese slug when empty; then the item the change
// would push (Markdown rendered) goes through the hub's rules
// (contentrules.CheckDraft: everything but what approval fills in), and
// every violation is refused with the hub's reason under the change's field
// names (texts[vi].title, texts[vi].markdown, legal_document.number, ...).
// It returns the change as it is stored.
func prepare(ch Change, keepAsTyped map[string]bool, cats contentrules.Categories) (Change, []TextNotice, error) {
	ch = ch.clone()
	texts := map[string]LocaleText{}
	var notices []TextNotice
	for loc, t := range ch.Texts {
		fields := []struct {
			name string
			p    *string
		}{{"title", &t.Title}, {"summary", &t.Summary}, {"markdown", &t.Markdown}, {"slug", &t.Slug}}
		for _, f := range fields {
			field := TextField(loc, f.name)
			if !utf8.ValidString(*f.p) || strings.ContainsRune(*f.p, utf8.RuneError) {
				return Change{}, nil, errs.Refused(field, contentrules.ReasonInvalidUTF8, "the text is not valid UTF-8",
					fmt.Sprintf("%s: văn bản không phải Unicode hợp lệ (UTF-8).", fieldVI(field)))
			}
			s := norm.NFC.String(*f.p)
			if f.name != "markdown" {
				s = strings.TrimSpace(s)
			}
			if loc == "vi" && f.name != "slug" && s != "" {
				r := vnenc.Check(s) // Art. 7.6
				switch {
				case r.Broken:
					return Change{}, nil, errs.Refused(field, contentrules.ReasonLegacyEncoding, "the text looks broken: "+r.Reason,
						fmt.Sprintf("%s: văn bản có vẻ bị lỗi mã hoá, không lưu được. %s", fieldVI(field), r.ReasonVI))
				case r.Converted && !keepAsTyped[field]:
					after := norm.NFC.String(r.Text)
					notices = append(notices, TextNotice{Field: field, Encoding: r.Encoding, Before: s, After: after, Changes: textChanges(r.Changes),
						MessageVI: fmt.Sprintf("%s: %s Nếu muốn giữ nguyên như đã gõ, hãy chọn “Giữ nguyên như đã gõ” và lưu lại; khi đó bản nháp được lưu nhưng không phê duyệt được, vì cổng tỉnh chỉ nhận văn bản Unicode.",
							fieldVI(field), r.ReasonVI)})
					s = after
				}
			}
			*f.p = s
		}
		if t == (LocaleText{}) {
			continue // an empty translation is no translation
		}
		if len(t.Markdown) > MaxMarkdown {
			return Change{}, nil, errs.Refused(TextField(loc, "markdown"), contentrules.ReasonTooLarge,
				fmt.Sprintf("the body is %d bytes, at most %d", len(t.Markdown), MaxMarkdown),
				fmt.Sprintf("%s quá dài: %d KiB, tối đa %d KiB.", fieldVI(TextField(loc, "markdown")), (len(t.Markdown)+1023)/1024, MaxMarkdown>>10))
		}
		if t.Slug == "" {
			t.Slug = Slugify(t.Title)
		} else {
			t.Slug = strings.ToLower(t.Slug)
		}
		texts[loc] = t
	}
	ch.Texts = texts
	ch.Category = strings.TrimSpace(ch.Category)
	if ch.ContentID == "" {
		ch.ContentID = texts["vi"].Slug
		if len(ch.ContentID) > contentrules.MaxContentID {
			ch.ContentID = strings.TrimRight(ch.ContentID[:contentrules.MaxContentID], "-")
		}
	}
	shell, err := checkRules(ch, cats)
	if err != nil {
		return Change{}, nil, err
	}
	return changeFromShell(shell, texts), notices, nil
}

// checkRules refuses a change whose item the hub would refuse: the item it
// would push (Markdown rendered) goes through contentrules.CheckDraft
// (everything but what approval fills in), and the violations come back
// with the hub's reasons under the change's field names. It returns the
// change's shell (everything but its texts; every string NFC, the details'
// type checked), from which the change is read back as stored.
func checkRules(ch Change, cats contentrules.Categories) (*pb.ContentItem, error) {
	shell, err := ch.shell()
	if err != nil {
		return nil, err
	}
	item := proto.Clone(shell).(*pb.ContentItem)
	for _, a := range item.GetAttachments() {
		if a.GetFilename() == "" {
			a.Filename = "file" // approval names it after its stored file
		}
	}
	locales := sortedLocales(ch.Texts)
	for _, loc := range locales {
		t := ch.Texts[loc]
		item.Translations = append(item.Translations, &pb.Translation{Locale: loc, Title: t.Title, Summary: t.Summary,
			BodyHtml: RenderMarkdown(t.Markdown), Slug: t.Slug})
	}
	if e := errs.Rules(contentrules.CheckDraft(item, cats), func(hub string) string { return changeField(hub, locales) }); e != nil {
		return nil, e
	}
	return shell, nil
}

// changeField names a field of the item a change pushes as the change names
// it: "item.translations[vi].body_html" is "texts[vi].markdown", a
// translation named by its index (an unknown locale) is named by its
// locale, the missing Vietnamese translation is "texts[vi].title", and
// "item.legal_document.number" is "legal_document.number". locales are the
// translations' locales in the item's order.
func changeField(hub string, locales []string) string {
	f := strings.TrimPrefix(strings.TrimPrefix(hub, "item"), ".")
	rest, ok := strings.CutPrefix(f, "translations")
	if !ok {
		return f
	}
	if rest == "" {
		return TextField("vi", "title")
	}
	key, sub, _ := strings.Cut(strings.TrimPrefix(rest, "["), "]")
	if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(locales) {
		key = locales[i]
	}
	sub = strings.TrimPrefix(sub, ".")
	switch sub {
	case "body_html":
		sub = "markdown"
	case "", "locale":
		return "texts[" + key + "]"
	}
	return TextField(key, sub)
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

// textChanges returns the words vnenc converted as the notice lists them.
func textChanges(cs []vnenc.Change) []TextChange {
	var out []TextChange
	for _, c := range cs {
		out = append(out, TextChange{Before: c.Before, After: c.After})
	}
	return out
}
