package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/pgerr"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// InvalidParams names each bad query parameter and what is wrong with
	// it (400 only).
	InvalidParams []invalidParam `json:"invalid_params,omitempty"`
	err           error          // logged for a 500, never shown
}

type invalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// badParamsType is the type of a 400 for bad parameters: the developer
// page's section on them.
const badParamsType = "/en/developers#invalid-parameters"

// paramError is one or more bad query parameters.
type paramError struct{ params []invalidParam }

func (e *paramError) Error() string {
	s := "bad parameters:"
	for _, p := range e.params {
		s += " " + p.Name + " (" + p.Reason + ")"
	}
	return s
}

// problemOf says what an error means to the client.
func problemOf(err error) problem {
	var pe *paramError
	switch {
	case errors.As(err, &pe):
		return problem{Type: badParamsType, Title: "Invalid query parameters", Status: http.StatusBadRequest,
			Detail: "One or more query parameters are not valid; see invalid_params.", InvalidParams: pe.params}
	case errors.Is(err, errNotFound), errors.Is(err, hubread.ErrNotFound):
		return problem{Type: "about:blank", Title: "Not Found", Status: http.StatusNotFound,
			Detail: "There is no such resource, or it is not public."}
	case pgerr.Transient(err), errors.Is(err, context.DeadlineExceeded):
		return problem{Type: "about:blank", Title: "Service Unavailable", Status: http.StatusServiceUnavailable,
			Detail: "The portal's database cannot answer now; try again in a few seconds.", err: err}
	}
	return problem{Type: "about:blank", Title: "Internal Server Error", Status: http.StatusInternalServerError, err: err}
}

// writeProblem sends a problem document; server faults are logged here,
// once, without their detail shown.
func (s *Server) writeProblem(c *gin.Context, p problem) {
	if p.Status >= 500 && p.err != nil && !errors.Is(p.err, context.Canceled) {
		s.cfg.Log.Error().Err(p.err).Str("path", c.Request.URL.Path).Msg("api request failed")
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	if p.Status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	b, err := encode(p)
	if err != nil {
		c.Status(http.StatusInternalServerError)
		return
	}
	c.Data(p.Status, "application/problem+json", b)
}
