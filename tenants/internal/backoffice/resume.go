package backoffice

import (
	"context"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// Nothing typed is lost: a form posted after the session ended comes back
// on the login page, its text carried in hidden fields (files cannot be),
// and after the login the editor shows it again, unsaved, under the new
// session's CSRF token (other forms get a page that posts them again). A
// form too large to take comes back with its text and an error.

// editorSaves are the routes of the editor's form (see Register).
var editorSaves = []string{"POST /noi-dung/moi", "POST /noi-dung/{id}/sua", "POST /ban-sua/{rev}"}

// maxCarryBytes bounds the text of a form read back (carried through the
// login page, or kept from a form too large to take).
const maxCarryBytes = 8 << 20

// maxCarryFields bounds its number of fields.
const maxCarryFields = 2000

// carryPrefix names the login form's hidden fields that carry a form.
const carryPrefix = "resume."

// field is one text field of a posted form.
type field struct{ Name, Value string }

// resumeMux routes a carried form to the editor after a login.
func (s *Server) newResumeMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range editorSaves {
		mux.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := s.saveEditor(w, r); err != nil {
				s.fail(w, r, err)
			}
		}))
	}
	return mux
}

// carried returns the fields of vals worth carrying: not the CSRF token
// (the new session has its own), not passwords, not empty ones.
func carried(vals url.Values) []field {
	var out []field
	names := make([]string, 0, len(vals))
	for name := range vals {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name == accounts.CSRFField || strings.Contains(strings.ToLower(name), "password") {
			continue
		}
		for _, v := range vals[name] {
			if v != "" && len(out) < maxCarryFields {
				out = append(out, field{Name: name, Value: v})
			}
		}
	}
	return out
}

// readText reads the text fields of a posted form without keeping files;
// files reports whether it had any. A multipart body is read only up to
// limit bytes: the fields that come before are kept.
func readText(w http.ResponseWriter, r *http.Request, limit int64) (vals url.Values, files bool, err error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		vals, files = salvageMultipart(r.Body, params["boundary"], limit)
		return vals, files, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, false, err
	}
	return r.PostForm, false, nil
}

// salvageMultipart reads the text parts of a multipart body, at most limit
// bytes of it, and skips the files; it keeps what it read before the body
// ends, breaks or runs over.
func salvageMultipart(body io.Reader, boundary string, limit int64) (vals url.Values, files bool) {
	vals = url.Values{}
	if boundary == "" {
		return vals, false
	}
	mr := multipart.NewReader(io.LimitReader(body, limit), boundary)
	budget := int64(maxCarryBytes)
	for range maxCarryFields {
		p, err := mr.NextPart()
		if err != nil {
			return vals, files
		}
		_, cd, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if _, isFile := cd["filename"]; isFile {
			if cd["filename"] != "" {
				files = true
			}
			if _, err := io.Copy(io.Discard, p); err != nil {
				return vals, files
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, budget+1))
		if err != nil || int64(len(b)) > budget {
			return vals, files
		}
		budget -= int64(len(b))
		vals.Add(p.FormName(), string(b))
	}
	return vals, files
}

// setForm makes vals the request's posted form (with the URL's query in
// Form, as ParseForm would).
func setForm(r *http.Request, vals url.Values) {
	form := url.Values{}
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	for k, v := range vals {
		form[k] = append(form[k], v...)
	}
	r.PostForm, r.Form = vals, form
	r.MultipartForm = &multipart.Form{Value: vals}
}

// expiredPost answers a form posted without a valid session: the login
// page, carrying the form's text, at the form's address (401). It answers
// nothing (false) when there is nothing to carry.
func (s *Server) expiredPost(w http.ResponseWriter, r *http.Request) (bool, error) {
	vals, files, err := readText(w, r, s.maxBody())
	if err != nil {
		return false, nil
	}
	carry := carried(vals)
	if len(carry) == 0 {
		return false, nil
	}
	l := s.loc(r)
	v := loginView{Next: safeNext(r.URL.RequestURI()), Carry: carry, FilesDropped: files}
	return true, s.render(w, r, http.StatusUnauthorized, "login", &Page{Title: l.T("login.title"), Data: v})
}

// carriedFrom returns the fields the login form carries.
func carriedFrom(vals url.Values) []field {
	out := url.Values{}
	for name, vs := range vals {
		if n, ok := strings.CutPrefix(name, carryPrefix); ok && n != "" {
			out[n] = vs
		}
	}
	return carried(out)
}

// resume starts acc's session and goes on with the carried form: the
// editor shows it again, unsaved (as a preview, so nothing is stored before
// the user saves), under the new session's CSRF token; any other form
// comes on a page that posts it again.
func (s *Server) resume(w http.ResponseWriter, r *http.Request, acc accounts.Account, next string, carry []field) error {
	sess, err := s.cfg.Sessions.Start(w, r, acc)
	if err != nil {
		return err
	}
	ctx := accounts.WithSession(r.Context(), sess)
	u, err := url.Parse(next)
	if err != nil {
		return seeOther(w, r, "/", "")
	}
	vals := url.Values{}
	for _, f := range carry {
		vals.Add(f.Name, f.Value)
	}
	r2 := r.Clone(ctx)
	r2.Method, r2.URL, r2.RequestURI, r2.Body, r2.Pattern = http.MethodPost, u, next, http.NoBody, ""
	if _, pattern := s.resumeMux.Handler(r2); pattern != "" {
		vals.Set("op", "preview")
		vals.Set(accounts.CSRFField, sess.CSRF)
		q := u.Query()
		q.Set("ok", "resumed")
		r2.URL = &url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: q.Encode()}
		setForm(r2, vals)
		s.resumeMux.ServeHTTP(w, r2)
		return nil
	}
	l := s.loc(r)
	return s.render(w, r.WithContext(ctx), http.StatusOK, "resume",
		&Page{Title: l.T("resume.title"), Data: resumeView{Action: next, Fields: carry}})
}

type resumeView struct {
	Action string
	Fields []field
}

type tooLargeKey struct{}

// tooLargeMessage is the error a form too large to take shows, if r is one.
func tooLargeMessage(r *http.Request) string {
	msg, _ := r.Context().Value(tooLargeKey{}).(string)
	return msg
}

// tooLarge takes the text of an editor's form whose body is over the
// limit, drops its files, and has the editor show it again (as a preview,
// storing nothing) with the error: the request it returns goes on to the
// handler. The CSRF check holds as for any form.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	// Reading on (up to twice the limit) lets a browser finish sending and
	// read the answer; beyond, the connection is closed.
	vals, _ := salvageMultipart(r.Body, params["boundary"], 2*s.maxBody())
	setForm(r, vals)
	if err := s.cfg.Sessions.CheckCSRF(r); err != nil {
		return r, err
	}
	vals.Set("op", "preview")
	setForm(r, vals)
	msg := s.loc(r).T("upload.body_too_large", mib(s.maxBody()), mib(s.cfg.MaxUploadBytes))
	return r.WithContext(context.WithValue(r.Context(), tooLargeKey{}, msg)), nil
}

// refusedEditor shows the editor's form as typed with the reason saving it
// was refused (another's draft, a revision that moved on meanwhile): the
// fields stay editable so the text can be copied, and saving again is
// refused again, never stored.
func (s *Server) refusedEditor(w http.ResponseWriter, r *http.Request, v *editorView, fe *FormErrors, err error) error {
	if !s.addErr(r, fe, err, inputID) {
		return err
	}
	v.Can = maps.Clone(v.Can)
	v.Can[string(editorial.ActionSave)] = true
	return s.renderEditor(w, r, errs.HTTPStatus(errs.KindOf(err)), v, fe)
}
