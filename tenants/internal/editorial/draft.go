package editorial

import (
	"context"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// SaveDraft saves a change: a new revision when revID is 0, else the
// revision revID (the author's draft or returned revision, which becomes a
// draft; or a submitted one, edited by an editor, which stays submitted and
// counts as reviewed by them unless it is their own). Every save appends a
// snapshot (see Snapshots): the text saved before, the author's submitted
// text among them, is kept. Text is normalised to NFC; Vietnamese fields
// typed in a legacy encoding are converted with a notice unless
// keepAsTyped names the field (TextField), or the field was kept as typed
// by an earlier save of the revision and its text has not changed since
// (Revision.Kept); broken text is refused. Nothing is stored when an error
// is returned.
//
// A new revision records what it started from (Revision.BaseVersion):
// ch.BaseVersion as CurrentContent returned it, else the item's due
// version.
//
// A new revision of an existing item names it in ch.ContentID. When
// ch.ContentID is empty, the item is new: its content_id is made from the
// Vietnamese slug, with "-2", "-3", ... added when another item has it.
func (s *Service) SaveDraft(ctx context.Context, actor accounts.Account, revID int64, ch Change, keepAsTyped map[string]bool) (Revision, error) {
	var out Revision
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur := Revision{AuthorID: actor.ID}
		if revID != 0 {
			var err error
			if cur, err = getRevision(ctx, tx, revID, true); err != nil {
				return err
			}
		}
		next, err := Decide(actor, cur, ActionSave, s.board)
		if err != nil {
			return err
		}
		if cur.Unpublish {
			return errs.New(errs.Conflict, "revision", "a request to unpublish is not edited; discard it and make another",
				"Đề nghị gỡ/chuyển hướng/xoá không sửa được; hãy huỷ đề nghị này và tạo đề nghị mới.")
		}
		// SaveDraft proposes content; unpublishing is RequestUnpublish's.
		ch.State, ch.Unpublishing = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED, nil
		newItem := false
		if revID != 0 {
			if ch.ContentID == "" {
				ch.ContentID = cur.ContentID
			}
			if ch.ContentID != cur.ContentID {
				return errs.Invalid("content_id", "the content_id of a revision does not change",
					"Không được đổi mã nội dung (content_id) của một bản đã lưu.")
			}
		} else {
			newItem = ch.ContentID == ""
		}
		keep, err := s.effectiveKeep(ctx, tx, revID, ch, keepAsTyped)
		if err != nil {
			return err
		}
		cats, err := s.categories(ctx)
		if err != nil {
			return err
		}
		prepared, notices, err := prepare(ch, keep, cats)
		if err != nil {
			return err
		}
		kept := keptTexts(prepared, keep)
		if newItem {
			if prepared.ContentID, err = freeContentID(ctx, tx, prepared.ContentID); err != nil {
				return err
			}
		}
		if revID == 0 {
			base := uint64(0)
			if !newItem {
				if base, err = s.baseFor(ctx, tx, prepared.ContentID, ch.BaseVersion); err != nil {
					return err
				}
			}
			out, err = s.insert(ctx, tx, actor, newRevision{state: next, change: prepared, notices: notices, base: base, kept: kept})
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, actor, ActionSave, out, map[string]any{"notices": len(notices)})
		}
		if err := update(ctx, tx, actor, cur, next, savedText{change: prepared, notices: notices, kept: kept}); err != nil {
			return err
		}
		if out, err = getRevision(ctx, tx, revID, false); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, ActionSave, out, map[string]any{"notices": len(notices)})
	})
	if err != nil {
		s.refused(actor, ActionSave, revID, err)
		return Revision{}, err
	}
	return out, nil
}
