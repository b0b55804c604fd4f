package hubstore

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestMapErrTransientIsUnavailable(t *testing.T) {
	for _, code := range []string{"57P01", "57P03", "53300", "08006", "40001", "40P01"} {
		err := mapErr("apply", &pgconn.PgError{Code: code, Message: "x"})
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("SQLSTATE %s: got %v, want ErrUnavailable", code, err)
		}
	}
	for code, want := range map[string]error{"23505": ErrConflict, "23514": ErrInvalidArgument, "23503": ErrNotFound} {
		if err := mapErr("apply", &pgconn.PgError{Code: code}); !errors.Is(err, want) {
			t.Errorf("SQLSTATE %s: got %v, want %v", code, err, want)
		}
	}
	if err := mapErr("apply", &pgconn.PgError{Code: "42P01"}); errors.Is(err, ErrUnavailable) {
		t.Errorf("undefined table: got %v, want a server fault, not unavailable", err)
	}
}
