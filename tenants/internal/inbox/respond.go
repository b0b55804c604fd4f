package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// The rest of answering (issue 9 point 3): asking the visitor for more
// information and storing their reply, closing with a reason, files
// attached to the answer, and deleting the personal data of a visitor who
// gave no e-mail address (point 6), each done at the hub first and
// recorded here once the hub did it.

// AskInfo asks the visitor of an open question for more information,
// through the hub (the visitor's status page shows message and an e-mail
// tells them); the question waits for the reply here.
func (in Inbox) AskInfo(ctx context.Context, hub AnswerClient, id, message string) error {
	q, err := in.Get(ctx, id)
	if err != nil {
		return err
	}
	if !q.Open() {
		return fmt.Errorf("%w: only an open question asks for more information", ErrState)
	}
	message = strings.TrimSpace(strings.ReplaceAll(message, "\r\n", "\n"))
	if _, err := hub.RequestFeedbackInfo(ctx, &pb.RequestFeedbackInfoRequest{Id: id, Message: message}); err != nil {
		return err
	}
	return in.change(ctx, `UPDATE feedback_inbox SET status = 'waiting', info_request = $2, send_error = NULL
		WHERE id = $1 AND status NOT IN ('answered', 'forwarded', 'closed')`, id, message)
}

// Close closes an open question with a reason the visitor sees, through
// the hub.
func (in Inbox) Close(ctx context.Context, hub AnswerClient, id, reason string) error {
	q, err := in.Get(ctx, id)
	if err != nil {
		return err
	}
	if !q.Open() {
		return fmt.Errorf("%w: only an open question is closed", ErrState)
	}
	reason = strings.TrimSpace(strings.ReplaceAll(reason, "\r\n", "\n"))
	if _, err := hub.CloseFeedback(ctx, &pb.CloseFeedbackRequest{Id: id, Reason: reason}); err != nil {
		return err
	}
	return in.change(ctx, `UPDATE feedback_inbox SET status = 'closed', close_reason = $2, info_request = NULL, send_error = NULL
		WHERE id = $1 AND status NOT IN ('answered', 'forwarded', 'closed')`, id, reason)
}

// Erase deletes the visitor's personal data at the hub, by actor (audited
// here): the route of a visitor who gave no e-mail address, whose request
// staff checked by calling the number they gave. The hub then tells this
// sub-portal to empty its copy (a FeedbackErasure on its inbox).
func (in Inbox) Erase(ctx context.Context, hub AnswerClient, id, actor string) error {
	q, err := in.Get(ctx, id)
	if err != nil {
		return err
	}
	if q.ErasedAt != nil {
		return fmt.Errorf("%w: its personal data is deleted already", ErrState)
	}
	if _, err := hub.EraseFeedback(ctx, &pb.EraseFeedbackRequest{Id: id}); err != nil {
		return err
	}
	detail, _ := json.Marshal(map[string]any{"feedback_id": id, "has_email": q.HasEmail, "has_phone": q.HasPhone})
	return pgx.BeginFunc(ctx, in.Pool, func(tx pgx.Tx) error {
		return store.AuditTx(ctx, tx, actor, "feedback_personal_data_deleted", "", 0, detail)
	})
}

// StoreReply adds the visitor's reply ev to its question, once (by its
// number), and settles the request: the question is back with whoever had
// it. errNotYet when the question is not stored here yet.
func StoreReply(ctx context.Context, pool *pgxpool.Pool, ev *pb.FeedbackReply) (bool, error) {
	r, _ := json.Marshal([]Reply{{N: int(ev.GetN()), Text: ev.GetReply(), RepliedAt: ev.GetRepliedAt().AsTime()}})
	tag, err := pool.Exec(ctx, `UPDATE feedback_inbox SET replies = replies || $2::jsonb, info_request = NULL,
			status = CASE WHEN status <> 'waiting' THEN status WHEN draft <> '' THEN 'drafted' WHEN assignee IS NOT NULL THEN 'assigned' ELSE 'new' END
		WHERE id = $1 AND erased_at IS NULL AND NOT replies @> jsonb_build_array(jsonb_build_object('n', $3::int))`, ev.GetId(), r, ev.GetN())
	if err != nil {
		return false, fmt.Errorf("store reply to %s: %w", ev.GetId(), err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM feedback_inbox WHERE id = $1)`, ev.GetId()).Scan(&exists); err != nil {
		return false, fmt.Errorf("store reply to %s: %w", ev.GetId(), err)
	}
	if !exists {
		return false, errNotYet
	}
	return false, nil
}

// AnswerFile is a file attached to a draft answer.
type AnswerFile struct {
	Index           int
	Name, MediaType string
	Size            int64
	Data            []byte
}

// ErrFile refuses a file the answer cannot take: its problem code
// (feedbackrules: too_many, too_large, file_type, file_empty).
type ErrFile struct{ Code string }

func (e ErrFile) Error() string { return "the answer cannot take the file: " + e.Code }

// AddAnswerFile attaches f to the draft answer of an open question, under
// the question's file rules (images and PDF, at most 3 of 1 MiB).
func (in Inbox) AddAnswerFile(ctx context.Context, id string, f feedbackrules.File) error {
	mt, code := feedbackrules.FileMediaType(f)
	if code != "" {
		return ErrFile{code}
	}
	return pgx.BeginFunc(ctx, in.Pool, func(tx pgx.Tx) error {
		var st string
		err := tx.QueryRow(ctx, `SELECT status FROM feedback_inbox WHERE id = $1 FOR UPDATE`, id).Scan(&st)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !(Question{Status: st}).Open() {
			return ErrState
		}
		var n, next int
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(max(position) + 1, 0) FROM feedback_answer_files WHERE feedback_id = $1`, id).
			Scan(&n, &next); err != nil {
			return err
		}
		if n >= feedbackrules.MaxFiles || next > 9 {
			return ErrFile{feedbackrules.TooMany}
		}
		_, err = tx.Exec(ctx, `INSERT INTO feedback_answer_files (feedback_id, position, filename, media_type, data) VALUES ($1, $2, $3, $4, $5)`,
			id, next, f.Name, mt, f.Data)
		return err
	})
}

// RemoveAnswerFile takes file index off the draft answer of an open question.
func (in Inbox) RemoveAnswerFile(ctx context.Context, id string, index int) error {
	tag, err := in.Pool.Exec(ctx, `DELETE FROM feedback_answer_files a USING feedback_inbox q
		WHERE a.feedback_id = $1 AND a.position = $2 AND q.id = a.feedback_id AND q.status NOT IN ('answered', 'forwarded', 'closed')`, id, index)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrState
	}
	return nil
}

// AnswerFiles lists the files of id's answer, without their content.
func (in Inbox) AnswerFiles(ctx context.Context, id string) ([]AnswerFile, error) {
	return in.answerFiles(ctx, id, false)
}

func (in Inbox) answerFiles(ctx context.Context, id string, withData bool) ([]AnswerFile, error) {
	rows, err := in.Pool.Query(ctx, `SELECT position, filename, media_type, length(data), CASE WHEN $2 THEN data END
		FROM feedback_answer_files WHERE feedback_id = $1 ORDER BY position`, id, withData)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AnswerFile, error) {
		var f AnswerFile
		err := r.Scan(&f.Index, &f.Name, &f.MediaType, &f.Size, &f.Data)
		return f, err
	})
}
