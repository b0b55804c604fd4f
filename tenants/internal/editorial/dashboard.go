package editorial

import (
	"context"
	"sort"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// Dashboard is what waits for whom, as one account sees it. Lists are
// newest change first.
type Dashboard struct {
	// MyDrafts are the account's own drafts.
	MyDrafts []Revision
	// Returned are the account's own revisions sent back with a comment.
	Returned []Revision
	// AwaitingReview are submitted revisions no editor has reviewed yet
	// (for editors and approvers; approvers may approve them directly).
	AwaitingReview []Revision
	// AwaitingApproval are reviewed submissions and requests to unpublish
	// that the account may approve (for approvers; without their own work
	// unless the board allows self-approval).
	AwaitingApproval []Revision
	// Scheduled are approved revisions whose publication time is to come.
	Scheduled []Revision
	// NotDelivered are pushes the hub does not hold although it should:
	// due and pending (retrying), or refused with the hub's reason.
	NotDelivered []store.OutboxRow
}

// Dashboard returns what waits for actor. A disabled account, or one
// without a content role, gets a PermissionDenied error.
func (s *Service) Dashboard(ctx context.Context, actor accounts.Account) (Dashboard, error) {
	// Anything a content role may do to a new revision tells whether the
	// account may see the workflow at all.
	if _, err := Decide(actor, Revision{AuthorID: actor.ID}, ActionSave, s.board); err != nil {
		return Dashboard{}, err
	}
	revs, err := queryRevisions(ctx, s.pool, `SELECT `+revColumns+` FROM revisions
		WHERE state IN ('draft', 'submitted', 'returned') OR (state = 'approved' AND publish_at > now())
		ORDER BY updated_at DESC, id DESC`)
	if err != nil {
		return Dashboard{}, err
	}
	var d Dashboard
	reviewer := actor.Has(accounts.RoleEditor) || actor.Has(accounts.RoleApprover)
	for _, r := range revs {
		switch r.State {
		case StateDraft:
			if r.AuthorID == actor.ID {
				d.MyDrafts = append(d.MyDrafts, r)
			}
		case StateReturned:
			if r.AuthorID == actor.ID {
				d.Returned = append(d.Returned, r)
			}
		case StateSubmitted:
			if !r.Reviewed() && !r.Unpublish {
				if reviewer {
					d.AwaitingReview = append(d.AwaitingReview, r)
				}
			} else if _, err := Decide(actor, r, ActionApprove, s.board); err == nil {
				d.AwaitingApproval = append(d.AwaitingApproval, r)
			}
		case StateApproved:
			d.Scheduled = append(d.Scheduled, r)
		}
	}
	sort.SliceStable(d.Scheduled, func(i, j int) bool { return d.Scheduled[i].PublishAt.Before(*d.Scheduled[j].PublishAt) })
	if d.NotDelivered, err = s.st.NotDelivered(ctx, 500); err != nil {
		return Dashboard{}, err
	}
	return d, nil
}

// ItemSummary is one item of the sub-portal: its newest revision and its
// approved state with the push status.
type ItemSummary struct {
	ContentID string
	Title     string // Vietnamese, of the newest revision (else of the approved item)
	Kind      pb.ContentKind
	// Latest is the newest revision; nil for items approved only outside
	// the workflow (API, seed).
	Latest *Revision
	// Approved is the item's approved state (Version, State, Push); nil
	// while no revision of it was approved.
	Approved *store.Item
	// PushStatus is "" (never approved), "scheduled" (approved, due at
	// ScheduledAt), or the outbox status of the approved version:
	// "pending", "delivered", "refused".
	PushStatus  string
	ScheduledAt *time.Time
	UpdatedAt   time.Time
}

// Items returns every item, with its newest revision and push status,
// newest change first.
func (s *Service) Items(ctx context.Context) ([]ItemSummary, error) {
	items, err := s.st.List(ctx, 100000)
	if err != nil {
		return nil, err
	}
	latest, err := queryRevisions(ctx, s.pool, `SELECT DISTINCT ON (content_id) `+revColumns+` FROM revisions
		ORDER BY content_id, number DESC`)
	if err != nil {
		return nil, err
	}
	byID := map[string]*ItemSummary{}
	var out []*ItemSummary
	for i := range latest {
		r := &latest[i]
		sum := &ItemSummary{ContentID: r.ContentID, Title: r.Change.Texts["vi"].Title, Kind: r.Change.Kind, Latest: r, UpdatedAt: r.UpdatedAt}
		byID[r.ContentID] = sum
		out = append(out, sum)
	}
	now := s.now()
	for i := range items {
		it := &items[i]
		sum := byID[it.ContentID]
		if sum == nil {
			sum = &ItemSummary{ContentID: it.ContentID, Kind: kindOf(it.Kind), UpdatedAt: it.UpdatedAt}
			out = append(out, sum)
		}
		sum.Approved = it
		if it.UpdatedAt.After(sum.UpdatedAt) {
			sum.UpdatedAt = it.UpdatedAt
		}
		if it.Push != nil {
			sum.PushStatus = it.Push.Status
			if it.Push.Status == store.StatusPending && it.Push.PublishAt != nil && it.Push.PublishAt.After(now) {
				sum.PushStatus, sum.ScheduledAt = "scheduled", it.Push.PublishAt
			}
		}
	}
	// Titles of items approved outside the workflow come from their documents.
	for _, sum := range out {
		if sum.Title == "" && sum.Approved != nil {
			if it, err := s.st.Get(ctx, sum.ContentID); err == nil {
				for _, tr := range it.Doc.GetTranslations() {
					if tr.GetLocale() == "vi" {
						sum.Title = tr.GetTitle()
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].UpdatedAt.Equal(out[j].UpdatedAt) {
			return out[i].UpdatedAt.After(out[j].UpdatedAt)
		}
		return out[i].ContentID < out[j].ContentID
	})
	res := make([]ItemSummary, len(out))
	for i, sum := range out {
		res[i] = *sum
	}
	return res, nil
}

func kindOf(s string) pb.ContentKind {
	return pb.ContentKind(pb.ContentKind_value["CONTENT_KIND_"+s])
}
