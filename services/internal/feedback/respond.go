package feedback

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/mailout"
)

// The rest of answering a question (issue 9 point 3): asking the visitor
// for more information and taking their reply, closing with a reason, and
// (point 4) the question-and-answer item made from the answer.

// ErrNoRequest refuses a reply when no request for information waits for
// one.
var ErrNoRequest = errors.New("no request for information waits for a reply")

// MaxInfoRequest bounds a request for more information, in characters.
const MaxInfoRequest = 2000

// open reports whether a submission in status st can still be answered.
func open(st string) bool { return st != "answered" && st != "published" && st != "closed" }

// text normalises a staff member's or a visitor's text and checks its length.
func text(field, s string, max int) (string, error) {
	s = strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n")))
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", &InvalidError{[]feedbackrules.Problem{{Field: field, Code: feedbackrules.Required}}}
	case n > max:
		return "", &InvalidError{[]feedbackrules.Problem{{Field: field, Code: feedbackrules.TooLong}}}
	}
	return s, nil
}

// ownOpen locks submission id of tenant for a change and returns its
// language, tracking code, sealed contact and whether it has an e-mail
// address: ErrNotFound, ErrPermission, or ErrAnswered once answered or
// closed.
func ownOpen(ctx context.Context, tx pgx.Tx, tenant, id string) (lang, code string, sealed []byte, hasEmail bool, err error) {
	var owner, st string
	err = tx.QueryRow(ctx, `SELECT tenant_id, status, lang, tracking_code, contact, has_email FROM feedback WHERE id = $1 FOR UPDATE`, id).
		Scan(&owner, &st, &lang, &code, &sealed, &hasEmail)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = ErrNotFound
	case err != nil:
	case owner != tenant:
		err = ErrPermission
	case !open(st):
		err = ErrAnswered
	}
	return
}

// storeErr keeps the store's own errors and wraps the database's.
func storeErr(what string, err error) error {
	var inv *InvalidError
	if err == nil || errors.As(err, &inv) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrPermission) ||
		errors.Is(err, ErrAnswered) || errors.Is(err, ErrNoRequest) {
		return err
	}
	return dbErr(what, err)
}

// RequestInfo asks the visitor of tenant's unanswered submission id for
// more information: the status page shows message and takes a reply, and
// an e-mail tells the visitor when they gave an address, in one
// transaction.
func (s *Store) RequestInfo(ctx context.Context, tenant, id, message string) error {
	message, err := text("message", message, MaxInfoRequest)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		lang, code, sealed, hasEmail, err := ownOpen(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		now := s.cfg.Now()
		// A visitor whose data is deleted can no longer be asked: the status
		// page takes no reply for such a submission.
		tag, err := tx.Exec(ctx, `UPDATE feedback SET status = 'in_progress', status_at = $2, info_request = $3, info_requested_at = $2
			WHERE id = $1 AND erased_at IS NULL`, id, now, message)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		if !hasEmail {
			return nil
		}
		email, err := s.email(ctx, id, sealed)
		if err != nil || email == "" {
			return err
		}
		_, err = mailout.Enqueue(ctx, tx, infoRequested(lang, email, code, s.cfg.SiteURL))
		return err
	})
	return storeErr("request information", err)
}

// ReplyTo takes the visitor's reply, given with tracking code code, to the
// agency's request for more information: it is kept, routed to the
// tenant's inbox (a FeedbackReply) and the request settled, in one
// transaction. ErrNoRequest when no request waits for a reply.
func (s *Store) ReplyTo(ctx context.Context, code, reply string) error {
	code, ok := feedbackrules.NormalizeCode(code)
	if !ok {
		return ErrNotFound
	}
	reply, err := text("reply", reply, feedbackrules.MaxQuestion)
	if err != nil {
		return err
	}
	if strings.IndexFunc(reply, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }) >= 0 {
		return &InvalidError{[]feedbackrules.Problem{{Field: "reply", Code: feedbackrules.Invalid}}}
	}
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		var id, tenant, st string
		var request *string
		var n int32
		err := tx.QueryRow(ctx, `SELECT id, tenant_id, status, info_request, replies FROM feedback WHERE tracking_code = $1 AND erased_at IS NULL
			FOR UPDATE`, code).Scan(&id, &tenant, &st, &request, &n)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if request == nil || !open(st) {
			return ErrNoRequest
		}
		n++
		now := s.cfg.Now()
		msgID := fmt.Sprintf("feedback/%s/reply/%d", id, n)
		payload, err := proto.Marshal(&pb.FeedbackReply{EventId: msgID, Id: id, Tenant: tenant, Reply: reply, RepliedAt: timestamppb.New(now), N: n})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE feedback SET info_request = NULL, replies = $2, status_at = $3 WHERE id = $1`, id, n, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO feedback_replies (feedback_id, n, reply, replied_at) VALUES ($1, $2, $3, $4)`,
			id, n, reply, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
			events.InboxSubject(tenant, "reply", id), msgID, payload)
		return err
	})
	return storeErr("reply", err)
}

// Close closes tenant's unanswered submission id with a reason its status
// page shows.
func (s *Store) Close(ctx context.Context, tenant, id, reason string) error {
	reason, err := text("reason", reason, MaxForwardReason)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		if _, _, _, _, err := ownOpen(ctx, tx, tenant, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE feedback SET status = 'closed', status_at = $2, close_reason = $3, info_request = NULL WHERE id = $1`,
			id, s.cfg.Now(), reason)
		return err
	})
	return storeErr("close", err)
}

// LinkQA records contentID as the question-and-answer item tenant made
// from its answered submission id: while it is published at the hub, the
// submission's status is published (StatusOf).
func (s *Store) LinkQA(ctx context.Context, tenant, id, contentID string) error {
	if !contentrules.ValidContentID(contentID) {
		return &InvalidError{[]feedbackrules.Problem{{Field: "content_id", Code: feedbackrules.Invalid}}}
	}
	var owner, st string
	err := s.cfg.Pool.QueryRow(ctx, `SELECT tenant_id, status FROM feedback WHERE id = $1`, id).Scan(&owner, &st)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return dbErr("link qa", err)
	case owner != tenant:
		return ErrPermission
	case st != "answered" && st != "published":
		return &InvalidError{[]feedbackrules.Problem{{Field: "id", Code: feedbackrules.Invalid}}}
	}
	_, err = s.cfg.Pool.Exec(ctx, `UPDATE feedback SET qa_content_id = $2 WHERE id = $1`, id, contentID)
	return dbErr("link qa", err)
}

// AnswerFile returns file index of the answer of the submission with
// tracking code code.
func (s *Store) AnswerFile(ctx context.Context, code string, index int) (feedbackrules.File, string, error) {
	code, ok := feedbackrules.NormalizeCode(code)
	if !ok {
		return feedbackrules.File{}, "", ErrNotFound
	}
	var f feedbackrules.File
	var mediaType string
	err := s.cfg.Pool.QueryRow(ctx, `SELECT a.filename, a.media_type, a.data FROM feedback_answer_files a JOIN feedback f ON f.id = a.feedback_id
		WHERE f.tracking_code = $1 AND a.position = $2`, code, index).Scan(&f.Name, &mediaType, &f.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, "", ErrNotFound
	}
	return f, mediaType, dbErr("answer file", err)
}

// fileName is the name an answer's file is kept under: its base name, NFC,
// at most 255 characters.
func fileName(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(path.Base(strings.ReplaceAll(name, `\`, "/")), ""))
	if r := []rune(name); len(r) > 255 {
		name = string(r[len(r)-255:])
	}
	if name == "." || name == "/" {
		return "tep"
	}
	return name
}

// Overdue is a question past its due day and still unanswered, as the
// central ops team lists them (issue 9 point 5): no personal data.
type Overdue struct {
	ID, Tenant, Topic, Status string
	SubmittedAt               time.Time
	DueOn                     time.Time
}

// OverdueAt returns the questions in the hub's database db unanswered past
// their due day on the day of now (GMT+7), the oldest due first, at most
// limit: the ops console's list.
func OverdueAt(ctx context.Context, db *pgxpool.Pool, now time.Time, limit int) ([]Overdue, error) {
	y, m, d := now.In(hcmc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	rows, err := db.Query(ctx, `SELECT id, tenant_id, topic, status, submitted_at, due_on FROM feedback
		WHERE status IN ('received', 'forwarded', 'in_progress') AND due_on < $1 ORDER BY due_on, submitted_at, id LIMIT $2`, today, limit)
	if err != nil {
		return nil, dbErr("overdue", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Overdue, error) {
		var o Overdue
		err := r.Scan(&o.ID, &o.Tenant, &o.Topic, &o.Status, &o.SubmittedAt, &o.DueOn)
		return o, err
	})
	return out, dbErr("overdue", err)
}
