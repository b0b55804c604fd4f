package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ChangeInput is one approved change of an item: its full state (never a
// patch) and the people accountable for it (Art. 7.4, 7.5).
type ChangeInput struct {
	ContentID    string
	Kind         pb.ContentKind
	Category     string
	Translations []*pb.Translation
	// Details is nil or one of *pb.LegalDocument, *pb.PublicService,
	// *pb.ProcurementNotice, *pb.Dataset, *pb.OrganisationUnit,
	// *pb.DirectoryEntry, *pb.ExternalLink.
	Details proto.Message
	Authors []*pb.Person
	Editor  *pb.Person
	// Approver is required.
	Approver *pb.Person
	// State defaults to PUBLISHED.
	State        pb.PublicationState
	Unpublishing *pb.Unpublishing
	// PublishedAt defaults to the item's earlier value, else the approval time.
	PublishedAt time.Time
	Attachments []*pb.Attachment
}

// ChangeFromItem returns the change that sets an item to item's state. The
// item's version is ignored: the store assigns it.
func ChangeFromItem(item *pb.ContentItem) ChangeInput {
	in := ChangeInput{
		ContentID:    item.GetContentId(),
		Kind:         item.GetKind(),
		Category:     item.GetCategory(),
		Translations: item.GetTranslations(),
		Authors:      item.GetAuthors(),
		Editor:       item.GetEditor(),
		Approver:     item.GetApprover(),
		State:        item.GetState(),
		Unpublishing: item.GetUnpublishing(),
		Attachments:  item.GetAttachments(),
	}
	if item.GetPublishedAt() != nil {
		in.PublishedAt = item.GetPublishedAt().AsTime()
	}
	switch d := item.GetDetails().(type) {
	case *pb.ContentItem_LegalDocument:
		in.Details = d.LegalDocument
	case *pb.ContentItem_PublicService:
		in.Details = d.PublicService
	case *pb.ContentItem_ProcurementNotice:
		in.Details = d.ProcurementNotice
	case *pb.ContentItem_Dataset:
		in.Details = d.Dataset
	case *pb.ContentItem_OrganisationUnit:
		in.Details = d.OrganisationUnit
	case *pb.ContentItem_DirectoryEntry:
		in.Details = d.DirectoryEntry
	case *pb.ContentItem_ExternalLink:
		in.Details = d.ExternalLink
	}
	return in
}

// Item returns the change as a content item without a version, cloned so
// that normalising it does not touch the caller's messages.
func (in ChangeInput) Item() (*pb.ContentItem, error) {
	item := &pb.ContentItem{
		ContentId:    in.ContentID,
		Kind:         in.Kind,
		Category:     in.Category,
		Translations: in.Translations,
		Authors:      in.Authors,
		Editor:       in.Editor,
		Approver:     in.Approver,
		State:        in.State,
		Unpublishing: in.Unpublishing,
		Attachments:  in.Attachments,
	}
	if !in.PublishedAt.IsZero() {
		item.PublishedAt = timestamppb.New(in.PublishedAt)
	}
	switch d := in.Details.(type) {
	case nil:
	case *pb.LegalDocument:
		item.Details = &pb.ContentItem_LegalDocument{LegalDocument: d}
	case *pb.PublicService:
		item.Details = &pb.ContentItem_PublicService{PublicService: d}
	case *pb.ProcurementNotice:
		item.Details = &pb.ContentItem_ProcurementNotice{ProcurementNotice: d}
	case *pb.Dataset:
		item.Details = &pb.ContentItem_Dataset{Dataset: d}
	case *pb.OrganisationUnit:
		item.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: d}
	case *pb.DirectoryEntry:
		item.Details = &pb.ContentItem_DirectoryEntry{DirectoryEntry: d}
	case *pb.ExternalLink:
		item.Details = &pb.ContentItem_ExternalLink{ExternalLink: d}
	default:
		return nil, errs.Invalid("details", fmt.Sprintf("unknown details type %T", d), "Loại thông tin chi tiết không hợp lệ.")
	}
	item = proto.Clone(item).(*pb.ContentItem)
	if item.State == pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED {
		item.State = pb.PublicationState_PUBLICATION_STATE_PUBLISHED
	}
	normalizeNFC(item.ProtoReflect())
	return item, nil
}

// normalizeNFC composes every string of m to Unicode NFC (TCVN 6909:2001).
func normalizeNFC(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Kind() == protoreflect.MessageKind:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				normalizeNFC(l.Get(i).Message())
			}
		case fd.IsList() && fd.Kind() == protoreflect.StringKind:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				l.Set(i, protoreflect.ValueOfString(norm.NFC.String(l.Get(i).String())))
			}
		case fd.IsMap():
		case fd.Kind() == protoreflect.MessageKind:
			normalizeNFC(v.Message())
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString(norm.NFC.String(v.String())))
		}
		return true
	})
}

var (
	contentIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)
	slugPattern      = regexp.MustCompile(`^[a-z0-9-]{1,200}$`)
	sha256Pattern    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// CheckContentID refuses an id that is not 1-100 characters of a-z, 0-9
// and -, starting with a letter or digit.
func CheckContentID(id string) error {
	if !contentIDPattern.MatchString(id) {
		return errs.Invalid("content_id", "content_id must be 1-100 characters of a-z, 0-9 and -, starting with a letter or digit",
			"Mã nội dung (content_id) phải gồm 1–100 ký tự a-z, 0-9 hoặc dấu -, bắt đầu bằng chữ hoặc số.")
	}
	return nil
}

// ValidSlug reports whether s is a slug: 1-200 characters of a-z, 0-9 and -.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidSHA256 reports whether s names a file: a lower-case hex SHA-256.
func ValidSHA256(s string) bool { return sha256Pattern.MatchString(s) }

// validate checks what the sub-portal can check on its own, so that the
// obvious mistakes come back to the editor at once; the hub checks the rest.
func validate(item *pb.ContentItem) error {
	if err := CheckContentID(item.GetContentId()); err != nil {
		return err
	}
	if item.GetKind() == pb.ContentKind_CONTENT_KIND_UNSPECIFIED {
		return errs.Invalid("kind", "kind is required", "Chưa chọn loại nội dung (kind).")
	}
	if item.GetCategory() == "" {
		return errs.Invalid("category", "category is required", "Chưa chọn chuyên mục (category).")
	}
	if item.GetApprover().GetName() == "" {
		return errs.Invalid("approver", "an approver is required (Art. 7.5)", "Nội dung phải có người phê duyệt (Điều 7.5).")
	}
	var vi bool
	seen := map[string]bool{}
	for _, tr := range item.GetTranslations() {
		loc := tr.GetLocale()
		field := fmt.Sprintf("translations[%s]", loc)
		if loc != "vi" && loc != "en" && loc != "ru" {
			return errs.Invalid(field+".locale", "locale must be vi, en or ru", "Ngôn ngữ phải là vi, en hoặc ru.")
		}
		if seen[loc] {
			return errs.Invalid(field, "two translations for one locale", "Có hai bản dịch cho cùng một ngôn ngữ.")
		}
		seen[loc] = true
		vi = vi || loc == "vi"
		if tr.GetTitle() == "" {
			return errs.Invalid(field+".title", "title is required", "Tiêu đề là bắt buộc.")
		}
		if !slugPattern.MatchString(tr.GetSlug()) {
			return errs.Invalid(field+".slug", "slug must be 1-200 characters of a-z, 0-9 and -",
				"Đường dẫn (slug) phải gồm 1–200 ký tự a-z, 0-9 hoặc dấu -.")
		}
	}
	if !vi {
		return errs.Invalid("translations[vi]", "a Vietnamese translation is required", "Bắt buộc phải có bản tiếng Việt.")
	}
	if err := CheckUnpublishing(item.GetState(), item.GetUnpublishing()); err != nil {
		return err
	}
	if len(item.GetAttachments()) > 20 {
		return errs.Invalid("attachments", "at most 20 attachments", "Tối đa 20 tệp đính kèm.")
	}
	for i, a := range item.GetAttachments() {
		if !sha256Pattern.MatchString(a.GetSha256()) {
			return errs.Invalid(fmt.Sprintf("attachments[%d].sha256", i), "not a lower-case hex SHA-256",
				"Mã SHA-256 của tệp đính kèm không hợp lệ.")
		}
	}
	return nil
}

// MaxUnpublishReason bounds the public reason of an unpublishing, in
// characters (the hub's limit).
const MaxUnpublishReason = 1000

// CheckUnpublishing checks how an item in state leaves the public, as the
// hub will, so that a change the hub would refuse is refused before it is
// stored: a withdrawal needs a public reason of at most MaxUnpublishReason
// characters; a redirect needs exactly one of a successor (tenant and
// content_id) and an absolute http or https successor_url.
func CheckUnpublishing(state pb.PublicationState, u *pb.Unpublishing) error {
	if n := utf8.RuneCountInString(u.GetReason()); n > MaxUnpublishReason {
		return errs.Invalid("unpublishing.reason", fmt.Sprintf("%d characters, at most %d", n, MaxUnpublishReason),
			fmt.Sprintf("Lý do quá dài: %d ký tự, tối đa %d ký tự.", n, MaxUnpublishReason))
	}
	switch state {
	case pb.PublicationState_PUBLICATION_STATE_WITHDRAWN:
		if strings.TrimSpace(u.GetReason()) == "" {
			return errs.Invalid("unpublishing.reason", "a withdrawn item needs a public reason", "Gỡ nội dung phải nêu lý do công khai.")
		}
	case pb.PublicationState_PUBLICATION_STATE_REDIRECTED:
		ref := u.GetSuccessor()
		hasRef := ref.GetContentId() != "" || ref.GetTenant() != ""
		if hasRef == (u.GetSuccessorUrl() != "") {
			return errs.Invalid("unpublishing.successor", "a redirected item needs exactly one of successor and successor_url",
				"Chuyển hướng phải có đúng một nội dung thay thế (trong cổng hoặc một địa chỉ URL).")
		}
		if hasRef {
			if ref.GetTenant() == "" {
				return errs.Invalid("unpublishing.successor.tenant", "the successor's tenant is required", "Phải nêu đơn vị (tenant) của nội dung thay thế.")
			}
			if !contentIDPattern.MatchString(ref.GetContentId()) {
				return errs.Invalid("unpublishing.successor.content_id", "the successor's content_id must be 1-100 characters of a-z, 0-9 and -",
					"Mã nội dung thay thế phải gồm 1–100 ký tự a-z, 0-9 hoặc dấu -.")
			}
		} else if l, err := url.Parse(u.GetSuccessorUrl()); err != nil || (l.Scheme != "http" && l.Scheme != "https") || l.Host == "" {
			return errs.Invalid("unpublishing.successor_url", "the successor URL must be an absolute http or https URL",
				"Địa chỉ thay thế phải là URL đầy đủ, bắt đầu bằng http:// hoặc https://.")
		}
	}
	return nil
}

// contentHash is the SHA-256 of the item's content: its deterministic
// encoding without version and people, so that re-approving the same content
// by someone else is recognised as unchanged.
func contentHash(item *pb.ContentItem) string {
	c := proto.Clone(item).(*pb.ContentItem)
	c.Version = 0
	c.Authors, c.Editor, c.Approver = nil, nil, nil
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		panic(err) // a valid message always marshals
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
