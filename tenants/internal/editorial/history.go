package editorial

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"golang.org/x/text/unicode/norm"
)

// Snapshot is one saved version of a revision: every save appends one (the
// first save, restores and requests to unpublish too), and none is ever
// changed, so what an author submitted stays after an editor edits it.
type Snapshot struct {
	ID         int64
	RevisionID int64
	ContentID  string
	Number     int // the revision's number
	Seq        int // 1, 2, 3, ... per revision
	Change     Change
	Notices    []TextNotice
	SavedByID  int64
	SavedBy    string // username
	SavedName  string // display name
	SavedAt    time.Time
}

const snapColumns = `s.id, s.revision_id, r.content_id, r.number, s.seq, s.shell, s.texts, s.notices,
	s.saved_by_id, s.saved_by_username, s.saved_by_name, s.saved_at`

const snapJoin = ` FROM revision_snapshots s JOIN revisions r ON r.id = s.revision_id`

func writeSnapshot(ctx context.Context, tx pgx.Tx, revID int64, actor accounts.Account, shell, texts, notices []byte) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO revision_snapshots (revision_id, seq, shell, texts, notices, saved_by_id, saved_by_username, saved_by_name)
		SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7 FROM revision_snapshots WHERE revision_id = $1`,
		revID, shell, texts, notices, actor.ID, actor.Username, displayName(actor))
	return wrap(err, "keep a snapshot of revision %d", revID)
}

func querySnapshots(ctx context.Context, q querier, sql string, args ...any) ([]Snapshot, error) {
	rows, err := q.Query(ctx, `SELECT `+snapColumns+snapJoin+` `+sql, args...)
	if err != nil {
		return nil, wrap(err, "read snapshots")
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		var sn Snapshot
		var shell, texts, notices []byte
		if err := rows.Scan(&sn.ID, &sn.RevisionID, &sn.ContentID, &sn.Number, &sn.Seq, &shell, &texts, &notices,
			&sn.SavedByID, &sn.SavedBy, &sn.SavedName, &sn.SavedAt); err != nil {
			return nil, wrap(err, "read snapshots")
		}
		if sn.Change, err = decodeChange(shell, texts); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", sn.ID, err)
		}
		if err := json.Unmarshal(notices, &sn.Notices); err != nil {
			return nil, fmt.Errorf("snapshot %d: notices: %w", sn.ID, err)
		}
		out = append(out, sn)
	}
	return out, wrap(rows.Err(), "read snapshots")
}

// Snapshots returns every saved version of a revision, oldest first.
func (s *Service) Snapshots(ctx context.Context, revID int64) ([]Snapshot, error) {
	return querySnapshots(ctx, s.pool, `WHERE s.revision_id = $1 ORDER BY s.seq`, revID)
}

// ItemSnapshots returns every saved version of every revision of an item,
// newest revision first and, within one, newest save first.
func (s *Service) ItemSnapshots(ctx context.Context, contentID string) ([]Snapshot, error) {
	return querySnapshots(ctx, s.pool, `WHERE r.content_id = $1 ORDER BY r.number DESC, s.seq DESC`, contentID)
}

// GetSnapshot returns one saved version.
func (s *Service) GetSnapshot(ctx context.Context, id int64) (Snapshot, error) {
	out, err := querySnapshots(ctx, s.pool, `WHERE s.id = $1`, id)
	if err != nil {
		return Snapshot{}, err
	}
	if len(out) == 0 {
		return Snapshot{}, errs.New(errs.NotFound, "snapshot", fmt.Sprintf("no snapshot %d", id), "Không có phiên bản đã lưu này.")
	}
	return out[0], nil
}

// DiffSnapshots is Diff between two saved versions (see Snapshots).
func (s *Service) DiffSnapshots(ctx context.Context, fromSnapID, toSnapID int64) ([]FieldDiff, error) {
	from, err := s.GetSnapshot(ctx, fromSnapID)
	if err != nil {
		return nil, err
	}
	to, err := s.GetSnapshot(ctx, toSnapID)
	if err != nil {
		return nil, err
	}
	return DiffChanges(from.Change, to.Change), nil
}

// RestoreSnapshot is Restore from one saved version of a revision (the
// actor needs the right to restore that revision): a new draft of the
// actor's with that content, starting from the item's current version.
func (s *Service) RestoreSnapshot(ctx context.Context, actor accounts.Account, snapID int64) (Revision, error) {
	var out Revision
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		snaps, err := querySnapshots(ctx, tx, `WHERE s.id = $1`, snapID)
		if err != nil {
			return err
		}
		if len(snaps) == 0 {
			return errs.New(errs.NotFound, "snapshot", fmt.Sprintf("no snapshot %d", snapID), "Không có phiên bản đã lưu này.")
		}
		sn := snaps[0]
		from, err := getRevision(ctx, tx, sn.RevisionID, false)
		if err != nil {
			return err
		}
		next, err := Decide(actor, from, ActionRestore, s.board)
		if err != nil {
			return err
		}
		ch := sn.Change.clone()
		ch.State, ch.Unpublishing = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED, nil
		base, err := currentVersion(ctx, tx, from.ContentID)
		if err != nil {
			return err
		}
		out, err = s.insert(ctx, tx, actor, newRevision{state: next, change: ch, restoredFrom: from.ID, restoredSnap: sn.ID, base: base,
			kept: keptTexts(ch, from.Kept)})
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, ActionRestore, out, map[string]any{"restored_from": from.ID, "restored_number": from.Number,
			"restored_snapshot": sn.ID, "restored_seq": sn.Seq})
	})
	if err != nil {
		s.refused(actor, ActionRestore, 0, err)
		return Revision{}, err
	}
	return out, nil
}

var textFieldPattern = regexp.MustCompile(`^texts\[([a-z]+)\]\.(title|summary|markdown)$`)

// textValue is a text field of ch as prepare stores it (NFC; trimmed but
// for bodies), and whether ch has the field.
func textValue(ch Change, field string) (string, bool) {
	m := textFieldPattern.FindStringSubmatch(field)
	if m == nil {
		return "", false
	}
	t, ok := ch.Texts[m[1]]
	if !ok {
		return "", false
	}
	var v string
	switch m[2] {
	case "title":
		v = t.Title
	case "summary":
		v = t.Summary
	case "markdown":
		v = t.Markdown
	}
	v = norm.NFC.String(v)
	if m[2] != "markdown" {
		v = strings.TrimSpace(v)
	}
	return v, true
}

// effectiveKeep is keepAsTyped plus the fields that an earlier save of the
// revision kept as typed and whose text ch leaves unchanged.
func (s *Service) effectiveKeep(ctx context.Context, tx pgx.Tx, revID int64, ch Change, keepAsTyped map[string]bool) (map[string]bool, error) {
	out := map[string]bool{}
	for f, k := range keepAsTyped {
		if k {
			out[f] = true
		}
	}
	if revID == 0 {
		return out, nil
	}
	var raw []byte
	if err := tx.QueryRow(ctx, `SELECT kept FROM revisions WHERE id = $1`, revID).Scan(&raw); err != nil {
		return nil, wrap(err, "read kept fields of revision %d", revID)
	}
	var kept map[string]string
	if err := json.Unmarshal(raw, &kept); err != nil {
		return nil, fmt.Errorf("revision %d: kept: %w", revID, err)
	}
	for f, text := range kept {
		if v, ok := textValue(ch, f); ok && v == text {
			out[f] = true
		}
	}
	return out, nil
}

// keptTexts is what a revision records of the fields kept as typed: each
// one's text as saved, so that a later save with the same text keeps it
// too.
func keptTexts(ch Change, keep map[string]bool) map[string]string {
	out := map[string]string{}
	for f, k := range keep {
		if !k {
			continue
		}
		if v, ok := textValue(ch, f); ok && v != "" {
			out[f] = v
		}
	}
	return out
}

// checkSeen refuses an action on a revision that changed since the page
// the actor acted from showed it (seen is its Stamp then; empty checks
// nothing).
func checkSeen(cur Revision, seen string) error {
	if seen == "" || seen == cur.Stamp() {
		return nil
	}
	return errs.New(errs.Conflict, "seen", "the revision changed since the page showed it",
		fmt.Sprintf("Bản số %d đã thay đổi (được sửa, biên tập hoặc chuyển trạng thái) từ lúc bạn mở trang; "+
			"không có gì được thực hiện. Hãy tải lại trang, xem lại nội dung mới rồi thao tác lại.", cur.Number))
}
