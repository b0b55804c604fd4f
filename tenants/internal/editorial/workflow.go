// Package editorial provides the sub-portal's editorial workflow (Art. 6.2,
// 7.4, 7.5, 14): revisions of an item written in Markdown, the states they go
// through (draft, submitted, returned, approved, superseded, discarded), who
// may do what (Decide), approval that pushes through the store in the same
// transaction, scheduled publishing, differences between revisions and
// restoring, the dashboard of what waits for whom, and the royalty report.
package editorial

import (
	"fmt"
	"slices"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// RevState is the state of a revision.
type RevState string

// The states of a revision. A new revision (not stored yet) has the empty
// state.
const (
	StateNew        RevState = ""
	StateDraft      RevState = "draft"
	StateSubmitted  RevState = "submitted"
	StateReturned   RevState = "returned"
	StateApproved   RevState = "approved"   // pushed now or at PublishAt
	StateSuperseded RevState = "superseded" // approved, then a newer revision of the item was approved
	StateDiscarded  RevState = "discarded"
)

// LabelVI is the state's Vietnamese name.
func (s RevState) LabelVI() string {
	switch s {
	case StateNew:
		return "mới"
	case StateDraft:
		return "bản nháp"
	case StateSubmitted:
		return "chờ duyệt"
	case StateReturned:
		return "bị trả lại"
	case StateApproved:
		return "đã duyệt"
	case StateSuperseded:
		return "đã được thay thế"
	case StateDiscarded:
		return "đã huỷ"
	}
	return string(s)
}

// Action is something done to a revision.
type Action string

// The actions.
const (
	ActionSave            Action = "save"
	ActionSubmit          Action = "submit"
	ActionReturn          Action = "return"
	ActionApprove         Action = "approve"
	ActionRestore         Action = "restore"
	ActionRequestWithdraw Action = "request_withdraw"
	ActionRequestRedirect Action = "request_redirect"
	ActionRequestGone     Action = "request_gone"
	ActionDiscard         Action = "discard"
)

// Actions lists every action.
var Actions = []Action{ActionSave, ActionSubmit, ActionReturn, ActionApprove, ActionRestore,
	ActionRequestWithdraw, ActionRequestRedirect, ActionRequestGone, ActionDiscard}

// LabelVI is the action's Vietnamese name, as it reads in "không được ...".
func (a Action) LabelVI() string {
	switch a {
	case ActionSave:
		return "lưu bản này"
	case ActionSubmit:
		return "gửi duyệt"
	case ActionReturn:
		return "trả lại"
	case ActionApprove:
		return "phê duyệt"
	case ActionRestore:
		return "khôi phục"
	case ActionRequestWithdraw:
		return "đề nghị gỡ nội dung"
	case ActionRequestRedirect:
		return "đề nghị chuyển hướng nội dung"
	case ActionRequestGone:
		return "đề nghị xoá hẳn nội dung"
	case ActionDiscard:
		return "huỷ bản này"
	}
	return string(a)
}

// Board is the editorial board's configuration.
type Board struct {
	// AllowSelfApproval lets an approver approve a revision they wrote.
	AllowSelfApproval bool
}

// Decide is the whole permission table of the workflow: whether actor may
// do action to rev, and the state rev then takes. A refusal is an errs
// error with a Vietnamese message: PermissionDenied when the actor may not
// (disabled account, missing role, someone else's draft, own work without
// self-approval), Conflict when the revision is not in a state the action
// applies to (the workflow's "failed precondition").
//
// For save on a new revision and for the request_* actions, rev is the
// revision being created (state StateNew, AuthorID the actor). For restore,
// rev is the revision restored from; the new draft is the actor's.
//
// The rules:
//   - A disabled account can do nothing.
//   - Administrators manage accounts; without a content role (author,
//     editor, approver) they can do nothing here.
//   - Anyone with a content role writes new revisions; a draft or returned
//     revision is edited, submitted and discarded by its author alone.
//   - Editors edit, review (submit again, marking it reviewed), return and
//     discard any submitted revision.
//   - Approvers approve or return submitted revisions; not their own, nor
//     one whose content they changed (Revision.ChangedBy, e.g. as its
//     editor), unless the board allows self-approval.
//   - Editors and approvers restore any revision and request unpublishing
//     (a revision that is submitted at once and approved like any other);
//     authors restore only their own revisions.
//   - Approved, superseded and discarded revisions never change.
func Decide(actor accounts.Account, rev Revision, action Action, board Board) (RevState, error) {
	if actor.Disabled {
		return "", denied("account disabled", "Tài khoản đã bị vô hiệu hoá nên không thể thực hiện thao tác nào.")
	}
	author, editor, approver := actor.Has(accounts.RoleAuthor), actor.Has(accounts.RoleEditor), actor.Has(accounts.RoleApprover)
	if !author && !editor && !approver {
		if actor.Has(accounts.RoleAdmin) {
			return "", denied("administrators manage accounts, not content",
				"Quản trị viên chỉ quản lý tài khoản; cần vai trò tác giả, biên tập viên hoặc người duyệt để làm việc với nội dung.")
		}
		return "", denied("no editorial role", "Tài khoản chưa được giao vai trò biên tập nào.")
	}
	own := rev.AuthorID != 0 && rev.AuthorID == actor.ID
	changed := slices.Contains(rev.ChangedBy, actor.ID)
	switch action {
	case ActionSave:
		switch rev.State {
		case StateNew:
			return StateDraft, nil
		case StateDraft, StateReturned:
			if !own {
				return "", notOwn(action)
			}
			return StateDraft, nil
		case StateSubmitted:
			if !editor {
				return "", roleNeeded(action, "biên tập viên")
			}
			return StateSubmitted, nil
		}
	case ActionSubmit:
		switch rev.State {
		case StateDraft, StateReturned:
			if !own {
				return "", notOwn(action)
			}
			return StateSubmitted, nil
		case StateSubmitted:
			// An editor's review: the revision goes on to the approvers.
			if !editor {
				return "", roleNeeded(action, "biên tập viên")
			}
			return StateSubmitted, nil
		}
	case ActionReturn:
		if !editor && !approver {
			return "", roleNeeded(action, "biên tập viên hoặc người duyệt")
		}
		if rev.State == StateSubmitted {
			return StateReturned, nil
		}
	case ActionApprove:
		if !approver {
			if actor.Has(accounts.RoleAdmin) {
				return "", denied("approving needs the approver role",
					"Quản trị viên không được phê duyệt nội dung nếu không có vai trò người duyệt.")
			}
			return "", roleNeeded(action, "người duyệt")
		}
		if rev.State == StateSubmitted {
			if own && !board.AllowSelfApproval {
				return "", denied("one may not approve one's own work",
					"Bạn không được tự phê duyệt bài của chính mình; cần một người duyệt khác.")
			}
			if changed && !board.AllowSelfApproval {
				return "", denied("one may not approve a revision whose content one changed",
					"Bạn đã sửa nội dung của bản này nên không được tự phê duyệt nó; cần một người duyệt khác.")
			}
			return StateApproved, nil
		}
	case ActionRestore:
		if !own && !editor && !approver {
			return "", denied("authors restore only their own revisions",
				"Tác giả chỉ được khôi phục các bản do chính mình viết.")
		}
		if rev.State != StateNew {
			return StateDraft, nil
		}
	case ActionRequestWithdraw, ActionRequestRedirect, ActionRequestGone:
		if !editor && !approver {
			return "", roleNeeded(action, "biên tập viên hoặc người duyệt")
		}
		if rev.State == StateNew {
			return StateSubmitted, nil
		}
	case ActionDiscard:
		switch rev.State {
		case StateDraft:
			if !own {
				return "", notOwn(action)
			}
			return StateDiscarded, nil
		case StateReturned:
			if !own && !editor {
				return "", notOwn(action)
			}
			return StateDiscarded, nil
		case StateSubmitted:
			if !editor {
				return "", roleNeeded(action, "biên tập viên")
			}
			return StateDiscarded, nil
		}
	default:
		return "", errs.Invalid("action", fmt.Sprintf("unknown action %q", action), "Thao tác không hợp lệ.")
	}
	return "", errs.New(errs.Conflict, "state",
		fmt.Sprintf("cannot %s a revision that is %s", action, stateName(rev.State)),
		fmt.Sprintf("Không thể %s khi bản đang ở trạng thái “%s”.", action.LabelVI(), rev.State.LabelVI()))
}

func stateName(s RevState) string {
	if s == StateNew {
		return "not saved yet"
	}
	return string(s)
}

func denied(en, vi string) error { return errs.New(errs.PermissionDenied, "", en, vi) }

func notOwn(a Action) error {
	return denied("only its author may "+string(a)+" this revision",
		fmt.Sprintf("Chỉ tác giả của bản này mới được %s; bạn chỉ được làm việc với bản nháp của chính mình.", a.LabelVI()))
}

func roleNeeded(a Action, roleVI string) error {
	return denied(string(a)+" needs another role",
		fmt.Sprintf("Chỉ %s mới được %s.", roleVI, a.LabelVI()))
}
