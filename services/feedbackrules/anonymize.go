package feedbackrules

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// What Anonymize removes from a question before it is published as a
// question-and-answer item (issue 9 point 4): the kinds of personal detail,
// each replaced by a placeholder in the question's language.
const (
	KindName    = "name"
	KindPhone   = "phone"
	KindEmail   = "email"
	KindID      = "id" // ID card, passport, tax, insurance and bank account numbers, number plates
	KindAddress = "address"
)

// Kinds lists the kinds in the order the back office shows their counts.
var Kinds = []string{KindName, KindPhone, KindEmail, KindID, KindAddress}

var placeholders = map[string]map[string]string{
	"vi": {KindName: "[họ tên]", KindPhone: "[số điện thoại]", KindEmail: "[thư điện tử]", KindID: "[số giấy tờ]", KindAddress: "[địa chỉ]"},
	"en": {KindName: "[name]", KindPhone: "[phone number]", KindEmail: "[e-mail]", KindID: "[ID number]", KindAddress: "[address]"},
	"ru": {KindName: "[имя]", KindPhone: "[номер телефона]", KindEmail: "[эл. почта]", KindID: "[номер документа]", KindAddress: "[адрес]"},
}

// Placeholder is what replaces a detail of kind in a text of lang (vi when
// lang is not one of Languages).
func Placeholder(lang, kind string) string {
	p, ok := placeholders[lang]
	if !ok {
		p = placeholders["vi"]
	}
	return p[kind]
}

// Anonymized is a text with its personal details replaced, and how many of
// each kind were (never the details themselves, so it can be logged and
// shown).
type Anonymized struct {
	Text  string
	Found map[string]int
}

// Count is how many details were replaced.
func (a Anonymized) Count() int {
	n := 0
	for _, c := range a.Found {
		n += c
	}
	return n
}

// Anonymize replaces the names, phone numbers, e-mail addresses, ID numbers
// and street addresses it finds in text by placeholders in lang. known are
// details the asker gave in the form (their name, e-mail, phone): each is
// removed wherever it appears, with or without diacritics, and so are the
// last words of a known name after a form of address ("anh Minh").
//
// It errs on the side of removing: a street named after a person or a
// number that only looks like an ID goes too; the editor sees the result
// and adjusts it before an approver confirms it. Running it again on its
// result changes nothing.
func Anonymize(text, lang string, known ...string) Anonymized {
	text = norm.NFC.String(text)
	var spans []span
	for _, d := range detectors {
		for _, m := range d.re.FindAllStringSubmatchIndex(text, -1) {
			s, e := m[0], m[1]
			if d.group > 0 {
				if m[2*d.group] < 0 {
					continue
				}
				s, e = m[2*d.group], m[2*d.group+1]
			}
			kind := d.kind
			if d.check != nil {
				if kind = d.check(text, s, e); kind == "" {
					continue
				}
			}
			spans = append(spans, span{s, e, kind})
		}
	}
	spans = append(spans, knownSpans(text, known)...)
	return replace(text, lang, spans)
}

type span struct {
	start, end int
	kind       string
}

type detector struct {
	kind  string
	re    *regexp.Regexp
	group int // the submatch that is the detail; 0 the whole match
	// check decides the kind of a match ("" keeps it), when the pattern
	// alone cannot.
	check func(text string, start, end int) string
}

const (
	// nameWord is a capitalised word: the parts of a name.
	nameWord = `\p{Lu}[\p{Ll}\p{M}]*`
	nameSeq  = nameWord + `(?:[ \t]+` + nameWord + `){0,3}`
	// place is a capitalised name or a number (a street, hamlet, group).
	place    = `(?:\p{Lu}[\p{L}\p{M}]*|\d+[A-Za-z]?)(?:[ \t]+(?:\p{Lu}[\p{L}\p{M}]*|\d+[A-Za-z]?)){0,4}`
	houseNum = `\d+[A-Za-z]?(?:[/\-]\d+[A-Za-z]?)*`
)

var detectors = []detector{
	// E-mail addresses, also written "an (at) gmail (dot) com".
	{kind: KindEmail, re: regexp.MustCompile(`[\p{L}0-9._%+\-]+[ \t]*(?:@|\((?i:at)\)|\[(?i:at)\]|＠)[ \t]*[\p{L}0-9\-]+(?:(?:\.|[ \t]*(?:\((?i:dot)\)|\[(?i:dot)\])[ \t]*)[\p{L}0-9\-]+)+`)},
	// Numbers written with spaces, dots or dashes inside, +84 or (84)
	// before: phones, ID, tax, insurance and account numbers, by how many
	// digits they have.
	{re: regexp.MustCompile(`(?:\+|\(\+?84\)[ .]?)?\d(?:[ .\-]?\d)*`), check: numberKind},
	// A number after the name of what it numbers, however short.
	{kind: KindID, group: 1, re: regexp.MustCompile(`(?i:cccd|cmnd|cmtnd|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|hộ chiếu|mã số thuế|mst|mã số bhxh|số bhxh|sổ bhxh|bảo hiểm xã hội|bhyt|thẻ bảo hiểm y tế|số tài khoản|stk|tài khoản(?: ngân hàng)?|giấy phép lái xe|gplx|biển số(?: xe)?|passport|id card|identity card|account|паспорт|инн|снилс|счёт|счет)[^\d\n]{0,24}?[ \t:]((?:[A-Z]{1,2}[ .\-]?)?\d(?:[ .\-]?\d){4,})`)},
	// Passports (a letter and 7 or 8 digits) and number plates (79A-123.45).
	{kind: KindID, re: regexp.MustCompile(`\b[A-Z]\d{7,8}\b|\b\d{2}[A-Z]{1,2}\d?[ \-]?\d{3}\.?\d{1,2}\b`)},
	// Vietnamese street addresses: a house number and a street, lane or
	// alley; a number after "số nhà"; hamlets, groups and quarters;
	// apartments.
	{kind: KindAddress, re: regexp.MustCompile(`(?:(?:[Ss]ố[ \t]+nhà|[Nn]hà[ \t]+số|[Ss]ố)[ \t]+)?` + houseNum + `[ \t]*,?[ \t]*(?:[Đđ]ường|[Pp]hố|[Hh]ẻm|[Kk]iệt|[Nn]gõ|[Nn]gách|[Dd]uong|[Pp]ho|[Hh]em|[Kk]iet|[Nn]go|[Đđ]\.)[ \t]+` + place)},
	{kind: KindAddress, re: regexp.MustCompile(`(?:[Ss]ố[ \t]+nhà|[Nn]hà[ \t]+số|[Ss]ố[ \t]+nha|[Nn]ha[ \t]+so)[ \t]+` + houseNum + `(?:[ \t]*,?[ \t]*` + place + `)?`)},
	{kind: KindAddress, group: 1, re: regexp.MustCompile(`(?:[ởỞ]|[Tt]ại|[Đđ]ịa[ \t]+chỉ(?:[ \t]+là)?:?|[Tt]rú|[Ss]ống|[Nn]hà[ \t]+tôi|[Nn]hà[ \t]+em|[Nn]hà[ \t]+mình|[Ll]ive[ \t]+at|[Aa]ddress(?:[ \t]+is)?:?)[ \t]+((?:[Ss]ố[ \t]+)?` + houseNum + `[ \t]*,?[ \t]*` + place + `)`)},
	// Hamlets, villages, quarters, buildings: by name or number.
	{kind: KindAddress, re: regexp.MustCompile(`(?:[Tt]ổ[ \t]+dân[ \t]+phố|[Tt]hôn|[Xx]óm|[Ấấ]p|[Kk]hu[ \t]+phố|[Kk]hóm|[Bb]uôn|[Kk]hu[ \t]+tập[ \t]+thể|[Cc]hung[ \t]+cư|TDP|KP)[ \t]+(?:số[ \t]+)?(?:\d+[A-Za-z]?(?:[.\-/]\d+)*|\p{Lu}[\p{L}\p{M}]*(?:[ \t]+\p{Lu}[\p{L}\p{M}]*){0,3}\d*)`)},
	// Groups, lanes, alleys, apartments, rooms, lots: by number, with the
	// street after.
	{kind: KindAddress, re: regexp.MustCompile(`(?:[Tt]ổ|[Hh]ẻm|[Kk]iệt|[Nn]gõ|[Nn]gách|[Cc]ăn[ \t]+hộ|[Pp]hòng|[Ll]ô|[Bb]lock|[Hh]em|[Kk]iet)[ \t]+(?:số[ \t]+)?\d+[A-Za-z]?(?:[.\-/]\d+)*(?:[ \t]+` + place + `)?`)},
	{kind: KindAddress, re: regexp.MustCompile(`\b` + houseNum + `[ \t]+(?:[A-Z][\p{L}]*[ \t]+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Alley|Boulevard)`)},
	{kind: KindAddress, re: regexp.MustCompile(`(?:ул\.|улиц[аеуы]|пер\.|переул[а-я]*|проспект[а-я]*|пр-т|пр\.)[ \t]*\p{Lu}[\p{L}\-]*(?:[ \t]+\p{Lu}[\p{L}\-]*){0,3}(?:,?[ \t]*(?:д\.|дом)[ \t]*\d+[а-я]?)?(?:,?[ \t]*(?:кв\.|квартира)[ \t]*\d+)?`)},
	{kind: KindAddress, group: 1, re: regexp.MustCompile(`(?:^|[^\p{L}])((?:[дД]ом[а-я]?|д\.)[ \t]*\d+[а-я]?(?:,?[ \t]*(?:кв\.|квартира)[ \t]*\d+)?)`)},
	// Names: after "tôi là", "tên tôi là", "my name is", "меня зовут"...
	{kind: KindName, group: 1, re: regexp.MustCompile(`(?:(?:[Tt]ôi|[Ee]m|[Cc]háu|[Mm]ình|[Cc]on|[Tt]oi)[ \t]+(?:tên[ \t]+)?(?:là|tên|la|ten)|[Tt]ên[ \t]+(?:của[ \t]+)?(?:tôi|em|mình|cháu|con)[ \t]+là|[Hh]ọ[ \t]+(?:và[ \t]+)?tên:?|[Nn]gười[ \t]+(?:gửi|hỏi):?|[Mm]y[ \t]+name[ \t]+is|[Яя][ \t]*[—–-]|I[ \t]+am|I'm|[Мм]еня[ \t]+зовут|[Мм]оё[ \t]+имя|[Мм]оя[ \t]+фамилия|[Сс][ \t]+уважением,?|[Rr]egards,?|[Ss]incerely,?)[ \t]+(` + nameSeq + `)`), check: notPublicName},
	// ... after a form of address (ông, bà, anh, chị, Mr, господин)...
	{kind: KindName, group: 1, re: regexp.MustCompile(`(?:^|[^\p{L}\p{M}])(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Ee]m|[Cc]ô|[Cc]hú|[Bb]ác|[Cc]háu|[Cc]ụ|[Dd]ì|[Cc]ậu|[Mm]ợ|[Tt]hím|[Vv]ợ[ \t]+tôi|[Cc]hồng[ \t]+tôi|[Cc]on[ \t]+tôi|[Mm]ẹ[ \t]+tôi|[Bb]ố[ \t]+tôi|[Cc]ha[ \t]+tôi|Mr\.?|Mrs\.?|Ms\.?|Miss|[Гг]осподин|[Гг]оспожа|[Гг]-н|[Гг]-жа)[ \t]+(` + nameSeq + `)`), check: notPublicName},
	// ... and full names led by a Vietnamese family name.
	{kind: KindName, group: 1, re: regexp.MustCompile(`(?:^|[^\p{L}\p{M}])((?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trương|Lâm|Mai|Cao|Tạ|Lương|Đoàn|Trịnh|Hà|Tô|Châu|Thái|Kiều|Quách|Lưu|Văn|Đào|Triệu|Nguyen|Tran|Pham|Hoang|Huynh|Vo|Dang|Bui|Ngo|Duong|Dinh|Truong|Luong|Doan|Trinh|Dao)(?:[ \t]+` + nameWord + `){1,3})`), check: notPlaceName},
}

// numberKind tells a phone number from an ID number by its digits, and
// keeps what is neither: years, dates, sums of money, document numbers.
func numberKind(text string, start, end int) string {
	m := text[start:end]
	digits := 0
	for _, r := range m {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < 9 {
		return ""
	}
	plain := strings.TrimLeft(m, "+(")
	if thousands.MatchString(m) || moneyAfter.MatchString(text[end:]) {
		return ""
	}
	switch {
	case strings.HasPrefix(m, "+") || strings.HasPrefix(m, "(") || strings.HasPrefix(plain, "84") && digits >= 11 && digits <= 12:
		return KindPhone
	case plain[0] == '0' && (digits == 10 || digits == 11):
		return KindPhone
	}
	return KindID
}

var (
	thousands  = regexp.MustCompile(`^[1-9]\d{0,2}(?:[.,]\d{3})+$`)
	moneyAfter = regexp.MustCompile(`^[ \t]*(?:đồng|đ\b|VND|VNĐ|vnđ|vnd|USD|usd|\$|рубл|донг)`)
)

// publicNames are matches a question may rightly hold: places named like
// people (a form of address or a family name in front), and public
// figures.
var publicNames = map[string]bool{
	"Hồ Chí Minh": true, "Rịa": true, "Tô": true, "Hồ": true, "Võ Nguyên Giáp": true, "Tôn Đức Thắng": true,
	"Hà Nội": true, "Hà Tĩnh": true, "Hà Giang": true, "Hà Nam": true, "Cao Bằng": true, "Lâm Đồng": true,
	"Thái Bình": true, "Thái Nguyên": true, "Châu Âu": true, "Châu Á": true, "Phan Rang": true, "Phan Thiết": true,
	"Phan Rang Tháp Chàm": true, "Ponagar": true,
}

// notPublicName keeps a name match unless it is a public one.
func notPublicName(text string, start, end int) string {
	if publicNames[text[start:end]] {
		return ""
	}
	return KindName
}

// placeWords before a family-name match make it the name of a street, a
// school or another place named after a person, which is kept.
var placeWords = []string{"đường", "phố", "trường", "thpt", "thcs", "tiểu học", "bệnh viện", "cầu", "chợ", "công viên",
	"quảng trường", "thành phố", "tp", "tp.", "tỉnh", "huyện", "quận", "lăng", "bến", "khu", "duong", "street", "school"}

func notPlaceName(text string, start, end int) string {
	before := strings.ToLower(strings.TrimRight(text[max(0, start-20):start], " \t,"))
	for _, w := range placeWords {
		if strings.HasSuffix(before, w) {
			return ""
		}
	}
	return notPublicName(text, start, end)
}

// knownSpans finds each known detail in text, ignoring case and
// diacritics; for a name of several words, also its last one or two words
// after a form of address.
func knownSpans(text string, known []string) []span {
	folded, at := fold(text)
	var out []span
	find := func(needle, kind string, wordy bool) {
		if len([]rune(needle)) < 2 {
			return
		}
		for i := 0; ; {
			j := strings.Index(folded[i:], needle)
			if j < 0 {
				return
			}
			s, e := i+j, i+j+len(needle)
			i = e
			if wordy && (!boundary(folded, s-1) || !boundary(folded, e)) {
				continue
			}
			out = append(out, span{at[s], at[e], kind})
		}
	}
	for _, k := range known {
		k = strings.TrimSpace(norm.NFC.String(k))
		if k == "" {
			continue
		}
		f, _ := fold(k)
		switch {
		case strings.Contains(k, "@"):
			find(f, KindEmail, false)
		case strings.IndexFunc(k, unicode.IsLetter) < 0:
			// A phone: its digits, however grouped in the text, are
			// found by the number detector; here the same digits run
			// together.
			d := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, k)
			if len(d) >= 6 {
				find(d, KindPhone, false)
			}
		default:
			f = strings.Join(strings.Fields(f), " ")
			find(f, KindName, true)
			words := strings.Fields(f)
			for n := min(2, len(words)-1); n >= 1; n-- {
				tail := strings.Join(words[len(words)-n:], " ")
				for _, h := range honorifics {
					find(h+" "+tail, KindName, true)
				}
			}
		}
	}
	return out
}

var honorifics = []string{"ong", "ba", "anh", "chi", "em", "co", "chu", "bac", "chau", "cu", "mr", "mrs", "ms", "ban"}

func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// fold lowers s and strips its diacritics (đ as d), returning it with, for
// each of its byte offsets (and its length), the offset in s it came from.
func fold(s string) (string, []int) {
	var b strings.Builder
	at := make([]int, 0, len(s)+1)
	for i, r := range s {
		var out string
		switch r {
		case 'đ', 'Đ':
			out = "d"
		default:
			d := norm.NFD.String(string(unicode.ToLower(r)))
			out = strings.Map(func(r rune) rune {
				if unicode.Is(unicode.Mn, r) {
					return -1
				}
				return r
			}, d)
			if out == "" {
				out = string(r)
			}
		}
		if r == '\t' || r == '\n' {
			out = " "
		}
		for range len(out) {
			at = append(at, i)
		}
		b.WriteString(out)
	}
	at = append(at, len(s))
	return b.String(), at
}

// replace puts the placeholders in place of the spans, the earliest and
// then the longest winning where they overlap.
func replace(text, lang string, spans []span) Anonymized {
	slices.SortFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	out := Anonymized{Found: map[string]int{}}
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.start < pos {
			if s.end > pos {
				pos = s.end // an overlapping tail goes with the detail before it
			}
			continue
		}
		b.WriteString(text[pos:s.start])
		b.WriteString(Placeholder(lang, s.kind))
		out.Found[s.kind]++
		pos = s.end
	}
	b.WriteString(text[pos:])
	out.Text = b.String()
	return out
}
