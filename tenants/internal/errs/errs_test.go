package errs

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/portalhub/portalhub/services/contentrules"
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
		{"NUL in text", fmt.Errorf("approve: %w", &pgconn.PgError{Code: "22021"}), InvalidArgument},
		{"untranslatable character", &pgconn.PgError{Code: "22P05"}, InvalidArgument},
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

func TestRules(t *testing.T) {
	if Rules(nil, strings.ToUpper) != nil {
		t.Errorf("Rules(nil) is not nil")
	}
	one := Rules([]contentrules.Violation{{Field: "item.category", Reason: contentrules.ReasonUnknownCategory, Description: "unknown", MessageVI: "Không có"}},
		func(f string) string { return strings.TrimPrefix(f, "item.") })
	if one.Kind != InvalidArgument || one.Field != "category" || one.Reason != contentrules.ReasonUnknownCategory ||
		one.MessageVI != "Không có" || one.Violations != nil || len(one.All()) != 1 {
		t.Errorf("one violation: %+v", one)
	}
	two := Rules([]contentrules.Violation{
		{Field: "item.translations[vi].title", Reason: contentrules.ReasonTooLong, Description: "long", MessageVI: "Dài"},
		{Field: "item.version", Reason: contentrules.ReasonVersionZero, Description: "zero", MessageVI: "Không"},
	}, func(f string) string { return f })
	if two.Reason != contentrules.ReasonTooLong || len(two.All()) != 2 || two.All()[1].Reason != contentrules.ReasonVersionZero ||
		two.MessageVI != "Dài (và 1 lỗi khác)" {
		t.Errorf("two violations: %+v", two)
	}
	if HTTPStatus(two.Kind) != http.StatusBadRequest {
		t.Errorf("status %d", HTTPStatus(two.Kind))
	}
}
