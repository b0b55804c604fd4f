package backoffice

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// contentSecurityPolicy allows only the back office's own files: no inline
// script or style, no framing, forms only to itself.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries; the back
// office's addresses stay its own (Referrer-Policy same-origin), and HSTS
// goes with every answer over HTTPS (TLS, or a trusted proxy that says so).
func (s *Server) securityHeaders(w http.ResponseWriter, r *http.Request) {
	lifecycle.SecurityHeaders(w.Header(), contentSecurityPolicy, "same-origin")
	lifecycle.TransportSecurity(w.Header(), lifecycle.HTTPS(r, s.cfg.TrustedProxies))
}

// maxFormBytes bounds a request without files.
const maxFormBytes = 1 << 20

// maxBody bounds any request: a form with a few files at the upload limit.
func (s *Server) maxBody() int64 { return 3*s.cfg.MaxUploadBytes + 2<<20 }

// formMemory is how much of a multipart form is held in memory; the rest
// of the files spill to temporary files.
const formMemory = 8 << 20

type ctxKey int

const langKey ctxKey = 1

func langOf(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return defaultLang
}

// loc returns the localizer of the request's language.
func (s *Server) loc(r *http.Request) *Localizer { return s.cat.For(langOf(r)) }

// chain wraps a handler with what every back-office request needs: security
// headers and no caching, the language, a body limit, the session, the
// login and role checks, form parsing, and the CSRF check on every POST.
func (s *Server) chain(h handlerFunc, needLogin bool, roles []accounts.Role) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.securityHeaders(w, r)
		w.Header().Set("Cache-Control", "no-store")
		r = r.WithContext(context.WithValue(r.Context(), langKey, s.language(w, r)))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.Error().Interface("panic", v).Str("path", r.URL.Path).Msg("back-office handler panicked")
				s.fail(w, r, errors.New("panic"))
			}
		}()
		r, err := s.admit(w, r, needLogin, roles)
		if err != nil {
			if errors.Is(err, errRedirected) {
				return
			}
			s.fail(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
	return s.cfg.Sessions.Load(inner)
}

// errRedirected says admit has answered the request (a redirect, or the
// login page).
var errRedirected = errors.New("redirected")

// admit checks the request before its handler and returns it, with its
// form parsed, for the handler.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, needLogin bool, roles []accounts.Role) (*http.Request, error) {
	// PostgreSQL cannot keep a NUL or bytes that are not UTF-8: no text of
	// the request reaches it with them (the form's, once read, below).
	if err := store.CheckStorable("path", r.URL.Path); err != nil {
		return r, err
	}
	if err := store.CheckStorableValues(r.URL.Query()); err != nil {
		return r, err
	}
	sess, ok := accounts.Current(r.Context())
	if err := accounts.LookupError(r.Context()); err != nil && needLogin {
		return r, err // the session could not be read: neither signed in nor out
	}
	if needLogin && (!ok || sess.Account.Disabled) {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/dang-nhap?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return r, errRedirected
		}
		// A form posted after the session ended: the login page, carrying
		// its text. Not for a form from another site.
		if r.Method == http.MethodPost && accounts.SameOrigin(r) {
			if answered, err := s.expiredPost(w, r); answered || err != nil {
				if err != nil {
					return r, err
				}
				return r, errRedirected
			}
		}
		http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
		return r, errRedirected
	}
	if len(roles) > 0 && !slices.ContainsFunc(roles, sess.Account.Has) {
		return r, errForbidden
	}
	if r.Method != http.MethodPost {
		return r, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" && ok && !sess.Account.Disabled {
		// A logged-in user's form with files: give it the time its size
		// needs (the server's read timeout is short for everyone else).
		n := s.maxBody()
		if r.ContentLength >= 0 && r.ContentLength < n {
			n = r.ContentLength
		}
		lifecycle.AllowTransfer(w, n)
	}
	if r.ContentLength > s.maxBody() {
		if ct == "multipart/form-data" && slices.Contains(editorSaves, r.Pattern) {
			return s.tooLarge(w, r)
		}
		return r, errs.New(errs.TooLarge, "", "the request is too large", "Nội dung gửi lên quá lớn.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody())
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(formMemory)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return r, errs.New(errs.TooLarge, "file", "the request is too large",
				"Nội dung gửi lên quá lớn; mỗi tệp tối đa "+mib(s.cfg.MaxUploadBytes)+".")
		}
		return r, errs.Invalid("", "the form could not be read", "Không đọc được biểu mẫu gửi lên.")
	}
	if err := s.cfg.Sessions.CheckCSRF(r); err != nil {
		s.cfg.Log.Warn().Str("path", r.URL.Path).Msg("CSRF check failed")
		return r, err
	}
	if err := store.CheckStorableValues(r.PostForm); err != nil {
		return r, err
	}
	if r.MultipartForm != nil {
		for field, files := range r.MultipartForm.File {
			for _, fh := range files {
				if err := store.CheckStorable(field, fh.Filename); err != nil {
					return r, err
				}
			}
		}
	}
	return r, nil
}

// current returns the logged-in account; chain guarantees one on routes
// that need it.
func current(r *http.Request) *accounts.Session {
	sess, _ := accounts.Current(r.Context())
	return sess
}

// seeOther redirects after a POST, with an optional notice id.
func seeOther(w http.ResponseWriter, r *http.Request, to, notice string) error {
	if notice != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "ok=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return itoa(n>>20) + " MiB"
	}
	return itoa(n>>10) + " KiB"
}
