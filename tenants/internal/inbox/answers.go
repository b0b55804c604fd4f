package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// Question is a citizen's question as the back office shows it.
type Question struct {
	ID, AskedTenant, Topic, Question, Lang string
	HasEmail, HasPhone                     bool
	SubmittedAt                            time.Time
	DueOn                                  *time.Time
	Status                                 string // new, assigned, drafted, waiting, answered, forwarded, closed
	Assignee, Draft, DraftedBy, ApprovedBy string
	AnsweredAt                             *time.Time
	SendError                              string
	ForwardedTo, ForwardReason             string
	// QAContentID is the question-and-answer item made from the answered
	// question, once there is one (issue 9 point 4).
	QAContentID string
	// ConsultationID is the content id of the draft a comment is on
	// (issue 9 point 8); empty for a question.
	ConsultationID string
	// ConsultationTenant is the tenant of that draft: another one's when
	// the comment was forwarded here.
	ConsultationTenant string
	// InfoRequest is what was asked of the visitor (status waiting until
	// they reply); Replies are their replies; CloseReason why it was closed.
	InfoRequest string
	Replies     []Reply
	CloseReason string
	// ErasedAt is when the visitor's personal data was deleted (the
	// question's text with it); nil while it is kept.
	ErasedAt *time.Time
	// Attachments are the files the visitor attached, as the hub lists
	// them (their names and content stay at the hub).
	Attachments []Attachment
}

// Attachment is a file attached to a question: its position, media type
// and size.
type Attachment struct {
	Index     int    `json:"index"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
}

// Reply is a visitor's reply to a request for more information.
type Reply struct {
	N         int       `json:"n"`
	Text      string    `json:"text"`
	RepliedAt time.Time `json:"replied_at"`
}

// Open reports whether q can still be answered, forwarded or closed here.
func (q Question) Open() bool {
	return q.Status != "answered" && q.Status != "forwarded" && q.Status != "closed"
}

// Overdue reports whether q is unanswered past its due day (today is the
// day in GMT+7, as a date at 00:00 UTC).
func (q Question) Overdue(today time.Time) bool {
	return q.Open() && q.DueOn != nil && q.DueOn.Before(today)
}

// Filters of the inbox.
const (
	FilterNew      = "new"
	FilterAssigned = "assigned"
	FilterOverdue  = "overdue"
	FilterAnswered = "answered"
)

// ErrNotFound and ErrState are the answers' refusals.
var (
	ErrNotFound = errors.New("no such question")
	ErrState    = errors.New("the question is not in a state that allows this")
)

// Inbox reads and changes the sub-portal's questions.
type Inbox struct{ Pool *pgxpool.Pool }

const questionCols = `id, asked_tenant, topic, question, lang, has_email, has_phone, submitted_at, due_on, status,
	coalesce(assignee, ''), draft, coalesce(drafted_by, ''), coalesce(approved_by, ''), answered_at, coalesce(send_error, ''),
	coalesce(forwarded_to, ''), coalesce(forward_reason, ''), coalesce(qa_content_id, ''), coalesce(consultation_id, ''), attachments, erased_at,
	coalesce(consultation_tenant, ''), coalesce(info_request, ''), replies, coalesce(close_reason, '')`

func scanQuestion(row pgx.Row) (Question, error) {
	var q Question
	err := row.Scan(&q.ID, &q.AskedTenant, &q.Topic, &q.Question, &q.Lang, &q.HasEmail, &q.HasPhone, &q.SubmittedAt, &q.DueOn,
		&q.Status, &q.Assignee, &q.Draft, &q.DraftedBy, &q.ApprovedBy, &q.AnsweredAt, &q.SendError, &q.ForwardedTo, &q.ForwardReason,
		&q.QAContentID, &q.ConsultationID, &q.Attachments, &q.ErasedAt, &q.ConsultationTenant, &q.InfoRequest, &q.Replies, &q.CloseReason)
	return q, err
}

// List returns the questions of filter (all when empty), the oldest due
// first, and how many each filter holds.
func (in Inbox) List(ctx context.Context, filter string, today time.Time) ([]Question, map[string]int, error) {
	rows, err := in.Pool.Query(ctx, `SELECT `+questionCols+` FROM feedback_inbox ORDER BY due_on NULLS LAST, submitted_at LIMIT 2000`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	var out []Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, nil, err
		}
		in := map[string]bool{
			FilterNew:      q.Status == "new",
			FilterAssigned: q.Status == "assigned" || q.Status == "drafted" || q.Status == "waiting",
			FilterOverdue:  q.Overdue(today),
			FilterAnswered: q.Status == "answered",
		}
		for f, yes := range in {
			if yes {
				counts[f]++
			}
		}
		if filter == "" || in[filter] {
			out = append(out, q)
		}
	}
	return out, counts, rows.Err()
}

// Get returns one question.
func (in Inbox) Get(ctx context.Context, id string) (Question, error) {
	q, err := scanQuestion(in.Pool.QueryRow(ctx, `SELECT `+questionCols+` FROM feedback_inbox WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return q, ErrNotFound
	}
	return q, err
}

// Assign gives an unanswered question to a staff member.
func (in Inbox) Assign(ctx context.Context, id, who string) error {
	return in.change(ctx, `UPDATE feedback_inbox SET assignee = $2, status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END
		WHERE id = $1 AND status NOT IN ('answered', 'forwarded', 'closed')`, id, who)
}

// Draft keeps a draft answer of an unanswered question.
func (in Inbox) Draft(ctx context.Context, id, who, draft string) error {
	draft = strings.TrimSpace(strings.ReplaceAll(draft, "\r\n", "\n"))
	if draft == "" {
		return fmt.Errorf("%w: the draft is empty", ErrState)
	}
	return in.change(ctx, `UPDATE feedback_inbox SET draft = $3, drafted_by = $2, status = 'drafted', assignee = coalesce(assignee, $2)
		WHERE id = $1 AND status NOT IN ('answered', 'forwarded', 'closed')`, id, who, draft)
}

// AnswerClient is the hub's FeedbackService as answering and forwarding
// need it.
type AnswerClient interface {
	AnswerFeedback(ctx context.Context, in *pb.AnswerFeedbackRequest, opts ...grpc.CallOption) (*pb.AnswerFeedbackResponse, error)
	ForwardFeedback(ctx context.Context, in *pb.ForwardFeedbackRequest, opts ...grpc.CallOption) (*pb.ForwardFeedbackResponse, error)
	RequestFeedbackInfo(ctx context.Context, in *pb.RequestFeedbackInfoRequest, opts ...grpc.CallOption) (*pb.RequestFeedbackInfoResponse, error)
	CloseFeedback(ctx context.Context, in *pb.CloseFeedbackRequest, opts ...grpc.CallOption) (*pb.CloseFeedbackResponse, error)
	EraseFeedback(ctx context.Context, in *pb.EraseFeedbackRequest, opts ...grpc.CallOption) (*pb.EraseFeedbackResponse, error)
}

// Forward re-routes an unanswered question to the tenant to, with a reason
// the visitor sees, through the hub; it is marked forwarded here once the
// hub did it (the hub's refusal is returned as it is).
func (in Inbox) Forward(ctx context.Context, hub AnswerClient, id, to, reason string) error {
	q, err := in.Get(ctx, id)
	if err != nil {
		return err
	}
	if !q.Open() {
		return fmt.Errorf("%w: an answered, forwarded or closed question is not forwarded", ErrState)
	}
	if _, err := hub.ForwardFeedback(ctx, &pb.ForwardFeedbackRequest{Id: id, ToTenant: strings.TrimSpace(to), Reason: reason}); err != nil {
		return err
	}
	return in.change(ctx, `UPDATE feedback_inbox SET status = 'forwarded', forwarded_to = $2, forward_reason = $3, send_error = NULL
		WHERE id = $1 AND status NOT IN ('answered', 'forwarded', 'closed')`, id, strings.TrimSpace(to), strings.TrimSpace(reason))
}

// Approve sends the drafted answer, approved by approver, to the hub (its
// Markdown, the HTML render makes of it, its files) and marks the question
// answered once the hub took it; when the hub does not, the question stays
// drafted with the hub's error kept, to approve again.
func (in Inbox) Approve(ctx context.Context, hub AnswerClient, id, approver string, render func(markdown string) string) error {
	q, err := in.Get(ctx, id)
	if err != nil {
		return err
	}
	if q.Status != "drafted" || q.Draft == "" {
		return fmt.Errorf("%w: only a drafted answer is approved", ErrState)
	}
	files, err := in.answerFiles(ctx, id, true)
	if err != nil {
		return err
	}
	req := &pb.AnswerFeedbackRequest{Id: id, Answer: q.Draft, AnswerHtml: render(q.Draft), ApprovedBy: approver}
	for _, f := range files {
		req.Attachments = append(req.Attachments, &pb.FeedbackFile{Filename: f.Name, MediaType: f.MediaType, Data: f.Data})
	}
	if _, err := hub.AnswerFeedback(ctx, req); err != nil {
		_, _ = in.Pool.Exec(ctx, `UPDATE feedback_inbox SET send_error = $2 WHERE id = $1`, id, err.Error())
		return fmt.Errorf("the hub did not take the answer: %w", err)
	}
	return in.change(ctx, `UPDATE feedback_inbox SET status = 'answered', approved_by = $2, answered_at = now(), send_error = NULL
		WHERE id = $1 AND status = 'drafted'`, id, approver)
}

// LinkQA records that the question-and-answer item contentID was made from
// the answered question id, with the audit entry detail says (a JSON
// object) by actor, in one transaction; ErrState when the question is not
// answered or already has one.
func (in Inbox) LinkQA(ctx context.Context, id, contentID, actor string, detail []byte) error {
	return pgx.BeginFunc(ctx, in.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE feedback_inbox SET qa_content_id = $2 WHERE id = $1 AND status = 'answered' AND qa_content_id IS NULL`,
			id, contentID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrState
		}
		return store.AuditTx(ctx, tx, actor, "feedback_qa_drafted", contentID, 0, detail)
	})
}

// QAFor returns the question the item contentID was made from, or
// ErrNotFound when it was made from none.
func (in Inbox) QAFor(ctx context.Context, contentID string) (Question, error) {
	q, err := scanQuestion(in.Pool.QueryRow(ctx, `SELECT `+questionCols+` FROM feedback_inbox WHERE qa_content_id = $1`, contentID))
	if errors.Is(err, pgx.ErrNoRows) {
		return q, ErrNotFound
	}
	return q, err
}

func (in Inbox) change(ctx context.Context, sql, id string, args ...any) error {
	tag, err := in.Pool.Exec(ctx, sql, append([]any{id}, args...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		if _, err := in.Get(ctx, id); err != nil {
			return err
		}
		return ErrState
	}
	return nil
}

// Due is the due day, or the zero time when there is none.
func (q Question) Due() time.Time {
	if q.DueOn == nil {
		return time.Time{}
	}
	return *q.DueOn
}

// Answered is when the hub took the answer, or the zero time.
func (q Question) Answered() time.Time {
	if q.AnsweredAt == nil {
		return time.Time{}
	}
	return *q.AnsweredAt
}

// Comments returns the comments on the draft consultation (its content
// id), oldest first: what the agency summarises once the consultation
// closes.
func (in Inbox) Comments(ctx context.Context, consultation string) ([]Question, error) {
	rows, err := in.Pool.Query(ctx, `SELECT `+questionCols+` FROM feedback_inbox WHERE consultation_id = $1
		ORDER BY submitted_at, id LIMIT 5000`, consultation)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Question, error) { return scanQuestion(r) })
}

// CountComments returns how many comments the inbox holds on the draft
// consultation.
func (in Inbox) CountComments(ctx context.Context, consultation string) (int, error) {
	var n int
	err := in.Pool.QueryRow(ctx, `SELECT count(*) FROM feedback_inbox WHERE consultation_id = $1`, consultation).Scan(&n)
	return n, err
}

// Erased is when the question's personal data was deleted, or the zero
// time.
func (q Question) Erased() time.Time {
	if q.ErasedAt == nil {
		return time.Time{}
	}
	return *q.ErasedAt
}
