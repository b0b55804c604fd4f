package backoffice

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

type accountsView struct {
	Accounts []accounts.Account
	Roles    []accounts.Role
	New      newAccountForm
	// Self is the administrator's own id (no disabling oneself here).
	Self int64
}

type newAccountForm struct {
	Username, DisplayName string
	Roles                 map[accounts.Role]bool
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccounts(w, r, http.StatusOK, newAccountForm{Roles: map[accounts.Role]bool{accounts.RoleAuthor: true}}, nil)
}

func (s *Server) renderAccounts(w http.ResponseWriter, r *http.Request, status int, nf newAccountForm, fe *FormErrors) error {
	list, err := s.cfg.Accounts.List(r.Context())
	if err != nil {
		return err
	}
	v := accountsView{Accounts: list, Roles: accounts.AllRoles, New: nf, Self: current(r).Account.ID}
	return s.render(w, r, status, "accounts", &Page{Title: s.loc(r).T("accounts.title"), Data: v, Errors: fe})
}

func formRoles(r *http.Request) []accounts.Role {
	var out []accounts.Role
	for _, v := range r.PostForm["roles"] {
		out = append(out, accounts.Role(v))
	}
	return out
}

// actorName is how the audit log names the acting account.
func actorName(r *http.Request) string { return current(r).Account.Username }

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	nf := newAccountForm{Username: strings.TrimSpace(r.PostFormValue("username")), DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Roles: map[accounts.Role]bool{}}
	roles := formRoles(r)
	for _, role := range roles {
		nf.Roles[role] = true
	}
	fe := &FormErrors{}
	pw, again := r.PostFormValue("password"), r.PostFormValue("password2")
	if pw == "" {
		fe.Add("new-password", l.T("password.new_required"))
	} else if pw != again {
		fe.Add("new-password2", l.T("password.mismatch"))
	}
	if !fe.Any() {
		_, err := s.cfg.Accounts.Create(r.Context(), actorName(r), accounts.NewAccount{Username: nf.Username, DisplayName: nf.DisplayName,
			Password: pw, Roles: roles})
		if err == nil {
			return seeOther(w, r, "/quan-tri/tai-khoan", "account_created")
		}
		if !s.addErr(r, fe, err, func(f string) string {
			switch f {
			case "username":
				return "new-username"
			case "display_name":
				return "new-display_name"
			case "password":
				return "new-password"
			case "roles":
				return "new-roles-" + string(accounts.RoleAuthor)
			}
			return ""
		}) {
			return err
		}
	}
	return s.renderAccounts(w, r, http.StatusBadRequest, nf, fe)
}

// changeAccount sets roles, disables or enables, or resets the password of
// one account, by the "op" of the button pressed.
func (s *Server) changeAccount(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	acc, err := s.cfg.Accounts.Get(r.Context(), id)
	if err != nil {
		return err
	}
	ctx, actor := r.Context(), actorName(r)
	fe := &FormErrors{}
	prefix := "acc-" + itoa(id) + "-"
	switch r.PostFormValue("op") {
	case "roles":
		err = s.cfg.Accounts.SetRoles(ctx, actor, id, formRoles(r))
	case "disable":
		if id == current(r).Account.ID {
			fe.Add("", l.T("accounts.no_self_disable"))
		} else {
			err = s.cfg.Accounts.SetDisabled(ctx, actor, id, true)
		}
	case "enable":
		err = s.cfg.Accounts.SetDisabled(ctx, actor, id, false)
	case "reset":
		pw := r.PostFormValue("password")
		if pw == "" {
			fe.Add(prefix+"password", l.T("password.new_required"))
		} else {
			err = s.cfg.Accounts.ResetPassword(ctx, actor, id, pw)
		}
	default:
		return errs.Invalid("op", "unknown change", "Thao tác không hợp lệ.")
	}
	if err != nil && !s.addErr(r, fe, err, func(f string) string {
		switch f {
		case "password":
			return prefix + "password"
		case "roles":
			return prefix + "roles-" + string(accounts.RoleAuthor)
		}
		return ""
	}) {
		return err
	}
	if fe.Any() {
		fe.List = append([]FieldError{{Message: l.T("accounts.change_failed", acc.Username)}}, fe.List...)
		return s.renderAccounts(w, r, http.StatusBadRequest, newAccountForm{Roles: map[accounts.Role]bool{accounts.RoleAuthor: true}}, fe)
	}
	return seeOther(w, r, "/quan-tri/tai-khoan", "account_changed")
}

// auditEntry is one line of the audit log.
type auditEntry struct {
	ID                     int64
	At                     time.Time
	Actor, Action, Subject string
	ContentID              string
	Version                *int64
	Detail                 string
}

// auditLimit is how many of the newest entries the viewer shows.
const auditLimit = 200

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.cfg.Store.Pool().Query(r.Context(), `
		SELECT id, at, actor, action, subject, content_id, version, detail
		FROM audit_log ORDER BY id DESC LIMIT $1`, auditLimit)
	if err != nil {
		return errs.Wrap(err, "read audit log")
	}
	defer rows.Close()
	var out []auditEntry
	for rows.Next() {
		var e auditEntry
		var detail []byte
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.ContentID, &e.Version, &detail); err != nil {
			return errs.Wrap(err, "read audit log")
		}
		if string(detail) != "{}" {
			var compact map[string]any
			if json.Unmarshal(detail, &compact) == nil {
				b, _ := json.Marshal(compact)
				e.Detail = string(b)
			}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "read audit log")
	}
	return s.render(w, r, http.StatusOK, "audit", &Page{Title: s.loc(r).T("audit.title"), Data: out, Wide: true})
}
