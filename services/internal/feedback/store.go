// Package feedback is the hub's side of citizens' questions and petitions
// (issue 9 points 1 and 2): the FeedbackService that stores a submission,
// with its contact details sealed under a data key of its own
// (services/personaldata), routes it to the responsible tenant's inbox
// subject through the hub outbox, queues its confirmation e-mail, answers
// the public status page, and gives the contact details to the responsible
// tenant only.
package feedback

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/mailout"
	"github.com/portalhub/portalhub/services/personaldata"
	"github.com/portalhub/portalhub/services/pgerr"
)

// Errors of the store, mapped to gRPC codes once (grpc.go).
var (
	ErrNotFound    = errors.New("not found")
	ErrPermission  = errors.New("permission denied")
	ErrUnavailable = errors.New("unavailable")
)

// InvalidError lists the problems of a refused submission.
type InvalidError struct{ Problems []feedbackrules.Problem }

func (e *InvalidError) Error() string {
	return fmt.Sprintf("invalid submission: %v", e.Problems)
}

// DefaultRetention is how long contact details are kept by default: the
// answer's time plus the period a visitor may come back to it.
const DefaultRetention = 2 * 365 * 24 * time.Hour

// Config wires a Store.
type Config struct {
	Pool *pgxpool.Pool
	Keys *personaldata.Store
	// ProvinceTenant receives what a visitor sends to "I don't know", to
	// forward it.
	ProvinceTenant string
	// Retention is how long contact details are kept (their data key's
	// delete_after); default DefaultRetention.
	Retention time.Duration
	// Log receives the store's warnings (never personal data).
	Log zerolog.Logger
	// SiteURL is the public portal's address, for the status link in the
	// confirmation e-mail (e.g. https://khanhhoa.gov.vn).
	SiteURL string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// WorkingDay says whether a day is a working day (the compliance
	// rules' calendar: weekends, holidays, swapped days); with DueDays it
	// sets each question's due date. Nil: no due dates.
	WorkingDay func(day time.Time) (bool, error)
	// DueDays is how many working days after the day it is received an
	// answer is due; default DefaultDueDays.
	DueDays int
}

// DefaultDueDays is the default time to answer, in working days.
const DefaultDueDays = 15

// hcmc is the zone due dates are counted in.
var hcmc = time.FixedZone("GMT+7", 7*3600)

// DueDate returns the day n working days after the day of t (GMT+7), by
// workingDay.
func DueDate(t time.Time, n int, workingDay func(time.Time) (bool, error)) (time.Time, error) {
	y, m, d := t.In(hcmc).Date()
	day := time.Date(y, m, d, 12, 0, 0, 0, hcmc)
	for left := n; left > 0; {
		day = day.AddDate(0, 0, 1)
		ok, err := workingDay(day)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			left--
		}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), nil
}

// Store keeps the submissions in the hub's feedback table.
type Store struct{ cfg Config }

// NewStore returns the store cfg describes.
func NewStore(cfg Config) *Store {
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DueDays <= 0 {
		cfg.DueDays = DefaultDueDays
	}
	return &Store{cfg: cfg}
}

// Receipt names a stored submission.
type Receipt struct {
	ID, Code, Tenant string
}

// contact is what is sealed: the visitor's name and contact details.
type contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Submit normalises and checks f, and stores it with its routing event and
// its confirmation e-mail in one transaction: when it returns a receipt,
// the submission is durably stored. The same request id returns the same
// receipt.
func (s *Store) Submit(ctx context.Context, f feedbackrules.Form) (Receipt, error) {
	broken := feedbackrules.Normalize(&f)
	problems := feedbackrules.Check(f, broken)
	if len(problems) > 0 {
		return Receipt{}, &InvalidError{problems}
	}
	if r, err := s.byRequest(ctx, f.RequestID); !errors.Is(err, ErrNotFound) {
		return r, err
	}
	now := s.cfg.Now()
	tenant := f.Tenant
	if tenant == "" {
		tenant = s.cfg.ProvinceTenant
	}
	var consultation *string
	if f.ConsultationID != "" {
		// A comment goes to the draft's tenant, whatever the form said.
		if err := s.consultationOpen(ctx, f.ConsultationTenant, f.ConsultationID, now); err != nil {
			return Receipt{}, err
		}
		tenant, f.Tenant, consultation = f.ConsultationTenant, f.ConsultationTenant, &f.ConsultationID
	}
	var st string
	err := s.cfg.Pool.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1`, tenant).Scan(&st)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && st != "active" {
		return Receipt{}, &InvalidError{[]feedbackrules.Problem{{Field: "tenant", Code: feedbackrules.Invalid}}}
	}
	if err != nil {
		return Receipt{}, dbErr("tenant", err)
	}

	var due *time.Time
	dueOn := ""
	if s.cfg.WorkingDay != nil {
		d, err := DueDate(now, s.cfg.DueDays, s.cfg.WorkingDay)
		if err != nil {
			// A year the calendar lacks: the question is stored, without a
			// due date, rather than refused.
			s.cfg.Log.Warn().Err(err).Msg("feedback: no due date (the working-day calendar lacks the year)")
		} else {
			due, dueOn = &d, d.Format(time.DateOnly)
		}
	}
	r := Receipt{ID: newID(), Code: feedbackrules.NewCode(), Tenant: tenant}
	key, err := s.cfg.Keys.Create(ctx, r.ID, now.Add(s.cfg.Retention))
	if err != nil {
		return Receipt{}, dbErr("data key", err)
	}
	plain, _ := json.Marshal(contact{Name: f.Name, Email: f.Email, Phone: f.Phone})
	sealed, err := key.Seal(personaldata.FieldName, plain)
	clear(plain)
	if err != nil {
		return Receipt{}, err
	}
	var asked *string
	if f.Tenant != "" {
		asked = &f.Tenant
	}
	files, infos, err := sealFiles(key, f.Files)
	if err != nil {
		return Receipt{}, err
	}
	ev, err := proto.Marshal(&pb.FeedbackEvent{EventId: "feedback/" + r.ID + "/submitted", Id: r.ID, Tenant: tenant, Topic: f.Topic,
		Question: f.Question, Lang: f.Lang, SubmittedAt: timestamppb.New(now), AskedTenant: f.Tenant,
		HasEmail: f.Email != "", HasPhone: f.Phone != "", DueOn: dueOn, ConsultationId: f.ConsultationID, ConsultationTenant: f.ConsultationTenant,
		Attachments: infos})
	if err != nil {
		return Receipt{}, err
	}
	stored := false
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO feedback (id, tracking_code, request_id, tenant_id, asked_tenant_id, topic, question,
			lang, contact, has_email, has_phone, consent_version, submitted_at, status_at, due_on, consultation_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)
			ON CONFLICT (request_id) DO NOTHING`,
			r.ID, r.Code, f.RequestID, tenant, asked, f.Topic, f.Question, f.Lang, sealed, f.Email != "", f.Phone != "",
			feedbackrules.ConsentVersion, now, due, consultation)
		if err != nil || tag.RowsAffected() == 0 {
			return err // a concurrent submission of the same form won
		}
		for _, sf := range files {
			if _, err := tx.Exec(ctx, `INSERT INTO feedback_attachments (feedback_id, position, media_type, size, name, data)
				VALUES ($1, $2, $3, $4, $5, $6)`, r.ID, sf.position, sf.mediaType, sf.size, sf.name, sf.data); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
			events.InboxSubject(tenant, "feedback", r.ID), "feedback/"+r.ID+"/submitted", ev); err != nil {
			return err
		}
		if f.Email != "" {
			if _, err := mailout.Enqueue(ctx, tx, confirmation(f.Lang, f.Email, r.Code, s.cfg.SiteURL)); err != nil {
				return err
			}
		}
		stored = true
		return nil
	})
	if err != nil || !stored {
		// The key of a submission that is not stored protects nothing.
		if _, derr := s.cfg.Keys.Destroy(context.WithoutCancel(ctx), r.ID); derr != nil && err == nil {
			err = derr
		}
	}
	if err != nil {
		return Receipt{}, dbErr("store submission", err)
	}
	if !stored {
		return s.byRequest(ctx, f.RequestID)
	}
	return r, nil
}

func (s *Store) byRequest(ctx context.Context, requestID string) (Receipt, error) {
	var r Receipt
	err := s.cfg.Pool.QueryRow(ctx, `SELECT id, tracking_code, tenant_id FROM feedback WHERE request_id = $1`, requestID).
		Scan(&r.ID, &r.Code, &r.Tenant)
	if errors.Is(err, pgx.ErrNoRows) {
		return Receipt{}, ErrNotFound
	}
	return r, dbErr("find submission", err)
}

// Status is the public status of a submission: no personal data.
type Status struct {
	Status, Tenant, Topic string
	SubmittedAt, StatusAt time.Time
	Answer, AnswerHTML    string
	ForwardReason         string
	// InfoRequest is the agency's request for more information while it
	// waits for the visitor's reply; CloseReason why it closed it.
	InfoRequest, CloseReason string
	// QA is the content id of the question-and-answer item made from it,
	// while that item is published at the hub (Status is then published).
	QA string
	// AnswerFiles lists the files attached to the answer.
	AnswerFiles []FileInfo
	// ErasedAt is when its personal data was deleted; nil while it is kept.
	ErasedAt *time.Time
}

// FileInfo describes a file without its content.
type FileInfo struct {
	Index     int
	MediaType string
	Size      int64
}

// StatusOf returns the status of the submission with tracking code code
// (as NormalizeCode reads it), or ErrNotFound.
func (s *Store) StatusOf(ctx context.Context, code string) (Status, error) {
	code, ok := feedbackrules.NormalizeCode(code)
	if !ok {
		return Status{}, ErrNotFound
	}
	var st Status
	var id string
	var answer, html, reason, info, closed, qa *string
	err := s.cfg.Pool.QueryRow(ctx, `SELECT f.id, f.status, f.tenant_id, f.topic, f.submitted_at, f.status_at, f.answer, f.answer_html,
			f.forward_reason, f.info_request, f.close_reason, f.erased_at, i.content_id
		FROM feedback f LEFT JOIN items i ON i.tenant_id = f.tenant_id AND i.content_id = f.qa_content_id
			AND i.state = 'published' AND i.taken_down_at IS NULL
		WHERE f.tracking_code = $1`,
		code).Scan(&id, &st.Status, &st.Tenant, &st.Topic, &st.SubmittedAt, &st.StatusAt, &answer, &html, &reason, &info, &closed,
		&st.ErasedAt, &qa)
	if errors.Is(err, pgx.ErrNoRows) {
		return Status{}, ErrNotFound
	}
	if err != nil {
		return Status{}, dbErr("status", err)
	}
	for p, v := range map[*string]*string{&st.Answer: answer, &st.AnswerHTML: html, &st.ForwardReason: reason,
		&st.InfoRequest: info, &st.CloseReason: closed, &st.QA: qa} {
		if v != nil {
			*p = *v
		}
	}
	if st.QA != "" && st.Status == "answered" {
		st.Status = "published"
	}
	rows, err := s.cfg.Pool.Query(ctx, `SELECT position, media_type, size FROM feedback_answer_files WHERE feedback_id = $1 ORDER BY position`, id)
	if err != nil {
		return Status{}, dbErr("status", err)
	}
	st.AnswerFiles, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (FileInfo, error) {
		var f FileInfo
		err := r.Scan(&f.Index, &f.MediaType, &f.Size)
		return f, err
	})
	return st, dbErr("status", err)
}

// Contact returns the contact details of submission id to tenant, the one
// it is routed to: ErrPermission for any other tenant, ErrNotFound when it
// does not exist or its personal data was deleted.
func (s *Store) Contact(ctx context.Context, tenant, id string) (name, email, phone string, err error) {
	var owner string
	var sealed []byte
	err = s.cfg.Pool.QueryRow(ctx, `SELECT tenant_id, contact FROM feedback WHERE id = $1`, id).Scan(&owner, &sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", "", ErrNotFound
	}
	if err != nil {
		return "", "", "", dbErr("contact", err)
	}
	if owner != tenant {
		return "", "", "", ErrPermission
	}
	key, err := s.cfg.Keys.Get(ctx, id)
	if errors.Is(err, personaldata.ErrShredded) {
		return "", "", "", ErrNotFound
	}
	if err != nil {
		return "", "", "", dbErr("contact key", err)
	}
	plain, err := key.Open(personaldata.FieldName, sealed)
	if err != nil {
		return "", "", "", err
	}
	defer clear(plain)
	var c contact
	if err := json.Unmarshal(plain, &c); err != nil {
		return "", "", "", err
	}
	return c.Name, c.Email, c.Phone, nil
}

// dbErr wraps a database error, as ErrUnavailable when it is the database
// being away rather than a fault.
func dbErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if pgerr.Transient(err) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w: %v", what, ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		// A tracking code drawn twice (2^-60 a pair): the visitor tries again.
		return fmt.Errorf("%s: %w: %v", what, ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// newID returns a submission id: 128 random bits in hex.
func newID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
