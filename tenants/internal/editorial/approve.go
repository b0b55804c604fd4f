package editorial

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"golang.org/x/text/unicode/norm"
)

// MaxSchedule is how far ahead an approval may be scheduled.
const MaxSchedule = 366 * 24 * time.Hour

// Approve approves a submitted revision and pushes it: in one transaction
// the store writes the item, its new hub version (one above any it had, so
// a restored revision gets a higher one) and its outbox row, and the
// revision records its approval and contributors; the item's previously
// approved revision becomes superseded. The push names as authors the
// revision's author and the contributors with role author, as editor the
// reviewing editor, and as approver the actor.
//
// publishAt in the future schedules the push (the outbox row's publish_at;
// the relay pushes it when due); nil or a past time pushes at once.
// Nothing is stored when an error is returned.
//
// Approve binds nothing to what the approver saw; pages use ApproveWith.
func (s *Service) Approve(ctx context.Context, actor accounts.Account, revID int64, publishAt *time.Time, contributors []Contributor) (Revision, error) {
	return s.ApproveWith(ctx, actor, revID, Approval{PublishAt: publishAt, Contributors: contributors})
}

// Approval is what an approver decides with an approval.
type Approval struct {
	// PublishAt in the future schedules the push; nil or past is at once.
	PublishAt *time.Time
	// Contributors are credited with their royalties (Art. 14).
	Contributors []Contributor
	// Seen is the revision's Stamp as the approver saw it: a revision
	// that changed since (edited, reviewed, returned and resubmitted) is
	// refused with a Conflict. Empty checks nothing.
	Seen string
	// Rebase approves a revision although the item's current approved
	// version is not the one it started from (Revision.BaseVersion): a
	// newer version was approved meanwhile, or one is scheduled. Like a
	// restore, the revision's content then replaces that version's, whose
	// changes are dropped; the audit log records it. Without Rebase such
	// an approval is refused with a Conflict.
	Rebase bool
	// Anonymised is the approver's confirmation that the question of a
	// question-and-answer item made from a citizen's question (issue 9
	// point 4) holds no personal details any more. Approving such an item
	// without it is refused; the audit log records it.
	Anonymised bool
}

// ApproveWith is Approve with everything the approval form carries.
func (s *Service) ApproveWith(ctx context.Context, actor accounts.Account, revID int64, a Approval) (Revision, error) {
	publishAt := a.PublishAt
	contributors, err := normalizeContributors(a.Contributors)
	if err != nil {
		return Revision{}, err
	}
	now := s.now()
	if publishAt != nil {
		if !publishAt.After(now) {
			publishAt = nil
		} else if publishAt.Sub(now) > MaxSchedule {
			return Revision{}, errs.Invalid("publish_at", "publication can be scheduled at most a year ahead",
				"Chỉ hẹn giờ đăng tối đa một năm kể từ hôm nay.")
		} else {
			t := publishAt.UTC().Truncate(time.Second)
			publishAt = &t
		}
	}
	return s.transition(ctx, actor, revID, ActionApprove, func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error) {
		if err := checkSeen(cur, a.Seen); err != nil {
			return nil, err
		}
		if err := lockContent(ctx, tx, cur.ContentID); err != nil {
			return nil, err
		}
		current, err := currentVersion(ctx, tx, cur.ContentID)
		if err != nil {
			return nil, err
		}
		rebased := current != cur.BaseVersion
		if rebased && !a.Rebase {
			return nil, s.stale(ctx, tx, cur, current)
		}
		fromCitizen, err := madeFromQuestion(ctx, tx, cur)
		if err != nil {
			return nil, err
		}
		if fromCitizen && !a.Anonymised {
			return nil, errs.Invalid("anonymised",
				"this question-and-answer item was made from a citizen's question: confirm that its question holds no name, phone number, e-mail address, ID number or address",
				"Bài hỏi – đáp này được tạo từ câu hỏi của công dân: hãy xác nhận câu hỏi không còn họ tên, số điện thoại, thư điện tử, số giấy tờ hay địa chỉ.")
		}
		approver := &pb.Person{Name: displayName(actor), Account: actor.Username}
		var editor *pb.Person
		switch {
		case cur.Reviewed():
			editor = &pb.Person{Name: cur.EditorName, Account: cur.EditorUsername}
		case cur.Unpublish:
			// Whoever proposed to unpublish (an editor or approver).
			editor = &pb.Person{Name: cur.AuthorName, Account: cur.AuthorUsername}
		}
		opt := store.ApproveOptions{PublishAt: publishAt, Actor: actor.Username}
		var version uint64
		if cur.Unpublish {
			version, err = s.st.UnpublishTx(ctx, tx, store.UnpublishInput{ContentID: cur.ContentID, State: cur.Change.State,
				Unpublishing: cur.Change.Unpublishing, Approver: approver, Editor: editor}, opt)
		} else {
			version, err = s.st.ApproveTx(ctx, tx, changeInput(cur, contributors, editor, approver), opt)
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE revisions SET state = 'superseded', updated_at = now()
			WHERE content_id = $1 AND state = 'approved' AND id <> $2`, cur.ContentID, revID); err != nil {
			return nil, wrap(err, "supersede revisions of %s", cur.ContentID)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE revisions SET state = $2, hub_version = $3, approver_id = $4, approver_username = $5, approved_by = $6,
			       approved_at = now(), publish_at = $7, base_version = $8, updated_at = now()
			WHERE id = $1`, revID, string(next), int64(version), actor.ID, actor.Username, displayName(actor), publishAt,
			int64(current)); err != nil {
			return nil, wrap(err, "approve revision %d", revID)
		}
		for i, c := range contributors {
			var account *int64
			if c.AccountID != 0 {
				account = &c.AccountID
			}
			if _, err := tx.Exec(ctx, `
				INSERT INTO revision_contributors (revision_id, position, name, account_id, role, points, amount_vnd)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, revID, i, c.Name, account, c.Role, c.Points, c.AmountVND); err != nil {
				return nil, wrap(err, "record contributors of revision %d", revID)
			}
		}
		extra := map[string]any{"hub_version": version, "contributors": len(contributors)}
		if publishAt != nil {
			extra["publish_at"] = publishAt
		}
		if rebased {
			extra["rebased_from"], extra["rebased_over"] = cur.BaseVersion, current
		}
		if fromCitizen {
			extra["anonymisation_confirmed"] = true
		}
		return extra, nil
	})
}

// madeFromQuestion reports whether rev publishes (not unpublishes) an item
// made from a citizen's answered question in the inbox (feedback_inbox,
// tenants/internal/inbox).
func madeFromQuestion(ctx context.Context, tx pgx.Tx, rev Revision) (bool, error) {
	if rev.Unpublish || rev.Change.Kind != pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER {
		return false, nil
	}
	var yes bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM feedback_inbox WHERE qa_content_id = $1)`, rev.ContentID).Scan(&yes)
	return yes, wrap(err, "is %s made from a question", rev.ContentID)
}

// stale is the refusal of a revision that started from another version
// than the item's current one, with where to see what approving it would
// drop.
func (s *Service) stale(ctx context.Context, tx pgx.Tx, cur Revision, current uint64) error {
	link := "/noi-dung/" + cur.ContentID + "/phien-ban"
	var currentRev int64
	err := tx.QueryRow(ctx, `SELECT coalesce((SELECT id FROM revisions WHERE content_id = $1 AND hub_version = $2), 0)`,
		cur.ContentID, int64(current)).Scan(&currentRev)
	if err != nil {
		return wrap(err, "find the revision of %s/%d", cur.ContentID, current)
	}
	if currentRev != 0 {
		link += fmt.Sprintf("?from=%d&to=%d", currentRev, cur.ID)
	}
	base := "khi nội dung chưa được đăng"
	if cur.BaseVersion != 0 {
		base = fmt.Sprintf("từ phiên bản %d", cur.BaseVersion)
	}
	return errs.New(errs.Conflict, "base_version",
		fmt.Sprintf("revision %d started from version %d but version %d was approved meanwhile; see %s, or rebase",
			cur.ID, cur.BaseVersion, current, link),
		fmt.Sprintf("Bản số %d được soạn %s, nhưng trong lúc đó phiên bản %d mới hơn đã được phê duyệt. "+
			"Phê duyệt bản này sẽ làm mất các thay đổi của phiên bản mới hơn nên chưa được thực hiện. "+
			"Xem khác biệt tại %s; hãy soạn lại bản từ nội dung hiện hành, hoặc chọn “Duyệt đè lên phiên bản mới hơn” nếu thật sự muốn thay thế nó.",
			cur.Number, base, current, link))
}

// changeInput is the store's change for an approved revision: Markdown
// rendered to sanitised HTML, and the people accountable for it.
func changeInput(rev Revision, contributors []Contributor, editor, approver *pb.Person) store.ChangeInput {
	ch := rev.Change
	in := store.ChangeInput{ContentID: rev.ContentID, Kind: ch.Kind, Category: ch.Category, Details: ch.Details,
		Editor: editor, Approver: approver, State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		PublishedAt: ch.PublishedAt, Attachments: ch.Attachments}
	for _, loc := range sortedLocales(ch.Texts) {
		t := ch.Texts[loc]
		in.Translations = append(in.Translations, &pb.Translation{Locale: loc, Title: t.Title, Summary: t.Summary,
			BodyHtml: RenderMarkdown(t.Markdown), Slug: t.Slug})
	}
	in.Authors = Authors(rev, contributors)
	return in
}

// Authors returns who wrote a revision as the push names them: its author,
// then each contributor with role author who is someone else.
func Authors(rev Revision, contributors []Contributor) []*pb.Person {
	out := []*pb.Person{{Name: rev.AuthorName, Account: rev.AuthorUsername}}
	seen := map[string]bool{"id:" + fmt.Sprint(rev.AuthorID): true, "name:" + rev.AuthorName: true}
	for _, c := range contributors {
		if c.Role != RoleAuthor {
			continue
		}
		key := "name:" + c.Name
		if c.AccountID != 0 {
			key = "id:" + fmt.Sprint(c.AccountID)
		}
		if seen[key] || seen["name:"+c.Name] {
			continue
		}
		seen[key] = true
		out = append(out, &pb.Person{Name: c.Name})
	}
	if len(out) > contentrules.MaxAuthors {
		out = out[:contentrules.MaxAuthors]
	}
	return out
}

// DefaultContributors is what the approval form starts from: the author,
// and the reviewing editor if any, without royalties.
func DefaultContributors(rev Revision) []Contributor {
	out := []Contributor{{Name: rev.AuthorName, AccountID: rev.AuthorID, Role: RoleAuthor}}
	if rev.Reviewed() && rev.EditorID != rev.AuthorID {
		out = append(out, Contributor{Name: rev.EditorName, AccountID: rev.EditorID, Role: RoleEditor})
	}
	return out
}

func normalizeContributors(cs []Contributor) ([]Contributor, error) {
	if len(cs) > MaxContributors {
		return nil, errs.Invalid("contributors", fmt.Sprintf("at most %d contributors", MaxContributors),
			fmt.Sprintf("Tối đa %d người hưởng nhuận bút.", MaxContributors))
	}
	out := make([]Contributor, 0, len(cs))
	for i, c := range cs {
		field := fmt.Sprintf("contributors[%d]", i)
		c.Name = strings.TrimSpace(norm.NFC.String(c.Name))
		if c.Name == "" {
			if c.Role == "" && c.Points == 0 && c.AmountVND == 0 {
				continue // an empty row of the form
			}
			return nil, errs.Invalid(field+".name", "name is required", "Chưa nhập tên người hưởng nhuận bút.")
		}
		if n := len([]rune(c.Name)); n > maxName {
			return nil, tooLong(field+".name", n, maxName)
		}
		if c.Role == "" {
			c.Role = RoleContributor
		}
		valid := false
		for _, r := range ContributorRoles {
			valid = valid || r == c.Role
		}
		if !valid {
			return nil, errs.Invalid(field+".role", "unknown role "+c.Role,
				"Vai trò phải là tác giả, biên tập, biên dịch, nhiếp ảnh hoặc cộng tác viên.")
		}
		if c.Points < 0 || c.Points > 1e9 || c.Points != c.Points {
			return nil, errs.Invalid(field+".points", "points must be 0 or more", "Điểm nhuận bút phải là số không âm.")
		}
		if c.AmountVND < 0 {
			return nil, errs.Invalid(field+".amount_vnd", "the amount must be 0 or more", "Số tiền nhuận bút phải là số không âm.")
		}
		out = append(out, c)
	}
	return out, nil
}
