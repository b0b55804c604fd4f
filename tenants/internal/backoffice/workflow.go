package backoffice

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// workflow runs one action on a revision: submit, return, approve,
// discard or restore. Only the actions editorial.Decide allows get here
// without a 403; a refused action changes nothing.
func (s *Server) workflow(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	actor := current(r).Account
	rev, err := s.revision(r)
	if err != nil {
		return err
	}
	action := editorial.Action(r.PathValue("action"))
	switch action {
	case editorial.ActionSubmit, editorial.ActionReturn, editorial.ActionApprove, editorial.ActionDiscard, editorial.ActionRestore:
	default:
		return errNotFound
	}
	if _, err := editorial.Decide(actor, rev, action, s.cfg.Board); err != nil {
		return err
	}
	ctx := r.Context()
	back := "/ban-sua/" + itoa(rev.ID)
	v := &editorView{Form: formFromChange(rev.Change, s.cfg.Tenant), Rev: &rev, Can: s.allowed(actor, rev)}
	fe := &FormErrors{}
	switch action {
	case editorial.ActionSubmit:
		_, err = s.cfg.Editorial.Submit(ctx, actor, rev.ID)
		if err == nil {
			return seeOther(w, r, back, "submitted")
		}
	case editorial.ActionReturn:
		v.Comment = strings.TrimSpace(r.PostFormValue("comment"))
		if v.Comment == "" {
			fe.Add("comment", l.T("wf.comment_required"))
			return s.renderEditor(w, r, http.StatusBadRequest, v, fe)
		}
		_, err = s.cfg.Editorial.ReturnSeen(ctx, actor, rev.ID, v.Comment, r.PostFormValue("seen"))
		if err == nil {
			return seeOther(w, r, back, "returned")
		}
	case editorial.ActionApprove:
		publishAt, contributors := s.parseApproval(r, l, v, fe)
		if fe.Any() {
			return s.renderEditor(w, r, http.StatusBadRequest, v, fe)
		}
		_, err = s.cfg.Editorial.ApproveWith(ctx, actor, rev.ID, editorial.Approval{PublishAt: publishAt, Contributors: contributors,
			Seen: r.PostFormValue("seen"), Rebase: r.PostFormValue("rebase") == "1", Anonymised: r.PostFormValue("anonymised") == "1"})
		if err == nil {
			if publishAt != nil {
				return seeOther(w, r, "/noi-dung/"+rev.ContentID, "scheduled")
			}
			return seeOther(w, r, "/noi-dung/"+rev.ContentID, "approved")
		}
	case editorial.ActionDiscard:
		err = s.cfg.Editorial.Discard(ctx, actor, rev.ID)
		if err == nil {
			return seeOther(w, r, "/", "discarded")
		}
	case editorial.ActionRestore:
		var restored editorial.Revision
		if snap := r.FormValue("snapshot"); snap != "" {
			// One saved version of this revision (see the revisions page).
			id, _ := strconv.ParseInt(snap, 10, 64)
			var sn editorial.Snapshot
			if sn, err = s.cfg.Editorial.GetSnapshot(ctx, id); err != nil {
				return err
			}
			if sn.RevisionID != rev.ID {
				return errNotFound
			}
			restored, err = s.cfg.Editorial.RestoreSnapshot(ctx, actor, sn.ID)
		} else {
			restored, err = s.cfg.Editorial.Restore(ctx, actor, rev.ID)
		}
		if err == nil {
			return seeOther(w, r, "/ban-sua/"+itoa(restored.ID), "restored")
		}
	}
	return s.editorError(w, r, v, fe, err)
}

// parseApproval reads the approval form: when to publish and who is
// credited with what royalty.
func (s *Server) parseApproval(r *http.Request, l *Localizer, v *editorView, fe *FormErrors) (*time.Time, []editorial.Contributor) {
	var publishAt *time.Time
	v.PublishAt = strings.TrimSpace(r.PostFormValue("publish_at"))
	if r.PostFormValue("when") == "scheduled" {
		t, err := parseLocal(v.PublishAt)
		switch {
		case v.PublishAt == "":
			fe.Add("publish_at", l.T("wf.publish_at_required"))
		case err != nil:
			fe.Add("publish_at", l.T("editor.datetime_invalid"))
		case !t.After(time.Now()):
			fe.Add("publish_at", l.T("wf.publish_at_past"))
		default:
			publishAt = &t
		}
	}
	var out []editorial.Contributor
	v.Contributors = nil
	for i := 0; i < 50; i++ {
		p := fmt.Sprintf("c_%d_", i)
		if _, ok := r.PostForm[p+"name"]; !ok {
			break
		}
		cf := contributorForm{Name: strings.TrimSpace(r.PostFormValue(p + "name")), Role: r.PostFormValue(p + "role"),
			Points: strings.TrimSpace(r.PostFormValue(p + "points")), Amount: strings.TrimSpace(r.PostFormValue(p + "amount")),
			AccountID: r.PostFormValue(p + "account")}
		v.Contributors = append(v.Contributors, cf)
		if cf.Name == "" {
			if cf.Points != "" || cf.Amount != "" {
				fe.Add(p+"name", l.T("wf.c_name_required", i+1))
			}
			continue
		}
		c := editorial.Contributor{Name: cf.Name, Role: cf.Role}
		if !contains(editorial.ContributorRoles, cf.Role) {
			c.Role = editorial.RoleContributor
		}
		c.AccountID, _ = strconv.ParseInt(cf.AccountID, 10, 64)
		if cf.Points != "" {
			pts, err := strconv.ParseFloat(strings.ReplaceAll(cf.Points, ",", "."), 64)
			if err != nil || pts < 0 {
				fe.Add(p+"points", l.T("wf.c_points_invalid", i+1))
			}
			c.Points = pts
		}
		if cf.Amount != "" {
			amt, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(cf.Amount), 10, 64)
			if err != nil || amt < 0 {
				fe.Add(p+"amount", l.T("wf.c_amount_invalid", i+1))
			}
			c.AmountVND = amt
		}
		out = append(out, c)
	}
	for range 2 {
		v.Contributors = append(v.Contributors, contributorForm{})
	}
	return publishAt, out
}

// unpublish requests that an item be withdrawn (with a public reason),
// redirected (to a successor item or URL) or gone. The request is a
// revision approved like any other.
func (s *Server) unpublish(w http.ResponseWriter, r *http.Request) error {
	actor := current(r).Account
	id := r.PathValue("id")
	var (
		state  pb.PublicationState
		action editorial.Action
		u      *pb.Unpublishing
	)
	fe := &FormErrors{}
	form := unpublishForm{Mode: r.PostFormValue("mode"), Reason: strings.TrimSpace(r.PostFormValue("reason")),
		Tenant: strings.TrimSpace(r.PostFormValue("successor_tenant")), ContentID: strings.TrimSpace(r.PostFormValue("successor_id")),
		URL: strings.TrimSpace(r.PostFormValue("successor_url"))}
	switch form.Mode {
	case "withdraw":
		state, action = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, editorial.ActionRequestWithdraw
		u = &pb.Unpublishing{Reason: form.Reason}
	case "redirect":
		// The hub's rules (exactly one successor, well formed) are
		// RequestUnpublish's, which refuses with the hub's reasons.
		state, action = pb.PublicationState_PUBLICATION_STATE_REDIRECTED, editorial.ActionRequestRedirect
		u = &pb.Unpublishing{SuccessorUrl: form.URL}
		if form.ContentID != "" { // the tenant field is filled in with this tenant
			u.Successor = &pb.ContentRef{Tenant: form.Tenant, ContentId: form.ContentID}
		}
	case "gone":
		state, action = pb.PublicationState_PUBLICATION_STATE_GONE, editorial.ActionRequestGone
	default:
		return errs.Invalid("mode", "choose withdraw, redirect or gone", "Hãy chọn gỡ, chuyển hướng hoặc xoá hẳn.")
	}
	if _, err := editorial.Decide(actor, editorial.Revision{State: editorial.StateNew, AuthorID: actor.ID, ContentID: id}, action, s.cfg.Board); err != nil {
		return err
	}
	if !fe.Any() {
		rev, err := s.cfg.Editorial.RequestUnpublish(r.Context(), actor, id, state, u)
		if err == nil {
			return seeOther(w, r, "/ban-sua/"+itoa(rev.ID), "unpublish_requested")
		}
		if errs.KindOf(err) == errs.PermissionDenied || !s.addErr(r, fe, err, func(f string) string {
			switch {
			case strings.Contains(f, "reason"):
				return "reason"
			case strings.Contains(f, "successor.tenant"):
				return "successor_tenant"
			case strings.Contains(f, "successor_url"):
				return "successor_url"
			case strings.HasPrefix(f, "unpublishing"):
				return "successor_id"
			}
			return ""
		}) {
			return err
		}
	}
	return s.renderItem(w, r, http.StatusBadRequest, id, &form, fe)
}

type unpublishForm struct {
	Mode, Reason, Tenant, ContentID, URL string
}
