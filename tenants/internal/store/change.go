package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ChangeInput is one approved change of an item: its full state (never a
// patch) and the people accountable for it (Art. 7.4, 7.5).
type ChangeInput struct {
	ContentID    string
	Kind         pb.ContentKind
	Category     string
	Translations []*pb.Translation
	// Details is nil or one of the messages of ContentItem's details oneof
	// (*pb.LegalDocument, *pb.WorkSchedule, ...; see contentrules.SetDetails).
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
		Details:      contentrules.Details(item),
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
	return in
}

// Item returns the change as a content item without a version, cloned so
// that normalising it does not touch the caller's messages, its text NFC.
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
	if err := contentrules.SetDetails(item, in.Details); err != nil {
		return nil, errs.Refused("details", contentrules.ReasonDetailsMismatch, err.Error(), "Loại thông tin chi tiết không hợp lệ.")
	}
	item = proto.Clone(item).(*pb.ContentItem)
	if item.State == pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED {
		item.State = pb.PublicationState_PUBLICATION_STATE_PUBLISHED
	}
	contentrules.NFC(item)
	return item, nil
}

// checkRules refuses an item the hub would refuse for what it holds
// (everything but what depends on the hub's other items and files), with
// the hub's reasons, under the field names of the item without "item.",
// such as "translations[vi].title". missing is the first attachment whose
// file is not stored (-1 for none): from there on, an attachment left
// without a name is named for the check, as the missing file is what the
// caller reports then. cats is the category list the hub last sent (nil
// when it never did: the hub decides).
func checkRules(item *pb.ContentItem, missing int, cats contentrules.Categories) error {
	if missing >= 0 {
		item = proto.Clone(item).(*pb.ContentItem)
		for _, a := range item.GetAttachments()[missing:] {
			if a.GetFilename() == "" {
				a.Filename = "file"
			}
		}
	}
	return rulesError(contentrules.Check(item, cats))
}

// itemField names a field of the hub's item as the sub-portal's errors do.
func itemField(hub string) string {
	if f, ok := strings.CutPrefix(hub, "item."); ok {
		return f
	}
	return strings.TrimPrefix(hub, "item")
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
