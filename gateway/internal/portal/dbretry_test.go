package portal

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// TestRetryLost: a render whose connection a stopping server ended is done
// again, at most lostRetries times; one that failed otherwise is not.
func TestRetryLost(t *testing.T) {
	lost := fmt.Errorf("slug vi/so-a/x: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"})
	for _, tc := range []struct {
		name      string
		errs      []error // what each call returns, in turn
		wantCalls int
		wantErr   bool
	}{
		{"lost once", []error{lost, nil}, 2, false},
		{"lost three times", []error{lost, lost, lost, nil}, 4, false},
		{"lost every time", []error{lost, lost, lost, lost, nil}, 4, true},
		{"statement timeout", []error{&pgconn.PgError{Code: "57014"}, nil}, 1, true},
		{"other fault", []error{errors.New("template"), nil}, 1, true},
		{"no fault", []error{nil}, 1, false},
	} {
		calls := 0
		r, err := retryLost(func(context.Context) (*pagecache.Render, error) {
			err := tc.errs[calls]
			calls++
			if err != nil {
				return nil, err
			}
			return &pagecache.Render{}, nil
		})(context.Background())
		if calls != tc.wantCalls || (err != nil) != tc.wantErr || (err == nil && r == nil) {
			t.Errorf("%s: %d calls, err %v; want %d calls, error %v", tc.name, calls, err, tc.wantCalls, tc.wantErr)
		}
	}
}
