package accounts

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// retryAfterError is an error that says when to try again.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

func retryLater(err error, after time.Duration) error {
	return &retryAfterError{err: err, after: after}
}

// RetryAfter reports how long the caller should wait before trying again
// after err (ErrBusy, ErrRateLimited), when err says.
func RetryAfter(err error) (time.Duration, bool) {
	var e *retryAfterError
	if errors.As(err, &e) {
		return e.after, true
	}
	return 0, false
}

// SetRetryAfter sets the Retry-After header (whole seconds, rounded up, at
// least 1) when err says when to try again.
func SetRetryAfter(h http.Header, err error) {
	d, ok := RetryAfter(err)
	if !ok {
		return
	}
	secs := max(int64((d+time.Second-1)/time.Second), 1)
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
}
