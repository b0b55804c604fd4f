package backoffice

import (
	"net/http"
	"sort"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/hubreasons"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// pushView is an outbox row as an editor reads it.
type pushView struct {
	Status      string // pending, delivered, refused, scheduled
	Label       string
	Version     uint64
	ContentID   string
	Attempts    int
	LastError   string
	PublishAt   *time.Time
	DeliveredAt *time.Time
	CreatedAt   time.Time
	// Refusal, for refused rows: the hub's code explained.
	Refused     bool
	Explanation hubreasons.Explanation
	HubMessage  string // the hub's own Vietnamese message, if any
	Description string // the hub's English detail
}

func (s *Server) pushView(l *Localizer, row *store.OutboxRow) *pushView {
	if row == nil {
		return nil
	}
	v := &pushView{Status: row.Status, Version: row.Version, ContentID: row.ContentID, Attempts: row.Attempts,
		LastError: row.LastError, PublishAt: row.PublishAt, DeliveredAt: row.DeliveredAt, CreatedAt: row.CreatedAt}
	if row.Status == store.StatusPending && row.PublishAt != nil && row.PublishAt.After(time.Now()) {
		v.Status = "scheduled"
	}
	v.Label = l.T("push." + v.Status)
	if row.Status == store.StatusRefused {
		v.Refused = true
		reason, code := "", ""
		if row.Refusal != nil {
			reason, code = row.Refusal.Reason, row.Refusal.Code
			v.HubMessage, v.Description = row.Refusal.MessageVI, row.Refusal.Description
		}
		v.Explanation = hubreasons.Explain(reason, code, l.Lang)
	}
	return v
}

type itemRow struct {
	ContentID, Title, Kind string
	Latest                 *editorial.Revision
	Push                   *pushView
	State                  string
	Version                uint64
	UpdatedAt              time.Time
}

func (s *Server) itemsList(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	items, err := s.cfg.Editorial.Items(r.Context())
	if err != nil {
		return err
	}
	rows := make([]itemRow, 0, len(items))
	for _, it := range items {
		row := itemRow{ContentID: it.ContentID, Title: it.Title, Kind: kindName(it.Kind), Latest: it.Latest, UpdatedAt: it.UpdatedAt}
		if it.Approved != nil {
			row.Push = s.pushView(l, it.Approved.Push)
			row.State = it.Approved.State
			row.Version = it.Approved.Version
		}
		if row.Push == nil && it.PushStatus == "scheduled" {
			row.Push = &pushView{Status: "scheduled", Label: l.T("push.scheduled"), PublishAt: it.ScheduledAt}
		}
		rows = append(rows, row)
	}
	kindsList := make([]string, 0, len(kinds))
	for _, k := range kinds {
		kindsList = append(kindsList, k.Name)
	}
	return s.render(w, r, http.StatusOK, "items", &Page{Title: l.T("items.title"), Wide: true,
		Data: map[string]any{"Items": rows, "Kinds": kindsList, "CanWrite": s.canWrite(current(r).Account)}})
}

func (s *Server) canWrite(a accounts.Account) bool {
	_, err := editorial.Decide(a, editorial.Revision{State: editorial.StateNew, AuthorID: a.ID}, editorial.ActionSave, s.cfg.Board)
	return err == nil
}

// itemView is the item page: the approved state, its push, the revisions.
type itemView struct {
	ContentID string
	Title     string
	Approved  *store.Item
	Push      *pushView
	Revisions []editorial.Revision
	CanEdit   bool
	CanUnpub  bool
	Unpublish *unpublishForm
	Tenant    string
	// HubTakedown is the hub's takedown of the item (Art. 7.5), nil when
	// there was none.
	HubTakedown *store.HubTakedown
	// Consultation is a draft's consultation (issue 9 point 8), with the
	// number of comments the inbox holds on it.
	Consultation *pb.Consultation
	Comments     int
}

func (s *Server) itemPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderItem(w, r, http.StatusOK, r.PathValue("id"), nil, nil)
}

func (s *Server) renderItem(w http.ResponseWriter, r *http.Request, status int, id string, uf *unpublishForm, fe *FormErrors) error {
	l := s.loc(r)
	ctx := r.Context()
	v := itemView{ContentID: id, Unpublish: uf, Tenant: s.cfg.Tenant}
	if v.Unpublish == nil {
		v.Unpublish = &unpublishForm{Mode: "withdraw"}
	}
	it, err := s.cfg.Store.Get(ctx, id)
	switch {
	case err == nil:
		v.Approved = &it
		v.Push = s.pushView(l, it.Push)
		if c := it.Doc.GetLegalDocument().GetConsultation(); c != nil {
			v.Consultation = c
			if v.Comments, err = (inbox.Inbox{Pool: s.cfg.Store.Pool()}).CountComments(ctx, id); err != nil {
				return err
			}
		}
		for _, tr := range it.Doc.GetTranslations() {
			if tr.GetLocale() == "vi" {
				v.Title = tr.GetTitle()
			}
		}
	case errs.KindOf(err) != errs.NotFound:
		return err
	}
	if v.Revisions, err = s.cfg.Editorial.Revisions(ctx, id); err != nil {
		return err
	}
	if v.HubTakedown, err = s.cfg.Store.HubTakedownOf(ctx, id); err != nil {
		return err
	}
	if v.Approved == nil && len(v.Revisions) == 0 {
		return errNotFound
	}
	sort.SliceStable(v.Revisions, func(i, j int) bool { return v.Revisions[i].Number > v.Revisions[j].Number })
	if v.Title == "" && len(v.Revisions) > 0 {
		v.Title = v.Revisions[0].Change.Texts["vi"].Title
	}
	actor := current(r).Account
	v.CanEdit = v.Approved != nil && s.canWrite(actor)
	if _, err := editorial.Decide(actor, editorial.Revision{State: editorial.StateNew, AuthorID: actor.ID}, editorial.ActionRequestWithdraw, s.cfg.Board); err == nil {
		v.CanUnpub = v.Approved != nil
	}
	return s.render(w, r, status, "item", &Page{Title: v.Title, Data: v, Errors: fe})
}

func (s *Server) notDelivered(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	rows, err := s.cfg.Store.NotDelivered(r.Context(), 1000)
	if err != nil {
		return err
	}
	out := make([]*pushView, 0, len(rows))
	for i := range rows {
		out = append(out, s.pushView(l, &rows[i]))
	}
	return s.render(w, r, http.StatusOK, "outbox", &Page{Title: l.T("outbox.title"), Data: out, Wide: true})
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	actor := current(r).Account
	v := map[string]any{"Admin": actor.Has(accounts.RoleAdmin)}
	d, err := s.cfg.Editorial.Dashboard(r.Context(), actor)
	switch {
	case err == nil:
		var nd []*pushView
		for i := range d.NotDelivered {
			nd = append(nd, s.pushView(l, &d.NotDelivered[i]))
		}
		v["D"] = d
		v["NotDelivered"] = nd
		if v["HubTakedowns"], err = s.cfg.Store.HubTakedowns(r.Context(), 20); err != nil {
			return err
		}
		v["CanWrite"] = true
	case errs.KindOf(err) == errs.PermissionDenied:
		// Administrators without a content role see their links only.
		v["NoRole"] = s.message(r, errs.As(err))
	default:
		return err
	}
	kindsList := make([]string, 0, len(kinds))
	for _, k := range kinds {
		kindsList = append(kindsList, k.Name)
	}
	v["Kinds"] = kindsList
	return s.render(w, r, http.StatusOK, "dashboard", &Page{Title: l.T("dashboard.title"), Data: v})
}
