package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// Cookies of the console. The session cookie holds the session's opaque
// token (the accounts keep only its hash); the CSRF cookie holds the nonce
// of the login form's anonymous token.
const (
	sessionCookie = "ph_console_session"
	csrfCookie    = "ph_console_csrf"
	csrfField     = "csrf_token"
)

// secure reports whether r came over TLS, directly or through one of the
// trusted proxies that says so (anyone else's X-Forwarded-Proto is not
// believed).
func (s *Server) secure(r *http.Request) bool {
	return lifecycle.HTTPS(r, s.cfg.TrustedProxies)
}

// setCookie sets an HttpOnly, SameSite=Strict cookie, Secure over TLS;
// maxAge 0 is a browser-session cookie, below 0 deletes it.
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(c.Request)})
}

// session reads the request's session; nil without one. A cookie naming no
// session is cleared.
func (s *Server) session(c *gin.Context) (*opsaccounts.Session, error) {
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" {
		return nil, nil
	}
	sess, err := s.cfg.Accounts.SessionByToken(c.Request.Context(), token, opsaccounts.Console)
	if errors.Is(err, opsaccounts.ErrNotFound) {
		s.setCookie(c, sessionCookie, "", -1)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// sameOrigin reports whether a POST comes from a page of this console, as
// far as the browser's Sec-Fetch-Site and Origin headers tell (requests
// without them, from scripts, rely on the token alone).
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

func equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// validCSRF checks a signed-in POST: same origin and the session's token.
func (s *Server) validCSRF(c *gin.Context, sess *opsaccounts.Session) bool {
	return sameOrigin(c.Request) && sess.CheckCSRF(c.PostForm(csrfField))
}

// anonToken returns the login form's CSRF token: HMAC of the nonce in the
// CSRF cookie, setting one when missing (double submit, signed with a key
// of this process: a login form rendered before a restart fails once).
func (s *Server) anonToken(c *gin.Context) string {
	nonce, err := c.Cookie(csrfCookie)
	if err != nil || len(nonce) < 16 {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return ""
		}
		nonce = base64.RawURLEncoding.EncodeToString(b)
		s.setCookie(c, csrfCookie, nonce, 7200)
	}
	m := hmac.New(sha256.New, s.csrf)
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) validAnonCSRF(c *gin.Context) bool {
	nonce, err := c.Cookie(csrfCookie)
	if err != nil || nonce == "" || !sameOrigin(c.Request) {
		return false
	}
	m := hmac.New(sha256.New, s.csrf)
	m.Write([]byte(nonce))
	return equal(c.PostForm(csrfField), base64.RawURLEncoding.EncodeToString(m.Sum(nil)))
}

// safeNext keeps a post-login destination on this console: a path, never
// another origin.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") || strings.HasPrefix(next, "/dang-nhap") {
		return "/"
	}
	return next
}

type loginData struct {
	Username, Next string
	Error          string // catalogue id
	ErrorArg       string
}

func (s *Server) loginPage(c *gin.Context) error {
	if current(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return nil
	}
	return s.showLogin(c, http.StatusOK, loginData{Next: safeNext(c.Query("next"))})
}

func (s *Server) showLogin(c *gin.Context, status int, d loginData) error {
	p := s.newPage(c, s.loc(c).T("login.title"), "", d)
	p.CSRF = s.anonToken(c)
	return s.show(c, status, "login", p)
}

func (s *Server) login(c *gin.Context) error {
	d := loginData{Username: strings.TrimSpace(c.PostForm("username")), Next: safeNext(c.PostForm("next"))}
	if !s.validAnonCSRF(c) {
		d.Error = "login.csrf"
		return s.showLogin(c, http.StatusForbidden, d)
	}
	password := c.PostForm("password")
	if d.Username == "" || password == "" {
		d.Error = "login.empty"
		return s.showLogin(c, http.StatusBadRequest, d)
	}
	acc, err := s.cfg.Accounts.Authenticate(c.Request.Context(), d.Username, password)
	var refusal *opsaccounts.Error
	switch {
	case errors.Is(err, opsaccounts.ErrLocked) && errors.As(err, &refusal):
		d.Error, d.ErrorArg = "login.locked", s.loc(c).Time(refusal.Until)
		return s.showLogin(c, http.StatusForbidden, d)
	case errors.Is(err, opsaccounts.ErrBadCredentials):
		s.cfg.Log.Info().Msg("console: failed login") // the login typed is not logged: it may be a password
		d.Error = "login.bad"
		return s.showLogin(c, http.StatusUnauthorized, d)
	case errors.Is(err, opsaccounts.ErrDisabled):
		d.Error = "login.disabled"
		return s.showLogin(c, http.StatusForbidden, d)
	case errors.Is(err, opsaccounts.ErrBusy):
		c.Header("Retry-After", "5")
		d.Error = "login.busy"
		return s.showLogin(c, http.StatusServiceUnavailable, d)
	case err != nil:
		return err
	}
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		// A session id never survives a login.
		if err := s.cfg.Accounts.Revoke(c.Request.Context(), old); err != nil && !errors.Is(err, opsaccounts.ErrNotFound) {
			return err
		}
	}
	_, token, err := s.cfg.Accounts.StartSession(c.Request.Context(), acc, opsaccounts.Console)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, 0)
	s.setCookie(c, csrfCookie, "", -1)
	s.cfg.Log.Info().Str("account", acc.Login).Str("role", string(acc.Role)).Msg("console login")
	c.Redirect(http.StatusSeeOther, d.Next)
	return nil
}

func (s *Server) logout(c *gin.Context) error {
	if token, err := c.Cookie(sessionCookie); err == nil && token != "" {
		if err := s.cfg.Accounts.Revoke(c.Request.Context(), token); err != nil && !errors.Is(err, opsaccounts.ErrNotFound) {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/dang-nhap")
	return nil
}
