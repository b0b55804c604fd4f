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
	created_at, updated_at`

func scanRevision(row pgx.Row) (Revision, error) {
	var r Revision
	var state string
	var shell, texts, notices []byte
	var hub int64
	err := row.Scan(&r.ID, &r.ContentID, &r.Number, &state, &r.Unpublish, &shell, &texts, &r.AuthorID, &r.AuthorUsername, &r.AuthorName,
		&r.EditorID, &r.EditorUsername, &r.EditorName, &r.Comment, &r.ReturnedBy, &r.PublishAt, &hub,
		&r.ApproverID, &r.ApproverUsername, &r.ApprovedBy, &r.ApprovedAt, &notices, &r.RestoredFrom,
		&r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return Revision{}, err
	}
	r.State, r.HubVersion = RevState(state), uint64(hub)
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
	if lock {
		sql += ` FOR UPDATE`
	}
	revs, err := queryRevisions(ctx, q, sql, id)
	if err != nil {
		return Revision{}, err
	}
	if len(revs) == 0 {
		return Revision{}, errs.New(errs.NotFound, "revision", fmt.Sprintf("no revision %d", id), "Không có bản này.")
	}
	return revs[0], nil
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
	reviewed     bool // the actor reviewed it as an editor
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
	var editorID *int64
	var editorUser, editorName string
	if n.reviewed {
		editorID, editorUser, editorName = &actor.ID, actor.Username, displayName(actor)
	}
	var restored *int64
	if n.restoredFrom != 0 {
		restored = &n.restoredFrom
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO revisions (content_id, number, state, unpublish, shell, texts, author_id, author_username, author_name,
		                       editor_id, editor_username, editor_name, notices, restored_from)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		n.change.ContentID, num, string(n.state), n.unpublish, shell, texts, actor.ID, actor.Username, displayName(actor),
		editorID, editorUser, editorName, notices, restored).Scan(&id)
	if err != nil {
		return Revision{}, wrap(err, "write a revision of %s", n.change.ContentID)
	}
	return getRevision(ctx, tx, id, false)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// SaveDraft saves a change: a new revision when revID is 0, else the
// revision revID (the author's draft or returned revision, which becomes a
// draft; or a submitted one, edited by an editor, which stays submitted and
// counts as reviewed). Text is normalised to NFC; Vietnamese fields typed in
// a legacy encoding are converted with a notice unless keepAsTyped names
// the field (TextField), and broken text is refused. Nothing is stored when
// an error is returned.
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
		prepared, notices, err := prepare(ch, keepAsTyped)
		if err != nil {
			return err
		}
		if newItem {
			if prepared.ContentID, err = freeContentID(ctx, tx, prepared.ContentID); err != nil {
				return err
			}
		}
		if revID == 0 {
			out, err = s.insert(ctx, tx, actor, newRevision{state: next, change: prepared, notices: notices})
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
		if next == StateSubmitted {
			// An editor's edit of a submitted revision is a review.
			_, err = tx.Exec(ctx, `
				UPDATE revisions SET shell = $2, texts = $3, notices = $4, editor_id = $5, editor_username = $6, editor_name = $7,
				       updated_at = now()
				WHERE id = $1`, revID, shell, texts, nj, actor.ID, actor.Username, displayName(actor))
		} else {
			_, err = tx.Exec(ctx, `
				UPDATE revisions SET state = $2, shell = $3, texts = $4, notices = $5, updated_at = now() WHERE id = $1`,
				revID, string(next), shell, texts, nj)
		}
		if err != nil {
			return wrap(err, "save revision %d", revID)
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
// A submission by an editor counts as reviewed by them.
func (s *Service) Submit(ctx context.Context, actor accounts.Account, revID int64) (Revision, error) {
	return s.transition(ctx, actor, revID, ActionSubmit, func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error) {
		var err error
		if actor.Has(accounts.RoleEditor) {
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
	comment = strings.TrimSpace(norm.NFC.String(comment))
	return s.transition(ctx, actor, revID, ActionReturn, func(tx pgx.Tx, cur Revision, next RevState) (map[string]any, error) {
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
		out, err = s.insert(ctx, tx, actor, newRevision{state: next, change: ch, restoredFrom: from.ID})
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
// holds the item's current content with the new state.
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
	if err := checkUnpublishing(state, u); err != nil {
		return Revision{}, err
	}
	var out Revision
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		ch, err := s.currentContent(ctx, tx, contentID)
		if err != nil {
			return err
		}
		ch.State, ch.Unpublishing = state, u
		out, err = s.insert(ctx, tx, actor, newRevision{state: next, unpublish: true, change: ch, reviewed: actor.Has(accounts.RoleEditor)})
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

func checkUnpublishing(state pb.PublicationState, u *pb.Unpublishing) error {
	if n := len([]rune(u.GetReason())); n > maxReason {
		return tooLong("unpublishing.reason", n, maxReason)
	}
	switch state {
	case pb.PublicationState_PUBLICATION_STATE_WITHDRAWN:
		if u.GetReason() == "" {
			return errs.Invalid("unpublishing.reason", "a withdrawn item needs a public reason", "Gỡ nội dung phải nêu lý do công khai.")
		}
	case pb.PublicationState_PUBLICATION_STATE_REDIRECTED:
		hasRef := u.GetSuccessor().GetContentId() != ""
		if hasRef == (u.GetSuccessorUrl() != "") {
			return errs.Invalid("unpublishing.successor", "a redirected item needs exactly one of successor and successor_url",
				"Chuyển hướng phải có đúng một nội dung thay thế (trong cổng hoặc một địa chỉ URL).")
		}
		if hasRef && u.GetSuccessor().GetTenant() == "" {
			return errs.Invalid("unpublishing.successor.tenant", "the successor's tenant is required", "Phải nêu đơn vị (tenant) của nội dung thay thế.")
		}
		if url := u.GetSuccessorUrl(); url != "" && !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
			return errs.Invalid("unpublishing.successor_url", "the successor URL must be http or https", "Địa chỉ thay thế phải bắt đầu bằng http:// hoặc https://.")
		}
	}
	return nil
}

// currentContent is the content an item has now: its newest approved
// revision's, or, for items approved outside the workflow (API, seed), the
// approved item's, with its HTML body as the Markdown (shown as text).
func (s *Service) currentContent(ctx context.Context, q querier, contentID string) (Change, error) {
	revs, err := queryRevisions(ctx, q, `SELECT `+revColumns+` FROM revisions
		WHERE content_id = $1 AND state IN ('approved', 'superseded') ORDER BY number DESC LIMIT 1`, contentID)
	if err != nil {
		return Change{}, err
	}
	it, err := s.st.Get(ctx, contentID)
	if err != nil {
		return Change{}, err // NotFound: nothing to unpublish
	}
	if len(revs) > 0 && revs[0].HubVersion == it.Version {
		return revs[0].Change.clone(), nil
	}
	return ChangeFromItem(it.Doc), nil
}

// ChangeFromItem returns the change holding an approved item's content, for
// items approved outside the workflow. Their bodies are HTML; they are kept
// as the Markdown text (Markdown leaves out raw HTML, so an editor must
// rewrite a body before approving it again).
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
// content of its newest revision that was not discarded, or the approved
// item's (see ChangeFromItem).
func (s *Service) CurrentContent(ctx context.Context, contentID string) (Change, error) {
	revs, err := queryRevisions(ctx, s.pool, `SELECT `+revColumns+` FROM revisions
		WHERE content_id = $1 AND state <> 'discarded' AND NOT unpublish ORDER BY number DESC LIMIT 1`, contentID)
	if err != nil {
		return Change{}, err
	}
	if len(revs) > 0 {
		ch := revs[0].Change.clone()
		ch.State, ch.Unpublishing = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED, nil
		return ch, nil
	}
	it, err := s.st.Get(ctx, contentID)
	if err != nil {
		return Change{}, err
	}
	return ChangeFromItem(it.Doc), nil
}

// wrap adds context to err, and is nil when err is.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
