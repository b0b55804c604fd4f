package editorial

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
)

// Service runs the editorial workflow over the sub-portal's database.
type Service struct {
	pool  *pgxpool.Pool
	st    *store.Store
	board Board
	log   zerolog.Logger
	now   func() time.Time
}

// New returns the workflow over pool (the sub-portal's database, migrated)
// and st (the same database's store, which approvals push through).
func New(pool *pgxpool.Pool, st *store.Store, board Board, log zerolog.Logger) *Service {
	return &Service{pool: pool, st: st, board: board, log: log, now: time.Now}
}

// Board returns the board's configuration.
func (s *Service) Board() Board { return s.board }

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const revColumns = `id, content_id, number, state, unpublish, shell, texts, author_id, author_username, author_name,
	coalesce(editor_id, 0), editor_username, editor_name, comment, returned_by, publish_at, coalesce(hub_version, 0),
	coalesce(approver_id, 0), approver_username, approved_by, approved_at, notices, coalesce(restored_from, 0),
	coalesce(restored_from_snapshot, 0), base_version, kept,
	(SELECT coalesce(array_agg(DISTINCT s.saved_by_id ORDER BY s.saved_by_id), '{}') FROM revision_snapshots s WHERE s.revision_id = revisions.id),
	created_at, updated_at`

func scanRevision(row pgx.Row) (Revision, error) {
	var r Revision
	var state string
	var shell, texts, notices, kept []byte
	var hub, base int64
	err := row.Scan(&r.ID, &r.ContentID, &r.Number, &state, &r.Unpublish, &shell, &texts, &r.AuthorID, &r.AuthorUsername, &r.AuthorName,
		&r.EditorID, &r.EditorUsername, &r.EditorName, &r.Comment, &r.ReturnedBy, &r.PublishAt, &hub,
		&r.ApproverID, &r.ApproverUsername, &r.ApprovedBy, &r.ApprovedAt, &notices, &r.RestoredFrom,
		&r.RestoredFromSnapshot, &base, &kept, &r.ChangedBy,
		&r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return Revision{}, err
	}
	r.State, r.HubVersion, r.BaseVersion = RevState(state), uint64(hub), uint64(base)
	var keptText map[string]string
	if err := json.Unmarshal(kept, &keptText); err != nil {
		return Revision{}, fmt.Errorf("revision %d: kept: %w", r.ID, err)
	}
	for f := range keptText {
		if r.Kept == nil {
			r.Kept = map[string]bool{}
		}
		r.Kept[f] = true
	}
	if r.Change, err = decodeChange(shell, texts); err != nil {
		return Revision{}, fmt.Errorf("revision %d: %w", r.ID, err)
	}
	if err := json.Unmarshal(notices, &r.Notices); err != nil {
		return Revision{}, fmt.Errorf("revision %d: notices: %w", r.ID, err)
	}
	return r, nil
}

// queryRevisions runs a query selecting revColumns and loads the
// revisions' contributors.
func queryRevisions(ctx context.Context, q querier, sql string, args ...any) ([]Revision, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("read revisions: %w", err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("read revisions: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read revisions: %w", err)
	}
	rows.Close()
	return out, loadContributors(ctx, q, out)
}

func loadContributors(ctx context.Context, q querier, revs []Revision) error {
	idx := map[int64]int{}
	var ids []int64
	for i, r := range revs {
		if r.HubVersion != 0 {
			idx[r.ID] = i
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `
		SELECT revision_id, name, coalesce(account_id, 0), role, points::float8, amount_vnd
		FROM revision_contributors WHERE revision_id = ANY($1) ORDER BY revision_id, position`, ids)
	if err != nil {
		return fmt.Errorf("read contributors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c Contributor
		if err := rows.Scan(&id, &c.Name, &c.AccountID, &c.Role, &c.Points, &c.AmountVND); err != nil {
			return fmt.Errorf("read contributors: %w", err)
		}
		revs[idx[id]].Contributors = append(revs[idx[id]].Contributors, c)
	}
	return rows.Err()
}

func getRevision(ctx context.Context, q querier, id int64, lock bool) (Revision, error) {
	sql := `SELECT ` + revColumns + ` FROM revisions WHERE id = $1`
	revs, err := queryRevisions(ctx, q, sql+lockClause(lock), id)
	if err != nil {
		return Revision{}, err
	}
	if len(revs) == 0 {
		return Revision{}, errs.New(errs.NotFound, "revision", fmt.Sprintf("no revision %d", id), "Không có bản này.")
	}
	return revs[0], nil
}

func lockClause(lock bool) string {
	if lock {
		return ` FOR UPDATE OF revisions`
	}
	return ""
}

// Get returns a revision.
func (s *Service) Get(ctx context.Context, revID int64) (Revision, error) {
	return getRevision(ctx, s.pool, revID, false)
}

// Revisions returns every revision of an item, newest first.
func (s *Service) Revisions(ctx context.Context, contentID string) ([]Revision, error) {
	return queryRevisions(ctx, s.pool, `SELECT `+revColumns+` FROM revisions WHERE content_id = $1 ORDER BY number DESC`, contentID)
}

// inTx runs fn in a transaction and commits it when fn succeeds.
func (s *Service) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(err, "begin")
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// lockContent serialises the numbering of an item's revisions, with the
// same lock store takes to change the item.
func lockContent(ctx context.Context, tx pgx.Tx, contentID string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, contentID)
	return wrap(err, "lock %s", contentID)
}

func nextNumber(ctx context.Context, tx pgx.Tx, contentID string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE content_id = $1`, contentID).Scan(&n)
	return n, wrap(err, "number a revision of %s", contentID)
}

func (s *Service) audit(ctx context.Context, tx pgx.Tx, actor accounts.Account, action Action, rev Revision, extra map[string]any) error {
	d := map[string]any{"revision": rev.ID, "number": rev.Number, "state": rev.State}
	for k, v := range extra {
		d[k] = v
	}
	detail, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return store.AuditTx(ctx, tx, actor.Username, "editorial_"+string(action), rev.ContentID, int64(rev.HubVersion), detail)
}

func (s *Service) refused(actor accounts.Account, action Action, revID int64, err error) {
	if k := errs.KindOf(err); k == errs.PermissionDenied || k == errs.Conflict {
		s.log.Info().Str("actor", actor.Username).Str("action", string(action)).Int64("revision", revID).Err(err).Msg("editorial action refused")
	}
}

func displayName(a accounts.Account) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

type newRevision struct {
	state        RevState
	unpublish    bool
	change       Change
	notices      []TextNotice
	restoredFrom int64
	restoredSnap int64
	base         uint64            // see Revision.BaseVersion
	kept         map[string]string // see Revision.Kept: field → the text kept
}

// insert writes a new revision of ch.ContentID by actor and returns it.
func (s *Service) insert(ctx context.Context, tx pgx.Tx, actor accounts.Account, n newRevision) (Revision, error) {
	if err := lockContent(ctx, tx, n.change.ContentID); err != nil {
		return Revision{}, err
	}
	num, err := nextNumber(ctx, tx, n.change.ContentID)
	if err != nil {
		return Revision{}, err
	}
	shell, texts, err := n.change.encode()
	if err != nil {
		return Revision{}, err
	}
	notices, _ := json.Marshal(orEmpty(n.notices))
	kept, _ := json.Marshal(orEmptyMap(n.kept))
	var restored, restoredSnap *int64
	if n.restoredFrom != 0 {
		restored = &n.restoredFrom
	}
	if n.restoredSnap != 0 {
		restoredSnap = &n.restoredSnap
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO revisions (content_id, number, state, unpublish, shell, texts, author_id, author_username, author_name,
		                       notices, restored_from, restored_from_snapshot, base_version, kept)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		n.change.ContentID, num, string(n.state), n.unpublish, shell, texts, actor.ID, actor.Username, displayName(actor),
		notices, restored, restoredSnap, int64(n.base), kept).Scan(&id)
	if err != nil {
		return Revision{}, wrap(err, "write a revision of %s", n.change.ContentID)
	}
	if err := writeSnapshot(ctx, tx, id, actor, shell, texts, notices); err != nil {
		return Revision{}, err
	}
	return getRevision(ctx, tx, id, false)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orEmptyMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return m
}

// currentVersion is the item's current approved version (0 for an item
// never approved), read under the item's lock when the caller holds it.
func currentVersion(ctx context.Context, q querier, contentID string) (uint64, error) {
	var v int64
	err := q.QueryRow(ctx, `SELECT coalesce((SELECT hub_version FROM items WHERE content_id = $1), 0)`, contentID).Scan(&v)
	return uint64(v), wrap(err, "current version of %s", contentID)
}

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
		shell, texts, err := prepared.encode()
		if err != nil {
			return err
		}
		nj, _ := json.Marshal(orEmpty(notices))
		kj, _ := json.Marshal(orEmptyMap(kept))
		if next == StateSubmitted && cur.AuthorID != actor.ID {
			// An editor's edit of someone else's submitted revision is a review.
			_, err = tx.Exec(ctx, `
				UPDATE revisions SET shell = $2, texts = $3, notices = $4, kept = $5, editor_id = $6, editor_username = $7, editor_name = $8,
				       updated_at = now()
				WHERE id = $1`, revID, shell, texts, nj, kj, actor.ID, actor.Username, displayName(actor))
		} else {
			_, err = tx.Exec(ctx, `
				UPDATE revisions SET state = $2, shell = $3, texts = $4, notices = $5, kept = $6, updated_at = now() WHERE id = $1`,
				revID, string(next), shell, texts, nj, kj)
		}
		if err != nil {
			return wrap(err, "save revision %d", revID)
		}
		if err := writeSnapshot(ctx, tx, revID, actor, shell, texts, nj); err != nil {
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

// freeContentID returns id, or id with "-2", "-3", ... when an item or a
// revision already has it.
func freeContentID(ctx context.Context, tx pgx.Tx, id string) (string, error) {
	for i := 1; ; i++ {
		cand := id
		if i > 1 {
			suffix := fmt.Sprintf("-%d", i)
			cand = strings.TrimRight(id[:min(len(id), 100-len(suffix))], "-") + suffix
		}
		var taken bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE content_id = $1)
			OR EXISTS (SELECT 1 FROM revisions WHERE content_id = $1)`, cand).Scan(&taken)
		if err != nil {
			return "", wrap(err, "check content_id %s", cand)
		}
		if !taken {
			return cand, nil
		}
	}
}

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

// dueContent is the content that is public: the item's due version (see
// store.DueVersion: the newest approved version pushed at once or whose
// scheduled time has come), as its revision has it, or, for versions
// approved outside the workflow (API, seed), the version's document with
// its HTML body as the Markdown (see ChangeFromItem). An item whose first
// publication is still scheduled has no due version; it starts from its
// scheduled content. BaseVersion is the version returned.
func (s *Service) dueContent(ctx context.Context, q querier, contentID string) (Change, error) {
	v, doc, err := s.st.DueVersion(ctx, contentID)
	if err != nil {
		return Change{}, err
	}
	if v == 0 {
		it, err := s.st.Get(ctx, contentID)
		if err != nil {
			return Change{}, err // NotFound: no such item
		}
		v, doc = it.Version, it.Doc
	}
	revs, err := queryRevisions(ctx, q, `SELECT `+revColumns+` FROM revisions WHERE content_id = $1 AND hub_version = $2`, contentID, int64(v))
	if err != nil {
		return Change{}, err
	}
	var ch Change
	if len(revs) > 0 {
		ch = revs[0].Change.clone()
	} else {
		ch = ChangeFromItem(doc)
	}
	ch.BaseVersion = v
	return ch, nil
}

// baseFor is the base version of a new revision of an existing item:
// requested when the caller knows what the text started from, else the
// item's due version (its current one when none is due).
func (s *Service) baseFor(ctx context.Context, q querier, contentID string, requested uint64) (uint64, error) {
	if requested != 0 {
		return requested, nil
	}
	v, _, err := s.st.DueVersion(ctx, contentID)
	if err != nil || v != 0 {
		return v, err
	}
	return currentVersion(ctx, q, contentID)
}

// ChangeFromItem returns the change holding an approved item's content, for
// items approved outside the workflow. Their bodies are HTML; they are kept
// as the Markdown text, which RenderMarkdown renders (raw HTML included)
// and sanitises, so such a body survives an edit and approval.
func ChangeFromItem(item *pb.ContentItem) Change {
	in := store.ChangeFromItem(item)
	ch := Change{ContentID: in.ContentID, Kind: in.Kind, Category: in.Category, Texts: map[string]LocaleText{}, Details: in.Details,
		Attachments: in.Attachments, State: in.State, Unpublishing: in.Unpublishing, PublishedAt: in.PublishedAt}
	for _, tr := range item.GetTranslations() {
		ch.Texts[tr.GetLocale()] = LocaleText{Title: tr.GetTitle(), Summary: tr.GetSummary(), Markdown: tr.GetBodyHtml(), Slug: tr.GetSlug()}
	}
	return ch.clone()
}

// CurrentContent returns what a new revision of an item starts from: the
// content that is public, i.e. the item's due version (published at once,
// or scheduled for a time that has passed), never a version approved for a
// time still to come, whose text must not go out early through a new
// revision approved before then. Its BaseVersion is that version; approving
// the new revision while another version is current (a newer approval, or
// one still scheduled) needs an explicit rebase (Approval.Rebase). An item
// whose first publication is still scheduled starts from the scheduled
// content.
func (s *Service) CurrentContent(ctx context.Context, contentID string) (Change, error) {
	ch, err := s.dueContent(ctx, s.pool, contentID)
	if err != nil {
		return Change{}, err
	}
	ch.State, ch.Unpublishing = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED, nil
	return ch, nil
}

// wrap adds context to err, and is nil when err is.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// categories returns the hub's category list as the sub-portal keeps it
// (nil when the hub never sent one: the hub decides).
func (s *Service) categories(ctx context.Context) (contentrules.Categories, error) {
	list, err := s.st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	return contentrules.CategoriesOf(list), nil
}
