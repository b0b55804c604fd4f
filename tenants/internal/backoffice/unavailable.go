package backoffice

import (
	"net/http"
	"strings"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// While the database is down or restarting, requests fail with
// errs.Unavailable: 503 with Retry-After, and nothing typed is lost. A form
// comes back with its text in editable fields (files cannot be kept),
// posting to the same address under the same CSRF token, to send again
// once the database is back.

// unavailableView is the page of a form that could not be taken.
type unavailableView struct {
	Message      string
	Action       string
	CSRF         string
	Fields       []keptField
	FilesDropped bool
}

// keptField is a field of the form, shown as a text area when Long; Hidden
// is the button that was pressed (op: save, submit, ...).
type keptField struct {
	Name, Value  string
	Long, Hidden bool
}

// keepForm answers an Unavailable error on a posted form with the form
// again, as typed. It answers nothing (false) when there is nothing to keep
// or the form came from another site, whose text is not shown back.
func (s *Server) keepForm(w http.ResponseWriter, r *http.Request, e *errs.Error) (bool, error) {
	action := r.URL.RequestURI()
	if r.Method != http.MethodPost || !accounts.SameOrigin(r) || !strings.HasPrefix(action, "/") ||
		strings.HasPrefix(action, "//") || strings.HasPrefix(action, `/\`) {
		return false, nil
	}
	vals, files := r.PostForm, r.MultipartForm != nil && len(r.MultipartForm.File) > 0
	if vals == nil { // the request failed before its form was read
		var err error
		if vals, files, err = readText(w, r, s.maxBody()); err != nil {
			return false, nil
		}
	}
	kept := carried(vals)
	if len(kept) == 0 {
		return false, nil
	}
	v := unavailableView{Message: s.message(r, e), Action: action, CSRF: vals.Get(accounts.CSRFField), FilesDropped: files}
	for _, f := range kept {
		v.Fields = append(v.Fields, keptField{Name: f.Name, Value: f.Value, Hidden: f.Name == "op",
			Long: len(f.Value) > 80 || strings.ContainsAny(f.Value, "\r\n")})
	}
	return true, s.render(w, r, http.StatusServiceUnavailable, "unavailable", &Page{Title: s.loc(r).T("unavailable.title"), Data: v})
}
