package backoffice

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

type loginView struct {
	Username, Next string
	// Carry is the text of a form posted after the session ended, to go
	// on with after the login; FilesDropped says it had files, which
	// cannot be carried.
	Carry        []field
	FilesDropped bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if sess, ok := accounts.Current(r.Context()); ok && sess != nil && !sess.Account.Disabled {
		return seeOther(w, r, "/", "")
	}
	l := s.loc(r)
	p := &Page{Title: l.T("login.title"), Data: loginView{Next: safeNext(r.URL.Query().Get("next"))}}
	if r.URL.Query().Get("ok") == "logged_out" {
		p.Notice = l.T("notice.logged_out")
	}
	return s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	v := loginView{Username: strings.TrimSpace(r.PostFormValue("username")), Next: safeNext(r.PostFormValue("next")),
		Carry: carriedFrom(r.PostForm), FilesDropped: r.PostFormValue("files_dropped") != ""}
	p := &Page{Title: l.T("login.title"), Data: v, Errors: &FormErrors{}}
	password := r.PostFormValue("password")
	if v.Username == "" {
		p.Errors.Add("username", l.T("login.username_required"))
	}
	if password == "" {
		p.Errors.Add("password", l.T("login.password_required"))
	}
	if p.Errors.Any() {
		return s.render(w, r, http.StatusBadRequest, "login", p)
	}
	// Every attempt counts against its client, then against its account.
	err := s.cfg.LoginLimiter.Allow(r)
	var acc accounts.Account
	if err == nil {
		acc, err = s.cfg.Accounts.Login(r.Context(), v.Username, password)
	}
	if err != nil {
		e := errs.As(err)
		if e == nil {
			return err
		}
		// Name no field: which of the two was wrong is not for an attacker
		// to learn.
		p.Errors.Add("", s.message(r, e))
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, accounts.ErrLocked) || errors.Is(err, accounts.ErrDisabled):
			status = http.StatusForbidden
		case e.Kind == errs.TooManyRequests:
			status = http.StatusTooManyRequests
			accounts.SetRetryAfter(w.Header(), err)
		}
		return s.render(w, r, status, "login", p)
	}
	if len(v.Carry) > 0 && v.Next != "/" {
		return s.resume(w, r, acc, v.Next, v.Carry)
	}
	if err := s.cfg.Sessions.Begin(w, r, acc); err != nil {
		return err
	}
	return seeOther(w, r, v.Next, "")
}

// safeNext keeps only a local path to go back to after logging in, and
// answers "/" for anything else: a URL with a scheme or a host, a path that
// does not start with exactly one "/" (as given or once decoded: "//x",
// "/%2F%2Fx"), or one holding a backslash or a control character (as given
// or decoded: "/\\x", "/%09/x", which browsers strip or read as "//").
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || badPathChars(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	decoded, err := url.PathUnescape(u.EscapedPath())
	if err != nil || !strings.HasPrefix(decoded, "/") || strings.HasPrefix(decoded, "//") || badPathChars(decoded) {
		return "/"
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || badPathChars(q) {
		return "/"
	}
	if u.Path == "/dang-nhap" || strings.HasPrefix(u.Path, "/dang-nhap/") {
		return "/"
	}
	return next
}

// badPathChars reports a backslash or a control character (C0, DEL, C1,
// and the Unicode format characters browsers may drop).
func badPathChars(s string) bool {
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return true
		}
	}
	return false
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Sessions.End(w, r); err != nil {
		return err
	}
	return seeOther(w, r, "/dang-nhap", "logged_out")
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "password", &Page{Title: s.loc(r).T("password.title")})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	p := &Page{Title: l.T("password.title"), Errors: &FormErrors{}}
	oldPW, newPW, again := r.PostFormValue("old_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password2")
	if oldPW == "" {
		p.Errors.Add("old_password", l.T("password.old_required"))
	}
	if newPW == "" {
		p.Errors.Add("new_password", l.T("password.new_required"))
	} else if newPW != again {
		p.Errors.Add("new_password2", l.T("password.mismatch"))
	}
	if !p.Errors.Any() {
		id := current(r).Account.ID
		err := s.cfg.Accounts.ChangePassword(r.Context(), id, oldPW, newPW)
		if err == nil {
			// ChangePassword ended every session of the account, this one
			// too: start a new one so the user stays signed in and sees
			// the notice.
			acc, err := s.cfg.Accounts.Get(r.Context(), id)
			if err != nil {
				return err
			}
			if err := s.cfg.Sessions.Begin(w, r, acc); err != nil {
				return err
			}
			return seeOther(w, r, "/", "password_changed")
		}
		if !s.addErr(r, p.Errors, err, func(f string) string {
			switch f {
			case "password", "new_password":
				return "new_password"
			}
			if errors.Is(err, accounts.ErrBadCredentials) {
				return "old_password"
			}
			return f
		}) {
			return err
		}
	}
	return s.render(w, r, http.StatusBadRequest, "password", p)
}
