package console

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
	detail, apiStatus, fromAPI := s.apiRefusal(c, err)
	switch {
	case fromAPI:
		status, msg = apiStatus, ""
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
		Detail  string // the admin API's refusal, in the page's language
	}{status, msg, detail})
	b, rerr := s.pages.Render("error", p)
	if rerr != nil {
		s.cfg.Log.Error().Err(rerr).Msg("console error page failed")
		c.String(status, http.StatusText(status))
		return
	}
	c.Data(status, "text/html; charset=utf-8", b)
}

// httpOf is the HTTP status of an admin API refusal.
var httpOf = map[codes.Code]int{codes.InvalidArgument: http.StatusBadRequest, codes.FailedPrecondition: http.StatusConflict,
	codes.NotFound: http.StatusNotFound, codes.AlreadyExists: http.StatusConflict, codes.PermissionDenied: http.StatusForbidden,
	codes.Unauthenticated: http.StatusUnauthorized, codes.Unavailable: http.StatusServiceUnavailable,
	codes.ResourceExhausted: http.StatusTooManyRequests}

// apiRefusal reads a refusal of the admin API (a status error): its text
// in the page's language (the Vietnamese LocalizedMessage, else the
// English message) and its HTTP status. Internal faults are not refusals:
// their text stays in the aggregator's log.
func (s *Server) apiRefusal(c *gin.Context, err error) (string, int, bool) {
	st, ok := status.FromError(err)
	if !ok || err == nil {
		return "", 0, false
	}
	code, known := httpOf[st.Code()]
	if !known {
		return "", 0, false
	}
	text := st.Message()
	if s.loc(c).Lang != "en" {
		for _, d := range st.Details() {
			if m, ok := d.(*errdetails.LocalizedMessage); ok && m.GetLocale() == "vi" {
				text = m.GetMessage()
			}
		}
	}
	return text, code, true
}

// formRefusal is the admin API's refusal of what a form asked (a value it
// does not take: 400; a state that forbids it or a key already taken:
// 409), in the page's language, with the status to answer; ok is false
// for any other error (a role, not found, a fault), which fail renders.
func (s *Server) formRefusal(c *gin.Context, err error) (string, int, bool) {
	detail, status, ok := s.apiRefusal(c, err)
	if !ok || (status != http.StatusBadRequest && status != http.StatusConflict) {
		return "", 0, false
	}
	return detail, status, true
}
