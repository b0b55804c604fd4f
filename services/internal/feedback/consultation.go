package feedback

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/feedbackrules"
)

// ErrNotOpen refuses a comment on a draft that is not open for comment
// today: its consultation has not begun or has closed.
var ErrNotOpen = errors.New("the draft is not open for comment")

// consultationOpen checks that tenant's item contentID is a published
// draft (a legal document with a consultation, not taken down) whose
// consultation is open on the day of now in Vietnam, both days included:
// an invalid "consultation" when there is no such draft, ErrNotOpen when
// it is not open.
func (s *Store) consultationOpen(ctx context.Context, tenant, contentID string, now time.Time) error {
	var opens, closes *time.Time
	err := s.cfg.Pool.QueryRow(ctx, `SELECT hub_date(doc #>> '{legalDocument,consultation,opensOn}'),
			hub_date(doc #>> '{legalDocument,consultation,closesOn}')
		FROM items WHERE tenant_id = $1 AND content_id = $2 AND state = 'published' AND taken_down_at IS NULL`,
		tenant, contentID).Scan(&opens, &closes)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (opens == nil || closes == nil) {
		return &InvalidError{[]feedbackrules.Problem{{Field: "consultation", Code: feedbackrules.Invalid}}}
	}
	if err != nil {
		return dbErr("consultation", err)
	}
	if !feedbackrules.ConsultationOpen(*opens, *closes, now) {
		return ErrNotOpen
	}
	return nil
}
