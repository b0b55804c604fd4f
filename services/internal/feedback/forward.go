package feedback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
)

// ErrAnswered refuses to forward a submission that has its answer.
var ErrAnswered = errors.New("the submission is answered already")

// MaxForwardReason bounds a forward's reason, in characters.
const MaxForwardReason = 1000

// Forward re-routes submission id of tenant to the tenant to, with a reason
// the visitor's status page shows: in one transaction it becomes to's and
// its routing event goes to to's inbox.
func (s *Store) Forward(ctx context.Context, tenant, id, to, reason string) error {
	reason = strings.TrimSpace(norm.NFC.String(reason))
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return &InvalidError{[]feedbackrules.Problem{{Field: "reason", Code: feedbackrules.Required}}}
	case n > MaxForwardReason:
		return &InvalidError{[]feedbackrules.Problem{{Field: "reason", Code: feedbackrules.TooLong}}}
	}
	err := pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error { return s.forwardTx(ctx, tx, tenant, id, to, reason) })
	var inv *InvalidError
	if err != nil && !errors.As(err, &inv) && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrPermission) && !errors.Is(err, ErrAnswered) {
		return dbErr("forward", err)
	}
	return err
}

// forwardTx is Forward in tx.
func (s *Store) forwardTx(ctx context.Context, tx pgx.Tx, tenant, id, to, reason string) error {
	var ev pb.FeedbackEvent
	var owner, st string
	var asked, consultation *string
	var submitted time.Time
	var due *time.Time
	var forwards int
	err := tx.QueryRow(ctx, `SELECT tenant_id, status, topic, question, lang, asked_tenant_id, has_email, has_phone, submitted_at,
		due_on, forwards, consultation_id, coalesce(routed_to[1], tenant_id) FROM feedback WHERE id = $1 FOR UPDATE`, id).
		Scan(&owner, &st, &ev.Topic, &ev.Question, &ev.Lang, &asked, &ev.HasEmail, &ev.HasPhone, &submitted, &due, &forwards,
			&consultation, &ev.ConsultationTenant)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if owner != tenant {
		return ErrPermission
	}
	if !open(st) {
		return ErrAnswered
	}
	var toStatus string
	err = tx.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1`, to).Scan(&toStatus)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (toStatus != "active" || to == tenant) {
		return &InvalidError{[]feedbackrules.Problem{{Field: "to_tenant", Code: feedbackrules.Invalid}}}
	}
	if err != nil {
		return err
	}
	forwards++
	msgID := fmt.Sprintf("feedback/%s/forward/%d", id, forwards)
	ev.EventId, ev.Id, ev.Tenant, ev.SubmittedAt = msgID, id, to, timestamppb.New(submitted)
	if asked != nil {
		ev.AskedTenant = *asked
	}
	if consultation != nil {
		// A comment keeps its draft, which stays its first tenant's.
		ev.ConsultationId = *consultation
	} else {
		ev.ConsultationTenant = ""
	}
	if due != nil {
		ev.DueOn = due.Format(time.DateOnly)
	}
	payload, err := proto.Marshal(&ev)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE feedback SET tenant_id = $2, forwarded_from = $3, forward_reason = $4, forwards = $5,
		status = 'forwarded', status_at = $6, info_request = NULL, info_requested_at = NULL, routed_to = array_append(routed_to, $3) WHERE id = $1`, id, to, tenant, reason, forwards, s.cfg.Now()); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
		events.InboxSubject(to, "feedback", id), msgID, payload)
	return err
}

// MergeReason is the forward reason of the questions a merge moves (the
// visitor's status page shows it); %s is the successor's name.
const MergeReason = "Đơn vị đã sáp nhập vào %s; câu hỏi được chuyển sang đơn vị tiếp nhận."

// MoveOpen hands every open question of a merged unit from to its
// successor into, inside the merge's transaction (hubstore's merge hook):
// each is forwarded as an agency would, with MergeReason, so into's
// sub-portal gets it on its inbox and the visitor's status page says why.
// It returns how many moved.
func (s *Store) MoveOpen(ctx context.Context, tx pgx.Tx, from, into string) (int, error) {
	var name string
	if err := tx.QueryRow(ctx, `SELECT name_vi FROM tenants WHERE id = $1`, into).Scan(&name); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT id FROM feedback WHERE tenant_id = $1 AND status NOT IN ('answered', 'published', 'closed')
		ORDER BY submitted_at, id`, from)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.forwardTx(ctx, tx, from, id, into, fmt.Sprintf(MergeReason, name)); err != nil {
			return 0, fmt.Errorf("move question %s to %s: %w", id, into, err)
		}
	}
	return len(ids), nil
}
