package editorial

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

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

// savedText is what a save writes into a revision.
type savedText struct {
	change  Change
	notices []TextNotice
	kept    map[string]string // see Revision.Kept: field → the text kept
}

// update writes a save of the stored revision cur by actor, in state next,
// with its snapshot. An editor's edit of someone else's submitted revision
// is a review: the revision stays submitted and names them its editor.
func update(ctx context.Context, tx pgx.Tx, actor accounts.Account, cur Revision, next RevState, t savedText) error {
	shell, texts, err := t.change.encode()
	if err != nil {
		return err
	}
	nj, _ := json.Marshal(orEmpty(t.notices))
	kj, _ := json.Marshal(orEmptyMap(t.kept))
	if next == StateSubmitted && cur.AuthorID != actor.ID {
		_, err = tx.Exec(ctx, `
			UPDATE revisions SET shell = $2, texts = $3, notices = $4, kept = $5, editor_id = $6, editor_username = $7, editor_name = $8,
			       updated_at = now()
			WHERE id = $1`, cur.ID, shell, texts, nj, kj, actor.ID, actor.Username, displayName(actor))
	} else {
		_, err = tx.Exec(ctx, `
			UPDATE revisions SET state = $2, shell = $3, texts = $4, notices = $5, kept = $6, updated_at = now() WHERE id = $1`,
			cur.ID, string(next), shell, texts, nj, kj)
	}
	if err != nil {
		return wrap(err, "save revision %d", cur.ID)
	}
	return writeSnapshot(ctx, tx, cur.ID, actor, shell, texts, nj)
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
