package console

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The console's own refusals; store errors are mapped in fail.
var (
	errNotFound  = errors.New("not found")
	errMethod    = errors.New("method not allowed")
	errSignedOut = errors.New("signed out")
	errCSRF      = errors.New("CSRF token missing or wrong")
	errBadInput  = errors.New("bad input")
)

// fail renders the error page for err: what went wrong in the page's
// language, and what to do; no internal detail.
func (s *Server) fail(c *gin.Context, err error) {
	status, msg := http.StatusInternalServerError, "error.internal"
	var role *roleError
	switch {
	case errors.As(err, &role):
		status, msg = http.StatusForbidden, role.need()
	case errors.Is(err, errCSRF):
		status, msg = http.StatusForbidden, "error.csrf"
	case errors.Is(err, errSignedOut):
		status, msg = http.StatusUnauthorized, "error.signed_out"
	case errors.Is(err, errNotFound), errors.Is(err, hubstore.ErrNotFound), errors.Is(err, hubread.ErrNotFound):
		status, msg = http.StatusNotFound, "error.not_found"
	case errors.Is(err, errMethod):
		status, msg = http.StatusMethodNotAllowed, "error.method"
	case errors.Is(err, hubread.ErrBadCursor), errors.Is(err, errBadInput), errors.Is(err, hubstore.ErrInvalidArgument):
		status, msg = http.StatusBadRequest, "error.bad_request"
	case errors.Is(err, hubstore.ErrUnavailable):
		status, msg = http.StatusServiceUnavailable, "error.unavailable"
	default:
		s.cfg.Log.Error().Err(err).Str("path", c.Request.URL.Path).Msg("console page failed")
	}
	p := s.newPage(c, s.loc(c).T("error.title"), "", struct {
		Status  int
		Message string
	}{status, msg})
	b, rerr := s.pages.Render("error", p)
	if rerr != nil {
		s.cfg.Log.Error().Err(rerr).Msg("console error page failed")
		c.String(status, http.StatusText(status))
		return
	}
	c.Data(status, "text/html; charset=utf-8", b)
}
