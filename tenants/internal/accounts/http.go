package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Sessions is the HTTP side of sessions: the session cookie, the request
// context, and CSRF protection.
type Sessions struct {
	Store *Store
	// CookieName is per sub-portal, such as "ph_so-du-lich_session": back
	// offices on one host differ only by port, and cookies ignore ports.
	// The anonymous CSRF cookie is CookieName + "_csrf".
	CookieName string
	// TTL is the session cookie's Max-Age (at most SessionAbsolute); zero
	// makes it a browser-session cookie. The server ends sessions on its own
	// after SessionIdle without use or SessionAbsolute in all.
	TTL time.Duration
}

// CSRFField is the form field that carries the CSRF token; scripts may send
// it in the CSRFHeader header instead.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// anonCSRFAge is how long an anonymous form (the login form) stays usable.
const anonCSRFAge = 2 * time.Hour

type ctxKey struct{}

// Current returns the session Load put in ctx.
func Current(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(ctxKey{}).(*Session)
	return s, ok && s != nil
}

func (m *Sessions) cookieName() string {
	if m.CookieName == "" {
		return "ph_session"
	}
	return m.CookieName
}

func (m *Sessions) csrfCookieName() string { return m.cookieName() + "_csrf" }

// secure reports whether r came over TLS, directly or through a proxy.
func secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func (m *Sessions) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   secure(r),
	}
}

// Load puts the request's *Session in its context when the session cookie
// is valid (see Current); it drops a cookie that is no longer valid. When
// the session could not be read (the database is unavailable), the error
// is in the context instead (see LookupError): the request is neither
// signed in nor signed out.
func (m *Sessions) Load(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := m.lookup(w, r)
		switch {
		case sess != nil:
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
		case err != nil:
			r = r.WithContext(context.WithValue(r.Context(), lookupErrKey{}, err))
		}
		next.ServeHTTP(w, r)
	})
}

type lookupErrKey struct{}

// LookupError returns the error that kept Load from reading the request's
// session, such as an errs.Unavailable one; nil when Load found a session
// or there was none to find.
func LookupError(ctx context.Context) error {
	err, _ := ctx.Value(lookupErrKey{}).(error)
	return err
}

// lookup returns the request's session: the one in its context, or the one
// its cookie names; nil and no error when there is none. With w, a cookie
// naming no session is cleared.
func (m *Sessions) lookup(w http.ResponseWriter, r *http.Request) (*Session, error) {
	if sess, ok := Current(r.Context()); ok {
		return sess, nil
	}
	c, err := r.Cookie(m.cookieName())
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, err := m.Store.SessionByToken(r.Context(), c.Value)
	if errors.Is(err, ErrNotFound) {
		if w != nil {
			http.SetCookie(w, m.cookie(r, m.cookieName(), "", -1))
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// Begin starts a new session for acc (ending the request's old one, if
// any, so a session id never survives a login) and sets its cookie:
// HttpOnly, SameSite=Lax, Path=/, Secure over TLS or X-Forwarded-Proto
// https. The new session is not in r's context: redirect after it.
func (m *Sessions) Begin(w http.ResponseWriter, r *http.Request, acc Account) error {
	_, err := m.Start(w, r, acc)
	return err
}

// Start is Begin returning the new session, for a handler that answers in
// the same response (with WithSession) instead of redirecting.
func (m *Sessions) Start(w http.ResponseWriter, r *http.Request, acc Account) (*Session, error) {
	if c, err := r.Cookie(m.cookieName()); err == nil && c.Value != "" {
		if err := m.Store.endSession(r.Context(), c.Value, "session_replaced"); err != nil {
			return nil, err
		}
	}
	sess, token, err := m.Store.StartSession(r.Context(), acc.ID, r.UserAgent())
	if err != nil {
		return nil, err
	}
	maxAge := 0
	if m.TTL > 0 {
		maxAge = int(min(m.TTL, SessionAbsolute) / time.Second)
	}
	http.SetCookie(w, m.cookie(r, m.cookieName(), token, maxAge))
	if _, err := r.Cookie(m.csrfCookieName()); err == nil {
		http.SetCookie(w, m.cookie(r, m.csrfCookieName(), "", -1))
	}
	return &sess, nil
}

// WithSession returns ctx carrying sess as the request's session (see
// Current): a handler that started a session (Start) and answers in the
// same response renders its pages, and their CSRF token, with it.
func WithSession(ctx context.Context, sess *Session) context.Context {
	return context.WithValue(ctx, ctxKey{}, sess)
}

// SameOrigin reports whether r comes from a page of this origin, as far as
// its Sec-Fetch-Site, Origin and Referer headers tell (CheckCSRF's origin
// check, without the token).
func SameOrigin(r *http.Request) bool { return crossOrigin(r) == "" }

// End ends the request's session (logout, in the audit log) and clears its
// cookie.
func (m *Sessions) End(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, m.cookie(r, m.cookieName(), "", -1))
	c, err := r.Cookie(m.cookieName())
	if err != nil || c.Value == "" {
		return nil
	}
	return m.Store.EndSession(r.Context(), c.Value)
}

// CSRFToken returns the token the request's forms must carry in the
// csrf_token field: the session's, or, without a session (the login form),
// one bound to a short-lived anonymous cookie it sets when missing (double
// submit, HMAC-signed with a key of this process: a form rendered before a
// restart fails once, asking to reload).
func (m *Sessions) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if sess, _ := m.lookup(w, r); sess != nil {
		return sess.CSRF
	}
	nonce, ok := m.anonNonce(r)
	if !ok {
		var err error
		if nonce, err = newToken(); err != nil {
			m.Store.log.Error().Err(err).Msg("anonymous CSRF token")
			return ""
		}
		c := m.cookie(r, m.csrfCookieName(), nonce, int(anonCSRFAge/time.Second))
		http.SetCookie(w, c)
		// Later calls in this request must see the same cookie.
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return m.anonToken(nonce)
}

// anonNonce returns the request's well-formed anonymous CSRF cookie.
func (m *Sessions) anonNonce(r *http.Request) (string, bool) {
	c, err := r.Cookie(m.csrfCookieName())
	if err != nil {
		return "", false
	}
	if _, ok := tokenHash(c.Value); !ok {
		return "", false
	}
	return c.Value, true
}

func (m *Sessions) anonToken(nonce string) string {
	mac := hmac.New(sha256.New, m.Store.csrfKey)
	mac.Write([]byte("portalhub anonymous csrf\x00" + m.cookieName() + "\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF guards a state-changing request (POST, PUT, PATCH, DELETE;
// other methods pass): the csrf_token form field (or X-CSRF-Token header)
// must equal the session's token, or without a session the anonymous
// cookie's; and Origin (or else Referer), when present, must be this host,
// port included, and Sec-Fetch-Site, when present, same-origin. It answers
// ErrCSRF (PermissionDenied, "Phiên làm việc đã hết hạn hoặc yêu cầu không
// hợp lệ. Vui lòng tải lại trang và thử lại."). It reads the form: limit
// the body (http.MaxBytesReader) or parse a multipart form first.
func (m *Sessions) CheckCSRF(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if reason := crossOrigin(r); reason != "" {
		m.Store.log.Warn().Str("reason", reason).Str("path", r.URL.Path).Msg("cross-origin request refused")
		return ErrCSRF
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	if got == "" {
		return ErrCSRF
	}
	var want string
	if sess, _ := m.lookup(nil, r); sess != nil {
		want = sess.CSRF
	} else if nonce, ok := m.anonNonce(r); ok {
		want = m.anonToken(nonce)
	} else {
		return ErrCSRF
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrCSRF
	}
	return nil
}

// crossOrigin says why r does not come from a page of this origin, or "".
func crossOrigin(r *http.Request) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return "Sec-Fetch-Site " + site
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		if !sameHost(origin, r.Host) {
			return "Origin " + origin
		}
		return ""
	}
	if ref := r.Referer(); ref != "" && !sameHost(ref, r.Host) {
		return "Referer"
	}
	return ""
}

// sameHost reports whether rawURL's host (with port) is host. The scheme is
// not compared: a TLS-terminating proxy may not say it terminated TLS.
func sameHost(rawURL, host string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return false // includes Origin: null
	}
	return strings.EqualFold(u.Host, host)
}
