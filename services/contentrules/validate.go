package contentrules

import (
	"fmt"
	"math"
	"mime"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

var (
	contentIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	slugRE      = regexp.MustCompile(`^[a-z0-9-]+$`)
	tenantRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`) // as in the hub's tenants table
	sha256RE    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// validate checks the rules of an item whose strings are already NFC and
// within their length limits (those are checked by Prepare's string pass).
func validate(it *pb.ContentItem, cats Categories) []Violation {
	var v checker

	switch id := it.GetContentId(); {
	case id == "":
		v.required("item.content_id", "mã nội dung")
	case !contentIDRE.MatchString(id):
		v.format("item.content_id", "mã nội dung", "[a-z0-9-], starting with a letter or digit", "chỉ gồm a-z, 0-9 và dấu gạch ngang, bắt đầu bằng chữ hoặc số")
	}

	switch ver := it.GetVersion(); {
	case ver == 0:
		v.add("item.version", ReasonVersionZero, "version must be at least 1", "Phiên bản phải lớn hơn hoặc bằng 1")
	case ver > math.MaxInt64:
		v.format("item.version", "phiên bản", "at most 2^63-1", "không được lớn hơn 2^63-1")
	}

	v.kindAndDetails(it)

	v.checkCategory(it.GetCategory(), it.GetKind(), cats)

	v.translations(it.GetTranslations(), cats)
	v.legacyText(it.GetTranslations())

	if n := len(it.GetAuthors()); n > MaxAuthors {
		v.add("item.authors", ReasonTooMany, fmt.Sprintf("%d authors, limit %d", n, MaxAuthors),
			fmt.Sprintf("Có %d tác giả, vượt quá giới hạn %d", n, MaxAuthors))
	}
	for i, a := range it.GetAuthors() {
		if a.GetName() == "" {
			v.required(fmt.Sprintf("item.authors[%d].name", i), "tên tác giả")
		}
	}
	if e := it.GetEditor(); e != nil && e.GetName() == "" && e.GetAccount() != "" {
		v.required("item.editor.name", "tên biên tập viên")
	}
	switch ap := it.GetApprover(); {
	case ap == nil:
		v.add("item.approver", ReasonRequired, "an approver is required (regulation Art. 7.5)",
			"Thiếu người duyệt nội dung (Điều 7.5 của Quy chế)")
	case ap.GetName() == "":
		v.add("item.approver.name", ReasonRequired, "the approver's name is required (regulation Art. 7.5)",
			"Thiếu tên người duyệt nội dung (Điều 7.5 của Quy chế)")
	}

	switch ts := it.GetPublishedAt(); {
	case ts == nil:
		v.required("item.published_at", "thời điểm xuất bản")
	case ts.CheckValid() != nil:
		v.format("item.published_at", "thời điểm xuất bản", "a valid timestamp", "không phải thời điểm hợp lệ")
	}

	v.attachments(it.GetAttachments())
	v.state(it)
	return v.vs
}

type checker struct{ vs []Violation }

func (c *checker) add(field, reason, en, vi string) {
	c.vs = append(c.vs, violation(field, reason, en, vi))
}

func (c *checker) required(field, labelVI string) {
	c.add(field, ReasonRequired, "required", "Thiếu "+labelVI)
}

func (c *checker) format(field, labelVI, wantEN, wantVI string) {
	c.add(field, ReasonInvalidFormat, "must be "+wantEN,
		capitalise(labelVI)+" không đúng định dạng: "+wantVI)
}

func (c *checker) translations(trs []*pb.Translation, cats Categories) {
	seen := map[string]bool{}
	for i, tr := range trs {
		p := translationPath(trs, i)
		loc := tr.GetLocale()
		switch {
		case loc == "":
			c.required(p+".locale", "mã ngôn ngữ")
		case !knownLocale(loc):
			c.add(p+".locale", ReasonUnknownLocale,
				fmt.Sprintf("locale %q is not one of vi, en, ru", loc),
				fmt.Sprintf("Ngôn ngữ %q không được hỗ trợ (chỉ nhận vi, en, ru)", loc))
		case seen[loc]:
			c.add(p+".locale", ReasonDuplicateLocale,
				fmt.Sprintf("a second translation for locale %q", loc),
				fmt.Sprintf("Có hơn một bản dịch cho ngôn ngữ %q", loc))
		}
		seen[loc] = true
		if tr.GetTitle() == "" {
			c.required(p+".title", "tiêu đề")
		}
		switch s := tr.GetSlug(); {
		case s == "":
			c.required(p+".slug", "đường dẫn (slug)")
		case !slugRE.MatchString(s):
			c.format(p+".slug", "đường dẫn (slug)", "[a-z0-9-]", "chỉ gồm a-z, 0-9 và dấu gạch ngang")
		default:
			c.checkSectionSlug(p+".slug", s, cats)
		}
	}
	if !seen["vi"] {
		c.add("item.translations", ReasonMissingVietnamese, "a Vietnamese (vi) translation is required",
			"Thiếu bản tiếng Việt")
	}
}

func (c *checker) attachments(as []*pb.Attachment) {
	if n := len(as); n > MaxAttachments {
		c.add("item.attachments", ReasonTooMany, fmt.Sprintf("%d attachments, limit %d", n, MaxAttachments),
			fmt.Sprintf("Có %d tệp đính kèm, vượt quá giới hạn %d", n, MaxAttachments))
	}
	for i, a := range as {
		p := fmt.Sprintf("item.attachments[%d]", i)
		switch h := a.GetSha256(); {
		case h == "":
			c.required(p+".sha256", "mã SHA-256 của tệp")
		case !sha256RE.MatchString(h):
			c.format(p+".sha256", "mã SHA-256 của tệp", "64 lower-case hex digits", "phải gồm 64 chữ số thập lục phân viết thường")
		}
		if a.GetFilename() == "" {
			c.required(p+".filename", "tên tệp")
		} else if fe := filenameShape(a.GetFilename()); fe != nil {
			c.vs = append(c.vs, fe.Violation(p+".filename"))
		}
		if mt := a.GetMediaType(); mt != "" {
			if _, _, err := mime.ParseMediaType(mt); err != nil || !strings.Contains(mt, "/") {
				c.format(p+".media_type", "kiểu tệp (media type)", `a media type such as "application/pdf"`,
					`phải là kiểu tệp như "application/pdf"`)
			}
		}
	}
}

// detailsField names the details each kind carries; "" means none.
var detailsField = map[pb.ContentKind]string{
	pb.ContentKind_CONTENT_KIND_ARTICLE:            "",
	pb.ContentKind_CONTENT_KIND_PAGE:               "",
	pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT:     "legal_document",
	pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE:     "public_service",
	pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE: "procurement_notice",
	pb.ContentKind_CONTENT_KIND_DATASET:            "dataset",
	pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT:  "organisation_unit",
	pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY:    "directory_entry",
	pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK:      "external_link",
	pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE:      "work_schedule",
	pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER:    "question_answer",
}

// kindsNeedingDetails are the kinds whose details carry required fields.
var kindsNeedingDetails = map[pb.ContentKind]bool{
	pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT:  true,
	pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE:  true,
	pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY: true,
	pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK:   true,
	pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE:   true,
	pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER: true,
}

func (c *checker) kindAndDetails(it *pb.ContentItem) {
	kind := it.GetKind()
	want, known := detailsField[kind]
	if !known {
		c.add("item.kind", ReasonUnknownKind, "kind is unspecified or unknown", "Chưa chọn loại thông tin hoặc loại thông tin không hợp lệ")
		return
	}
	var got string
	if od := it.ProtoReflect().WhichOneof(detailsOneof); od != nil {
		got = string(od.Name())
	}
	switch {
	case got != "" && got != want:
		en := fmt.Sprintf("%s details do not belong to kind %s", got, kind)
		if want != "" {
			en += fmt.Sprintf(" (want %s)", want)
		}
		c.add("item."+got, ReasonDetailsMismatch, en,
			"Thông tin chi tiết không khớp với loại thông tin của nội dung")
		return
	case got == "" && kindsNeedingDetails[kind]:
		c.add("item."+want, ReasonDetailsMismatch, fmt.Sprintf("kind %s requires %s details", kind, want),
			"Thiếu thông tin chi tiết theo loại thông tin của nội dung")
		return
	}

	c.details(it)
}

func (c *checker) state(it *pb.ContentItem) {
	un := it.GetUnpublishing()
	switch it.GetState() {
	case pb.PublicationState_PUBLICATION_STATE_PUBLISHED, pb.PublicationState_PUBLICATION_STATE_GONE:
	case pb.PublicationState_PUBLICATION_STATE_WITHDRAWN:
		if strings.TrimSpace(un.GetReason()) == "" {
			c.add("item.unpublishing.reason", ReasonMissingReason, "a withdrawn item needs a public reason",
				"Nội dung bị thu hồi phải có lý do công khai")
		}
	case pb.PublicationState_PUBLICATION_STATE_REDIRECTED:
		s, u := un.GetSuccessor(), un.GetSuccessorUrl()
		hasRef := s.GetTenant() != "" || s.GetContentId() != ""
		switch {
		case hasRef == (u != ""):
			c.add("item.unpublishing", ReasonInvalidSuccessor,
				"a redirected item needs exactly one of successor or successor_url",
				"Nội dung chuyển hướng phải có đúng một đích: nội dung thay thế hoặc địa chỉ URL")
		case hasRef:
			if !tenantRE.MatchString(s.GetTenant()) {
				c.add("item.unpublishing.successor.tenant", ReasonInvalidSuccessor,
					"successor tenant must be a tenant id ([a-z0-9-], 1..63)",
					"Mã đơn vị của nội dung thay thế không hợp lệ")
			}
			if id := s.GetContentId(); !contentIDRE.MatchString(id) || len(id) > MaxContentID {
				c.add("item.unpublishing.successor.content_id", ReasonInvalidSuccessor,
					"successor content_id must be a content id ([a-z0-9-], 1..100)",
					"Mã nội dung thay thế không hợp lệ")
			}
		default:
			if !absoluteHTTP(u, false) {
				c.add("item.unpublishing.successor_url", ReasonInvalidSuccessor,
					"successor_url must be an absolute http or https URL",
					"Địa chỉ chuyển hướng phải là URL tuyệt đối bắt đầu bằng http:// hoặc https://")
			}
		}
	default:
		c.add("item.state", ReasonUnknownState, "publication state is unspecified or unknown",
			"Chưa xác định trạng thái xuất bản hoặc trạng thái không hợp lệ")
	}
}

// date checks a "YYYY-MM-DD" date and returns it, or the zero time when s
// is empty or malformed.
func (c *checker) date(field, labelVI, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		c.format(field, labelVI, `a date "YYYY-MM-DD"`, `phải là ngày dạng "YYYY-MM-DD"`)
		return time.Time{}
	}
	return d
}

func (c *checker) url(field, s string, required, httpsOnly bool) {
	switch {
	case s == "":
		if required {
			c.required(field, "địa chỉ URL")
		}
	case !absoluteHTTP(s, httpsOnly):
		if httpsOnly {
			c.format(field, "địa chỉ URL", "an absolute https URL", "phải là URL tuyệt đối bắt đầu bằng https://")
		} else {
			c.format(field, "địa chỉ URL", "an absolute http or https URL", "phải là URL tuyệt đối bắt đầu bằng http:// hoặc https://")
		}
	}
}

func (c *checker) email(field, s string) {
	if s == "" {
		return
	}
	if !plausibleEmail(s) {
		c.format(field, "địa chỉ thư điện tử", "an e-mail address such as name@example.gov.vn", "phải là địa chỉ như ten@example.gov.vn")
	}
}

// enum refuses enum numbers the contract does not define (proto3 enums are
// open, so a newer client could send them).
func (c *checker) enum(field string, e interface {
	Descriptor() protoreflect.EnumDescriptor
	Number() protoreflect.EnumNumber
}) {
	if e.Descriptor().Values().ByNumber(e.Number()) == nil {
		c.add(field, ReasonInvalidFormat, fmt.Sprintf("unknown value %d", e.Number()),
			fmt.Sprintf("Giá trị %d không hợp lệ", e.Number()))
	}
}

func absoluteHTTP(s string, httpsOnly bool) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || hasControl(s) || strings.ContainsAny(s, " \t") {
		return false
	}
	if httpsOnly {
		return u.Scheme == "https"
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

func plausibleEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func hasAttachment(as []*pb.Attachment, sha string) bool {
	for _, a := range as {
		if a.GetSha256() == sha {
			return true
		}
	}
	return false
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// labelVI names a string field in Vietnamese for length and encoding
// messages ("Tiêu đề dài quá 300 ký tự").
func labelVI(fd protoreflect.FieldDescriptor, path string) string {
	switch fd.FullName() {
	case "portalhub.v1.ContentItem.content_id":
		return "mã nội dung"
	case "portalhub.v1.ContentItem.category":
		return "chuyên mục"
	case "portalhub.v1.Translation.locale":
		return "mã ngôn ngữ"
	case "portalhub.v1.Translation.title":
		return "tiêu đề"
	case "portalhub.v1.Translation.summary":
		return "tóm tắt"
	case "portalhub.v1.Translation.body_html":
		return "nội dung HTML"
	case "portalhub.v1.Translation.slug":
		return "đường dẫn (slug)"
	case "portalhub.v1.Person.name":
		return "họ tên"
	case "portalhub.v1.Person.account":
		return "tài khoản"
	case "portalhub.v1.Attachment.filename":
		return "tên tệp"
	case "portalhub.v1.Attachment.title":
		return "chú thích tệp đính kèm"
	case "portalhub.v1.Unpublishing.reason":
		return "lý do"
	case "portalhub.v1.QuestionAnswer.question":
		return "nội dung câu hỏi"
	case "portalhub.v1.LegalDocument.issuer_code":
		return "mã cơ quan ban hành"
	case "portalhub.v1.LegalRelation.target_number":
		return "số, ký hiệu văn bản liên quan"
	case "portalhub.v1.ScheduleEntry.activity":
		return "nội dung công việc"
	}
	return "trường " + path
}
