package errs

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestFromDatabase(t *testing.T) {
	invalid := Invalid("title", "too long", "Quá dài.")
	for _, tc := range []struct {
		name string
		err  error
		want Kind
	}{
		{"admin shutdown", fmt.Errorf("get x: %w", &pgconn.PgError{Code: "57P01"}), Unavailable},
		{"starting up", &pgconn.PgError{Code: "57P03"}, Unavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, Unavailable},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, Unavailable},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, Unavailable},
		{"undefined table", &pgconn.PgError{Code: "42P01"}, Internal},
		{"no rows", pgx.ErrNoRows, Internal},
		{"a kind already", fmt.Errorf("approve: %w", invalid), InvalidArgument},
	} {
		got := FromDatabase(tc.err)
		if k := KindOf(got); k != tc.want {
			t.Errorf("%s: kind = %v, want %v", tc.name, k, tc.want)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("%s: %v does not wrap its cause", tc.name, got)
		}
		if tc.want == Unavailable && HTTPStatus(KindOf(got)) != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d, want 503", tc.name, HTTPStatus(KindOf(got)))
		}
	}
	if FromDatabase(nil) != nil {
		t.Error("FromDatabase(nil) != nil")
	}
}
