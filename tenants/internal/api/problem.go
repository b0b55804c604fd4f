package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/rs/zerolog"
)

// Problem is an RFC 7807 problem document: an English title, a Vietnamese
// detail for the editor, the field concerned and, when one of the hub's
// rules is broken, its reason code (the one the hub would answer).
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field,omitempty"`
	// Reason is the hub's reason code (docs/ARCHITECTURE.md), e.g.
	// "TOO_LONG", for the first problem.
	Reason string `json:"reason,omitempty"`
	// Message is the English explanation of the detail.
	Message string `json:"message,omitempty"`
	// Violations lists every problem when there are several.
	Violations []ProblemViolation `json:"violations,omitempty"`
}

// ProblemViolation is one problem of a request: the field, the hub's
// reason code, the Vietnamese detail and the English message.
type ProblemViolation struct {
	Field   string `json:"field"`
	Reason  string `json:"reason,omitempty"`
	Detail  string `json:"detail"`
	Message string `json:"message,omitempty"`
}

var titles = map[errs.Kind]string{
	errs.InvalidArgument:      "Invalid request",
	errs.NotFound:             "Not found",
	errs.Conflict:             "Conflict",
	errs.PermissionDenied:     "Forbidden",
	errs.Unauthenticated:      "Unauthenticated",
	errs.Unavailable:          "Service unavailable",
	errs.TooLarge:             "Payload too large",
	errs.UnsupportedMediaType: "Unsupported media type",
	errs.TooManyRequests:      "Too many requests",
	errs.Internal:             "Internal server error",
}

var typeNames = map[errs.Kind]string{
	errs.InvalidArgument:      "invalid-argument",
	errs.NotFound:             "not-found",
	errs.Conflict:             "conflict",
	errs.PermissionDenied:     "permission-denied",
	errs.Unauthenticated:      "unauthenticated",
	errs.Unavailable:          "unavailable",
	errs.TooLarge:             "too-large",
	errs.UnsupportedMediaType: "unsupported-media-type",
	errs.TooManyRequests:      "too-many-requests",
	errs.Internal:             "internal",
}

// writeError renders err as a problem document. Errors of no kind are
// server faults: logged, and answered without their text. A database that
// is down or restarting is 503 with Retry-After.
func writeError(w http.ResponseWriter, r *http.Request, log zerolog.Logger, err error) {
	e := errs.As(errs.FromDatabase(err))
	if e == nil {
		log.Error().Err(err).Str("method", r.Method).Str("path", r.URL.Path).Msg("request failed")
		e = errs.New(errs.Internal, "", "internal error", "Lỗi hệ thống; vui lòng thử lại sau hoặc báo cho quản trị.")
	}
	status := errs.HTTPStatus(e.Kind)
	p := Problem{
		Type:    "https://portalhub.example/problems/" + typeNames[e.Kind],
		Title:   titles[e.Kind],
		Status:  status,
		Detail:  e.MessageVI,
		Field:   e.Field,
		Reason:  e.Reason,
		Message: e.Message,
	}
	for _, v := range e.Violations {
		p.Violations = append(p.Violations, ProblemViolation{Field: v.Field, Reason: v.Reason, Detail: v.MessageVI, Message: v.Message})
	}
	switch e.Kind {
	case errs.Unauthenticated:
		w.Header().Set("WWW-Authenticate", `Bearer realm="subportal"`)
	case errs.Unavailable:
		log.Warn().Err(err).Str("method", r.Method).Str("path", r.URL.Path).Msg("request failed: the database is unavailable")
		w.Header().Set("Retry-After", strconv.Itoa(errs.RetryAfterSeconds))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
