package portal

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestRetryLost: a request whose connection a stopping server ended runs
// again, at most lostRetries times, each time after the pool's connections
// were reset; one that failed otherwise, or that may not run again (it wrote
// its answer, it is not a GET), does not.
func TestRetryLost(t *testing.T) {
	lost := fmt.Errorf("slug vi/so-a/x: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"})
	for _, tc := range []struct {
		name      string
		errs      []error // what each call returns, in turn
		may       bool
		wantCalls int
		wantErr   bool
	}{
		{"lost once", []error{lost, nil}, true, 2, false},
		{"lost three times", []error{lost, lost, lost, nil}, true, 4, false},
		{"lost every time", []error{lost, lost, lost, lost, nil}, true, 4, true},
		{"lost, may not run again", []error{lost, nil}, false, 1, true},
		{"statement timeout", []error{&pgconn.PgError{Code: "57014"}, nil}, true, 1, true},
		{"other fault", []error{errors.New("template"), nil}, true, 1, true},
		{"no fault", []error{nil}, true, 1, false},
	} {
		calls, resets := 0, 0
		err := retryLost(context.Background(), func() { resets++ }, func() bool { return tc.may }, func() error {
			calls++
			return tc.errs[calls-1]
		})
		if calls != tc.wantCalls || (err != nil) != tc.wantErr || resets != calls-1 {
			t.Errorf("%s: %d calls, %d resets, err %v; want %d calls, a reset before each retry, error %v",
				tc.name, calls, resets, err, tc.wantCalls, tc.wantErr)
		}
	}
}
