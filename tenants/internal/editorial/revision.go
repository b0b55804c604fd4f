package editorial

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Revision is one saved version of an item in the editorial workflow. It
// is not a hub version: HubVersion is assigned when it is approved.
type Revision struct {
	ID        int64
	ContentID string
	Number    int // 1, 2, 3, ... per content_id
	State     RevState
	// Unpublish marks a request to withdraw, redirect or remove the item
	// (Change.State and Change.Unpublishing say which).
	Unpublish bool
	Change    Change // the proposed content

	AuthorID             int64
	AuthorUsername       string
	AuthorName           string
	EditorID             int64 // the reviewing editor; 0 while nobody has reviewed it
	EditorUsername       string
	EditorName           string
	Comment              string     // the reviewer's comment when returned
	ReturnedBy           string     // who returned it (display name)
	PublishAt            *time.Time // approved for later (UTC; show in Asia/Ho_Chi_Minh)
	HubVersion           uint64     // assigned at approval
	ApproverID           int64
	ApproverUsername     string
	ApprovedBy           string // the approver's display name
	ApprovedAt           *time.Time
	Contributors         []Contributor
	Notices              []TextNotice // legacy-encoding conversions made by the last save
	RestoredFrom         int64        // the revision this one was restored from, if any
	RestoredFromSnapshot int64        // the saved version (Snapshot.ID) it was restored from, if any
	// BaseVersion is the hub version of the approved content the revision
	// started from (0 for a new item). Approving it while the item's
	// current version is another one is refused unless the approver
	// rebases (Approval.Rebase).
	BaseVersion uint64
	// Kept names the text fields whose author chose to keep them as typed
	// (no legacy-encoding conversion); they stay so while their text is
	// unchanged.
	Kept map[string]bool
	// ChangedBy are the accounts that saved content into the revision
	// (its author among them), from its snapshots. None of them may
	// approve it unless the board allows self-approval.
	ChangedBy            []int64
	CreatedAt, UpdatedAt time.Time
}

// Stamp identifies the revision as a page showed it: it changes with every
// save and transition. The approve and return forms carry it, and the
// action is refused when the revision has changed since (see
// Approval.Seen).
func (r Revision) Stamp() string { return strconv.FormatInt(r.UpdatedAt.UnixMicro(), 10) }

// Reviewed reports whether an editor has reviewed the revision.
func (r Revision) Reviewed() bool { return r.EditorID != 0 }

// Scheduled reports whether the revision is approved for a time still to come.
func (r Revision) Scheduled(now time.Time) bool {
	return r.State == StateApproved && r.PublishAt != nil && r.PublishAt.After(now)
}

// Change is the content a revision proposes: the item's full state, with
// bodies in Markdown.
type Change struct {
	ContentID string
	Kind      pb.ContentKind
	Category  string
	// Texts per locale: "vi" is required, "en" and "ru" optional.
	Texts map[string]LocaleText
	// Details is nil or one of the messages of ContentItem's details oneof
	// (as store.ChangeInput.Details).
	Details     proto.Message
	Attachments []*pb.Attachment
	// State and Unpublishing are set on request_* revisions; otherwise
	// the state is PUBLISHED.
	State        pb.PublicationState
	Unpublishing *pb.Unpublishing
	// PublishedAt, when zero, is kept from the item (or, for a first
	// publication, is the approval or scheduled time).
	PublishedAt time.Time
	// BaseVersion is the hub version of the approved content the change
	// started from, as CurrentContent returns it; SaveDraft records it on a
	// new revision of an existing item (0 there means the item's due
	// version when saving). It is no part of the content: not stored in
	// the shell, not compared by DiffChanges.
	BaseVersion uint64
}

// LocaleText is the text of an item in one locale. The body is Markdown,
// rendered to sanitised HTML at approval and for the preview.
type LocaleText struct {
	Title    string `json:"title"`
	Summary  string `json:"summary,omitempty"`
	Markdown string `json:"markdown,omitempty"`
	// Slug is made from the title when left empty.
	Slug string `json:"slug,omitempty"`
}

// TextNotice tells the editor that a Vietnamese field was typed in a
// legacy encoding and converted to Unicode when saving. Before and After are
// the whole field; Changes the converted words.
type TextNotice struct {
	Field     string       `json:"field"` // e.g. "texts[vi].title", the key of keepAsTyped
	Encoding  string       `json:"encoding"`
	Before    string       `json:"before"`
	After     string       `json:"after"`
	Changes   []TextChange `json:"changes,omitempty"`
	MessageVI string       `json:"message_vi"`
}

// TextChange is one converted piece of text.
type TextChange struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// Contributor roles.
const (
	RoleAuthor       = "author"
	RoleEditor       = "editor"
	RoleTranslator   = "translator"
	RolePhotographer = "photographer"
	RoleContributor  = "contributor"
)

// ContributorRoles lists the roles a contributor can have.
var ContributorRoles = []string{RoleAuthor, RoleEditor, RoleTranslator, RolePhotographer, RoleContributor}

// ContributorRoleVI is a contributor role's Vietnamese name.
func ContributorRoleVI(role string) string {
	switch role {
	case RoleAuthor:
		return "Tác giả"
	case RoleEditor:
		return "Biên tập"
	case RoleTranslator:
		return "Biên dịch"
	case RolePhotographer:
		return "Nhiếp ảnh"
	case RoleContributor:
		return "Cộng tác viên"
	}
	return role
}

// Contributor is a person credited on an approved revision with their
// royalty (Art. 14), set by the approver.
type Contributor struct {
	Name      string
	AccountID int64 // 0 for people without an account
	Role      string
	Points    float64
	AmountVND int64
}

// shell is everything of a change but its texts, as a content item.
func (c Change) shell() (*pb.ContentItem, error) {
	in := store.ChangeInput{ContentID: c.ContentID, Kind: c.Kind, Category: c.Category, Details: c.Details,
		Attachments: c.Attachments, State: c.State, Unpublishing: c.Unpublishing}
	item, err := in.Item() // clones; state defaults to PUBLISHED
	if err != nil {
		return nil, err
	}
	item.PublishedAt = nil
	if !c.PublishedAt.IsZero() {
		item.PublishedAt = timestamppb.New(c.PublishedAt)
	}
	return item, nil
}

func changeFromShell(shell *pb.ContentItem, texts map[string]LocaleText) Change {
	in := store.ChangeFromItem(shell)
	return Change{ContentID: in.ContentID, Kind: in.Kind, Category: in.Category, Texts: texts, Details: in.Details,
		Attachments: in.Attachments, State: in.State, Unpublishing: in.Unpublishing, PublishedAt: in.PublishedAt}
}

// encode returns the stored form of a change: the shell as protojson and
// the texts as JSON.
func (c Change) encode() (shell, texts []byte, err error) {
	item, err := c.shell()
	if err != nil {
		return nil, nil, err
	}
	if shell, err = protojson.Marshal(item); err != nil {
		return nil, nil, fmt.Errorf("encode change: %w", err)
	}
	if texts, err = json.Marshal(c.Texts); err != nil {
		return nil, nil, fmt.Errorf("encode change: %w", err)
	}
	return shell, texts, nil
}

func decodeChange(shell, texts []byte) (Change, error) {
	item := &pb.ContentItem{}
	if err := protojson.Unmarshal(shell, item); err != nil {
		return Change{}, fmt.Errorf("decode change: %w", err)
	}
	t := map[string]LocaleText{}
	if err := json.Unmarshal(texts, &t); err != nil {
		return Change{}, fmt.Errorf("decode change: %w", err)
	}
	return changeFromShell(item, t), nil
}

// clone returns a deep copy of c.
func (c Change) clone() Change {
	out := c
	out.Texts = make(map[string]LocaleText, len(c.Texts))
	for k, v := range c.Texts {
		out.Texts[k] = v
	}
	if c.Details != nil {
		out.Details = proto.Clone(c.Details)
	}
	out.Attachments = make([]*pb.Attachment, len(c.Attachments))
	for i, a := range c.Attachments {
		out.Attachments[i] = proto.Clone(a).(*pb.Attachment)
	}
	if c.Unpublishing != nil {
		out.Unpublishing = proto.Clone(c.Unpublishing).(*pb.Unpublishing)
	}
	return out
}

// Locales are the locales a change may have texts in, in display order.
var Locales = []string{"vi", "en", "ru"}

func sortedLocales(texts map[string]LocaleText) []string {
	var out []string
	for _, l := range Locales {
		if _, ok := texts[l]; ok {
			out = append(out, l)
		}
	}
	for l := range texts {
		if !slices.Contains(Locales, l) {
			out = append(out, l)
		}
	}
	slices.Sort(out[len(out)-countUnknown(texts):])
	return out
}

func countUnknown(texts map[string]LocaleText) int {
	n := 0
	for l := range texts {
		if !slices.Contains(Locales, l) {
			n++
		}
	}
	return n
}
