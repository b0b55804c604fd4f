package editorial

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
)

// transition runs one action on a stored revision in a transaction: it
// locks the revision, asks Decide, lets apply write the change, and writes
// the audit entry.
func (s *Service) transition(ctx context.Context, actor accounts.Account, revID int64, action Action,
	apply func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error)) (Revision, error) {
	var out Revision
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := getRevision(ctx, tx, revID, true)
		if err != nil {
			return err
		}
		next, err := Decide(actor, cur, action, s.board)
		if err != nil {
			return err
		}
		extra, err := apply(tx, cur, next)
		if err != nil {
			return err
		}
		if out, err = getRevision(ctx, tx, revID, false); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, out, extra)
	})
	if err != nil {
		s.refused(actor, action, revID, err)
		return Revision{}, err
	}
	return out, nil
}

// Submit sends a draft or returned revision for review (its author), or
// passes a submitted revision on to the approvers (an editor's review).
// Only an editor's submission of someone else's submitted revision counts
// as a review: an author who is also an editor submitting their own work
// is not its reviewer.
func (s *Service) Submit(ctx context.Context, actor accounts.Account, revID int64) (Revision, error) {
	return s.transition(ctx, actor, revID, ActionSubmit, func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error) {
		var err error
		if cur.State == StateSubmitted && cur.AuthorID != actor.ID && actor.Has(accounts.RoleEditor) {
			_, err = tx.Exec(ctx, `
				UPDATE revisions SET state = $2, comment = '', editor_id = $3, editor_username = $4, editor_name = $5, updated_at = now()
				WHERE id = $1`, revID, string(next), actor.ID, actor.Username, displayName(actor))
		} else {
			_, err = tx.Exec(ctx, `UPDATE revisions SET state = $2, comment = '', updated_at = now() WHERE id = $1`, revID, string(next))
		}
		return nil, wrap(err, "submit revision %d", revID)
	})
}

// Return sends a submitted revision back to its author with a comment
// (required). It has to be reviewed again after it is resubmitted.
func (s *Service) Return(ctx context.Context, actor accounts.Account, revID int64, comment string) (Revision, error) {
	return s.ReturnSeen(ctx, actor, revID, comment, "")
}

// ReturnSeen is Return bound to what the reviewer saw: seen is the
// revision's Stamp as the page showed it, and a revision changed since is
// refused (Conflict). An empty seen checks nothing.
func (s *Service) ReturnSeen(ctx context.Context, actor accounts.Account, revID int64, comment, seen string) (Revision, error) {
	comment = strings.TrimSpace(norm.NFC.String(comment))
	return s.transition(ctx, actor, revID, ActionReturn, func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error) {
		if err := checkSeen(cur, seen); err != nil {
			return nil, err
		}
		if comment == "" {
			return nil, errs.Invalid("comment", "say what to change", "Hãy ghi nhận xét: cần sửa gì trước khi gửi lại.")
		}
		if n := len([]rune(comment)); n > maxComment {
			return nil, tooLong("comment", n, maxComment)
		}
		_, err := tx.Exec(ctx, `
			UPDATE revisions SET state = $2, comment = $3, returned_by = $4, editor_id = NULL, editor_username = '', editor_name = '',
			       updated_at = now()
			WHERE id = $1`, revID, string(next), comment, displayName(actor))
		return map[string]any{"comment": comment}, wrap(err, "return revision %d", revID)
	})
}

// Discard drops a revision that will not be published. It stays in the
// history.
func (s *Service) Discard(ctx context.Context, actor accounts.Account, revID int64) error {
	_, err := s.transition(ctx, actor, revID, ActionDiscard, func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error) {
		_, err := tx.Exec(ctx, `UPDATE revisions SET state = $2, updated_at = now() WHERE id = $1`, revID, string(next))
		return nil, wrap(err, "discard revision %d", revID)
	})
	return err
}

// Restore makes a new draft of the actor's with the content of an older
// revision (as published: a restored request to unpublish restores the
// content it carried, published). Approving it gives a new, higher hub
// version.
func (s *Service) Restore(ctx context.Context, actor accounts.Account, fromRevID int64) (Revision, error) {
	var out Revision
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		from, err := getRevision(ctx, tx, fromRevID, false)
		if err != nil {
			return err
		}
		next, err := Decide(actor, from, ActionRestore, s.board)
		if err != nil {
			return err
		}
		ch := from.Change.clone()
		ch.State, ch.Unpublishing = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED, nil
		// A restore replaces whatever is current: it starts from it.
		base, err := currentVersion(ctx, tx, from.ContentID)
		if err != nil {
			return err
		}
		out, err = s.insert(ctx, tx, actor, newRevision{state: next, change: ch, restoredFrom: from.ID, base: base,
			kept: keptTexts(ch, from.Kept)})
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, ActionRestore, out, map[string]any{"restored_from": from.ID, "restored_number": from.Number})
	})
	if err != nil {
		s.refused(actor, ActionRestore, fromRevID, err)
		return Revision{}, err
	}
	return out, nil
}

// RequestUnpublish proposes to withdraw (with a public reason), redirect
// (to exactly one successor) or remove (gone) an approved item: a revision
// that is submitted at once and takes effect only when approved. Its Change
// holds the item's due content (see CurrentContent) with the new state.
func (s *Service) RequestUnpublish(ctx context.Context, actor accounts.Account, contentID string, state pb.PublicationState, u *pb.Unpublishing) (Revision, error) {
	var action Action
	switch state {
	case pb.PublicationState_PUBLICATION_STATE_WITHDRAWN:
		action = ActionRequestWithdraw
	case pb.PublicationState_PUBLICATION_STATE_REDIRECTED:
		action = ActionRequestRedirect
	case pb.PublicationState_PUBLICATION_STATE_GONE:
		action = ActionRequestGone
	default:
		return Revision{}, errs.Invalid("state", "state must be withdrawn, redirected or gone", "Trạng thái phải là gỡ, chuyển hướng hoặc không còn.")
	}
	next, err := Decide(actor, Revision{AuthorID: actor.ID}, action, s.board)
	if err != nil {
		s.refused(actor, action, 0, err)
		return Revision{}, err
	}
	u = normalizeUnpublishing(state, u)
	cats, err := s.categories(ctx)
	if err != nil {
		return Revision{}, err
	}
	var out Revision
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		ch, err := s.dueContent(ctx, tx, contentID)
		if err != nil {
			return err
		}
		base, err := currentVersion(ctx, tx, contentID)
		if err != nil {
			return err
		}
		ch.State, ch.Unpublishing = state, u
		if _, err := checkRules(ch, cats); err != nil {
			return err
		}
		// The requester is its author, not its reviewer; the push names them
		// as the editor who proposed it (see Approve).
		out, err = s.insert(ctx, tx, actor, newRevision{state: next, unpublish: true, change: ch, base: base})
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, out, map[string]any{"reason": u.GetReason()})
	})
	if err != nil {
		return Revision{}, err
	}
	return out, nil
}

func normalizeUnpublishing(state pb.PublicationState, u *pb.Unpublishing) *pb.Unpublishing {
	if u == nil {
		u = &pb.Unpublishing{}
	}
	u = proto.Clone(u).(*pb.Unpublishing)
	u.Reason = strings.TrimSpace(norm.NFC.String(u.GetReason()))
	u.SuccessorUrl = strings.TrimSpace(u.GetSuccessorUrl())
	if state != pb.PublicationState_PUBLICATION_STATE_REDIRECTED {
		u.Successor, u.SuccessorUrl = nil, ""
	}
	if u.GetSuccessor() != nil && u.GetSuccessor().GetContentId() == "" && u.GetSuccessor().GetTenant() == "" {
		u.Successor = nil
	}
	return u
}
