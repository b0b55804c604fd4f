// Package errs provides the sub-portal's kinds of errors, each with an
// English message for logs and operators and a Vietnamese one for editors,
// mapped once to HTTP statuses; and FromDatabase, which the stores call at
// their boundary so that a database that is down or restarting is
// Unavailable, never an internal error.
package errs

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/pgerr"
)

// Kind classifies an error.
type Kind int

// The kinds of errors.
const (
	Internal Kind = iota
	InvalidArgument
	NotFound
	Conflict
	PermissionDenied
	Unauthenticated
	Unavailable
	TooLarge
	UnsupportedMediaType
	TooManyRequests
)

// Error is a domain error: a kind, the field it concerns (if any), the
// hub's reason code when the error is one of the hub's rules (see
// docs/ARCHITECTURE.md, "Reason codes"), and the message in English and in
// Vietnamese.
type Error struct {
	Kind      Kind
	Field     string
	Reason    string // e.g. "TOO_LONG"; "" when no rule of the hub says it
	Message   string // English
	MessageVI string // Vietnamese
	Err       error  // the cause, if any
	// Violations lists every problem when there are several (the first is
	// the one Field, Reason and the messages describe); nil for one.
	Violations []Violation
}

// Violation is one problem of a request, as the hub's rules name it.
type Violation struct {
	Field, Reason, Message, MessageVI string
}

// Rules returns the InvalidArgument error that refuses a request for the
// violations of the hub's rules vs (nil when there are none), each under
// the field name field gives it (the hub names fields of the pushed item,
// such as "item.translations[vi].title").
func Rules(vs []contentrules.Violation, field func(hub string) string) *Error {
	if len(vs) == 0 {
		return nil
	}
	e := &Error{Kind: InvalidArgument}
	for _, v := range vs {
		e.Violations = append(e.Violations, Violation{Field: field(v.Field), Reason: v.Reason, Message: v.Description, MessageVI: v.MessageVI})
	}
	first := e.Violations[0]
	e.Field, e.Reason, e.Message, e.MessageVI = first.Field, first.Reason, first.Message, first.MessageVI
	if n := len(vs) - 1; n > 0 {
		e.Message += fmt.Sprintf(" (and %d more problems)", n)
		e.MessageVI += fmt.Sprintf(" (và %d lỗi khác)", n)
	} else {
		e.Violations = nil
	}
	return e
}

// All returns every problem e describes: its Violations, or e itself as one.
func (e *Error) All() []Violation {
	if len(e.Violations) > 0 {
		return e.Violations
	}
	return []Violation{{Field: e.Field, Reason: e.Reason, Message: e.Message, MessageVI: e.MessageVI}}
}

func (e *Error) Error() string {
	s := e.Message
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k about field.
func New(k Kind, field, en, vi string) *Error {
	return &Error{Kind: k, Field: field, Message: en, MessageVI: vi}
}

// Invalid returns an InvalidArgument error about field.
func Invalid(field, en, vi string) *Error { return New(InvalidArgument, field, en, vi) }

// Refused returns an InvalidArgument error about field for one of the hub's
// reasons.
func Refused(field, reason, en, vi string) *Error {
	return &Error{Kind: InvalidArgument, Field: field, Reason: reason, Message: en, MessageVI: vi}
}

// Wrap returns an internal error with a cause.
func Wrap(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf returns the kind of err (Internal for errors of no kind).
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return Internal
}

// RetryAfterSeconds is the Retry-After of an answer to an Unavailable
// error: a restarted database is usually back within seconds.
const RetryAfterSeconds = 5

// FromDatabase returns err as an Unavailable error when it says the
// database is unavailable for now (unreachable, restarting, the session
// ended by an administrator, a serialization failure or a deadlock: see
// pgerr.Transient), so the caller answers 503 and the relay retries; as an
// InvalidArgument error when the database refused text it cannot store (a
// NUL character: pgerr.Unstorable), so the caller answers 400; it returns
// any other error, and errors that have a kind already, unchanged.
func FromDatabase(err error) error {
	if err == nil || As(err) != nil {
		return err
	}
	if pgerr.Unstorable(err) {
		return &Error{Kind: InvalidArgument, Message: "the text holds a NUL character (U+0000) or bytes that are not UTF-8",
			MessageVI: "Nội dung gửi lên chứa ký tự NUL (U+0000) hoặc byte không phải UTF-8; vui lòng xoá ký tự đó rồi gửi lại.", Err: err}
	}
	if !pgerr.Transient(err) {
		return err
	}
	return &Error{Kind: Unavailable, Message: "the database is unavailable for now; try again in a few seconds",
		MessageVI: "Cơ sở dữ liệu của cổng tạm thời không truy cập được; vui lòng thử lại sau ít giây.", Err: err}
}

// HTTPStatus maps a kind to its HTTP status.
func HTTPStatus(k Kind) int {
	switch k {
	case InvalidArgument:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case PermissionDenied:
		return http.StatusForbidden
	case Unauthenticated:
		return http.StatusUnauthorized
	case Unavailable:
		return http.StatusServiceUnavailable
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case UnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case TooManyRequests:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}
