package editorial_test

import (
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// The board's accounts in these tests.
var (
	author1        = accounts.Account{ID: 1, Username: "phongvien.hoa", DisplayName: "Lê Thị Hoa", Roles: []accounts.Role{accounts.RoleAuthor}}
	author2        = accounts.Account{ID: 2, Username: "phongvien.nam", DisplayName: "Trần Văn Nam", Roles: []accounts.Role{accounts.RoleAuthor}}
	editor         = accounts.Account{ID: 3, Username: "bientap.lan", DisplayName: "Phạm Thị Lan", Roles: []accounts.Role{accounts.RoleEditor}}
	approver       = accounts.Account{ID: 4, Username: "truongban", DisplayName: "Nguyễn Văn Minh", Roles: []accounts.Role{accounts.RoleApprover}}
	admin          = accounts.Account{ID: 5, Username: "quantri", DisplayName: "Quản trị", Roles: []accounts.Role{accounts.RoleAdmin}}
	adminApprover  = accounts.Account{ID: 6, Username: "quantri.duyet", DisplayName: "Quản trị kiêm duyệt", Roles: []accounts.Role{accounts.RoleApprover, accounts.RoleAdmin}}
	disabled       = accounts.Account{ID: 7, Username: "da.nghi", DisplayName: "Đã nghỉ", Roles: []accounts.Role{accounts.RoleAuthor, accounts.RoleEditor, accounts.RoleApprover}, Disabled: true}
	authorApprover = accounts.Account{ID: 8, Username: "phoban", DisplayName: "Võ Thị Thu", Roles: []accounts.Role{accounts.RoleAuthor, accounts.RoleApprover}}
	noRole         = accounts.Account{ID: 9, Username: "moi.tao", DisplayName: "Mới tạo"}
	editorApprover = accounts.Account{ID: 10, Username: "bientap.duyet", DisplayName: "Đặng Văn Hùng", Roles: []accounts.Role{accounts.RoleEditor, accounts.RoleApprover}}
	authorEditor   = accounts.Account{ID: 11, Username: "phongvien.bientap", DisplayName: "Ngô Thị Mai", Roles: []accounts.Role{accounts.RoleAuthor, accounts.RoleEditor}}
)

const (
	allowed = errs.Kind(-1)
	denied  = errs.PermissionDenied
	wrong   = errs.Conflict // the revision's state does not allow the action
)

func TestDecide(t *testing.T) {
	strict, lenient := editorial.Board{}, editorial.Board{AllowSelfApproval: true}
	cases := []struct {
		name     string
		actor    accounts.Account
		authorID int64 // of the revision
		state    editorial.RevState
		action   editorial.Action
		board    editorial.Board
		want     errs.Kind
		next     editorial.RevState
		// changedBy are the accounts that saved content into the revision
		// (Revision.ChangedBy).
		changedBy []int64
	}{
		// Writing.
		{"author writes a new revision", author1, 1, editorial.StateNew, editorial.ActionSave, strict, allowed, editorial.StateDraft, nil},
		{"editor writes a new revision", editor, 3, editorial.StateNew, editorial.ActionSave, strict, allowed, editorial.StateDraft, nil},
		{"approver writes a new revision", approver, 4, editorial.StateNew, editorial.ActionSave, strict, allowed, editorial.StateDraft, nil},
		{"admin without a content role writes nothing", admin, 5, editorial.StateNew, editorial.ActionSave, strict, denied, "", nil},
		{"account without roles writes nothing", noRole, 9, editorial.StateNew, editorial.ActionSave, strict, denied, "", nil},
		{"disabled account writes nothing", disabled, 7, editorial.StateNew, editorial.ActionSave, strict, denied, "", nil},
		{"author edits own draft", author1, 1, editorial.StateDraft, editorial.ActionSave, strict, allowed, editorial.StateDraft, nil},
		{"author edits another author's draft", author1, 2, editorial.StateDraft, editorial.ActionSave, strict, denied, "", nil},
		{"editor edits an author's draft", editor, 1, editorial.StateDraft, editorial.ActionSave, strict, denied, "", nil},
		{"author reworks own returned revision", author1, 1, editorial.StateReturned, editorial.ActionSave, strict, allowed, editorial.StateDraft, nil},
		{"author edits another's returned revision", author2, 1, editorial.StateReturned, editorial.ActionSave, strict, denied, "", nil},
		{"author edits own submitted revision", author1, 1, editorial.StateSubmitted, editorial.ActionSave, strict, denied, "", nil},
		{"editor edits a submitted revision", editor, 1, editorial.StateSubmitted, editorial.ActionSave, strict, allowed, editorial.StateSubmitted, nil},
		{"approver without editor role edits a submitted revision", approver, 1, editorial.StateSubmitted, editorial.ActionSave, strict, denied, "", nil},
		{"nobody edits an approved revision", editor, 3, editorial.StateApproved, editorial.ActionSave, strict, wrong, "", nil},
		{"nobody edits a superseded revision", author1, 1, editorial.StateSuperseded, editorial.ActionSave, strict, wrong, "", nil},
		{"nobody edits a discarded revision", author1, 1, editorial.StateDiscarded, editorial.ActionSave, strict, wrong, "", nil},
		{"disabled author edits own draft", disabled, 7, editorial.StateDraft, editorial.ActionSave, strict, denied, "", nil},

		// Submitting and reviewing.
		{"author submits own draft", author1, 1, editorial.StateDraft, editorial.ActionSubmit, strict, allowed, editorial.StateSubmitted, nil},
		{"author resubmits own returned revision", author1, 1, editorial.StateReturned, editorial.ActionSubmit, strict, allowed, editorial.StateSubmitted, nil},
		{"author submits another author's draft", author1, 2, editorial.StateDraft, editorial.ActionSubmit, strict, denied, "", nil},
		{"editor submits an author's draft", editor, 1, editorial.StateDraft, editorial.ActionSubmit, strict, denied, "", nil},
		{"editor reviews a submitted revision", editor, 1, editorial.StateSubmitted, editorial.ActionSubmit, strict, allowed, editorial.StateSubmitted, nil},
		{"author re-submits own submitted revision", author1, 1, editorial.StateSubmitted, editorial.ActionSubmit, strict, denied, "", nil},
		{"nobody submits an approved revision", author1, 1, editorial.StateApproved, editorial.ActionSubmit, strict, wrong, "", nil},
		{"disabled account submits own draft", disabled, 7, editorial.StateDraft, editorial.ActionSubmit, strict, denied, "", nil},

		// Returning.
		{"editor returns a submitted revision", editor, 1, editorial.StateSubmitted, editorial.ActionReturn, strict, allowed, editorial.StateReturned, nil},
		{"approver returns a submitted revision", approver, 1, editorial.StateSubmitted, editorial.ActionReturn, strict, allowed, editorial.StateReturned, nil},
		{"author returns a submitted revision", author2, 1, editorial.StateSubmitted, editorial.ActionReturn, strict, denied, "", nil},
		{"editor returns a draft", editor, 1, editorial.StateDraft, editorial.ActionReturn, strict, wrong, "", nil},
		{"approver returns an approved revision", approver, 1, editorial.StateApproved, editorial.ActionReturn, strict, wrong, "", nil},
		{"admin returns a submitted revision", admin, 1, editorial.StateSubmitted, editorial.ActionReturn, strict, denied, "", nil},

		// Approving.
		{"approver approves a submitted revision", approver, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, allowed, editorial.StateApproved, nil},
		{"author cannot approve own work", author1, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", nil},
		{"author cannot approve another's work", author1, 2, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", nil},
		{"editor cannot approve", editor, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", nil},
		{"approver-author cannot approve own work", authorApprover, 8, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", nil},
		{"approver-author approves own work when the board allows", authorApprover, 8, editorial.StateSubmitted, editorial.ActionApprove, lenient, allowed, editorial.StateApproved, nil},
		{"approver-author approves another's work", authorApprover, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, allowed, editorial.StateApproved, nil},
		{"self-approval flag gives no role", author1, 1, editorial.StateSubmitted, editorial.ActionApprove, lenient, denied, "", nil},
		{"admin without approver role cannot approve", admin, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", nil},
		{"admin with approver role approves", adminApprover, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, allowed, editorial.StateApproved, nil},
		{"disabled approver cannot approve", disabled, 1, editorial.StateSubmitted, editorial.ActionApprove, lenient, denied, "", nil},
		{"approver cannot approve a draft", approver, 1, editorial.StateDraft, editorial.ActionApprove, strict, wrong, "", nil},
		{"approver cannot approve a returned revision", approver, 1, editorial.StateReturned, editorial.ActionApprove, strict, wrong, "", nil},
		{"approver cannot approve twice", approver, 1, editorial.StateApproved, editorial.ActionApprove, strict, wrong, "", nil},
		{"approver cannot approve a discarded revision", approver, 1, editorial.StateDiscarded, editorial.ActionApprove, strict, wrong, "", nil},

		// Restoring.
		{"editor restores an approved revision", editor, 1, editorial.StateApproved, editorial.ActionRestore, strict, allowed, editorial.StateDraft, nil},
		{"approver restores a superseded revision", approver, 1, editorial.StateSuperseded, editorial.ActionRestore, strict, allowed, editorial.StateDraft, nil},
		{"author restores own superseded revision", author1, 1, editorial.StateSuperseded, editorial.ActionRestore, strict, allowed, editorial.StateDraft, nil},
		{"author restores another's revision", author1, 2, editorial.StateApproved, editorial.ActionRestore, strict, denied, "", nil},
		{"disabled editor restores", disabled, 1, editorial.StateApproved, editorial.ActionRestore, strict, denied, "", nil},

		// Unpublishing (a new revision that is submitted at once).
		{"editor requests a withdrawal", editor, 3, editorial.StateNew, editorial.ActionRequestWithdraw, strict, allowed, editorial.StateSubmitted, nil},
		{"approver requests a redirect", approver, 4, editorial.StateNew, editorial.ActionRequestRedirect, strict, allowed, editorial.StateSubmitted, nil},
		{"editor requests gone", editor, 3, editorial.StateNew, editorial.ActionRequestGone, strict, allowed, editorial.StateSubmitted, nil},
		{"author requests gone", author1, 1, editorial.StateNew, editorial.ActionRequestGone, strict, denied, "", nil},
		{"admin requests a withdrawal", admin, 5, editorial.StateNew, editorial.ActionRequestWithdraw, strict, denied, "", nil},
		{"approver approves a withdrawal requested by an editor", approver, 3, editorial.StateSubmitted, editorial.ActionApprove, strict, allowed, editorial.StateApproved, nil},

		// Discarding.
		{"author discards own draft", author1, 1, editorial.StateDraft, editorial.ActionDiscard, strict, allowed, editorial.StateDiscarded, nil},
		{"author discards another's draft", author1, 2, editorial.StateDraft, editorial.ActionDiscard, strict, denied, "", nil},
		{"editor discards an author's draft", editor, 1, editorial.StateDraft, editorial.ActionDiscard, strict, denied, "", nil},
		{"editor discards a submitted revision", editor, 1, editorial.StateSubmitted, editorial.ActionDiscard, strict, allowed, editorial.StateDiscarded, nil},
		{"author discards own submitted revision", author1, 1, editorial.StateSubmitted, editorial.ActionDiscard, strict, denied, "", nil},
		{"editor discards a returned revision", editor, 1, editorial.StateReturned, editorial.ActionDiscard, strict, allowed, editorial.StateDiscarded, nil},
		{"nobody discards an approved revision", approver, 1, editorial.StateApproved, editorial.ActionDiscard, strict, wrong, "", nil},

		// Approving a revision one changed (review findings).
		{"editor-approver who edited another's submission cannot approve it", editorApprover, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", []int64{1, 10}},
		{"editor-approver who edited it approves when the board allows", editorApprover, 1, editorial.StateSubmitted, editorial.ActionApprove, lenient, allowed, editorial.StateApproved, []int64{1, 10}},
		{"editor-approver who did not change it approves", editorApprover, 1, editorial.StateSubmitted, editorial.ActionApprove, strict, allowed, editorial.StateApproved, []int64{1, 3}},
		{"approver who changed a restored revision cannot approve it", approver, 3, editorial.StateSubmitted, editorial.ActionApprove, strict, denied, "", []int64{3, 4}},
		{"editor-approver may still return a submission they edited", editorApprover, 1, editorial.StateSubmitted, editorial.ActionReturn, strict, allowed, editorial.StateReturned, []int64{1, 10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rev := editorial.Revision{ID: 10, AuthorID: c.authorID, State: c.state, ChangedBy: c.changedBy}
			if c.state == editorial.StateNew {
				rev.ID = 0
			}
			next, err := editorial.Decide(c.actor, rev, c.action, c.board)
			if c.want == allowed {
				if err != nil || next != c.next {
					t.Errorf("Decide = %q, %v; want %q allowed", next, err, c.next)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Kind != c.want || e.MessageVI == "" {
				t.Errorf("Decide = %q, %v; want a refusal of kind %v with a Vietnamese message", next, err, c.want)
			}
		})
	}
}

// Whatever the roles, states and board, some things never happen.
func TestDecideNeverAllows(t *testing.T) {
	states := []editorial.RevState{editorial.StateNew, editorial.StateDraft, editorial.StateSubmitted, editorial.StateReturned,
		editorial.StateApproved, editorial.StateSuperseded, editorial.StateDiscarded}
	actors := []accounts.Account{author1, author2, editor, approver, admin, adminApprover, disabled, authorApprover, noRole, editorApprover, authorEditor}
	for _, board := range []editorial.Board{{}, {AllowSelfApproval: true}} {
		for _, actor := range actors {
			for _, authorID := range []int64{1, actor.ID} {
				for _, st := range states {
					for _, a := range editorial.Actions {
						next, err := editorial.Decide(actor, editorial.Revision{AuthorID: authorID, State: st, ChangedBy: []int64{authorID, actor.ID}}, a, board)
						if err != nil {
							continue
						}
						switch {
						case actor.Disabled:
							t.Errorf("disabled %s may %s a %q revision", actor.Username, a, st)
						case !actor.Has(accounts.RoleAuthor) && !actor.Has(accounts.RoleEditor) && !actor.Has(accounts.RoleApprover):
							t.Errorf("%s without a content role may %s", actor.Username, a)
						case a == editorial.ActionApprove && (!actor.Has(accounts.RoleApprover) || st != editorial.StateSubmitted || next != editorial.StateApproved):
							t.Errorf("%s may approve a %q revision into %q", actor.Username, st, next)
						case a == editorial.ActionApprove && !board.AllowSelfApproval:
							t.Errorf("%s may approve a revision they changed on a strict board", actor.Username)
						case st == editorial.StateApproved || st == editorial.StateSuperseded || st == editorial.StateDiscarded:
							if a != editorial.ActionRestore {
								t.Errorf("%s may %s a %q revision", actor.Username, a, st)
							}
						}
					}
				}
			}
		}
	}
}
