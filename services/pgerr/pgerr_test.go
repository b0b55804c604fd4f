package pgerr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestTransientCodes(t *testing.T) {
	for code, want := range map[string]bool{
		"08006": true,  // connection failure
		"08001": true,  // cannot connect
		"40001": true,  // serialization failure
		"40P01": true,  // deadlock detected
		"53300": true,  // too many connections
		"57P01": true,  // admin shutdown (pg_terminate_backend, a fast stop)
		"57P03": true,  // cannot connect now (starting up)
		"23505": false, // unique violation
		"23514": false, // check violation
		"42P01": false, // undefined table
		"22P02": false, // invalid text representation
		"":      false,
	} {
		err := fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code, Message: "x"})
		if got := Transient(err); got != want {
			t.Errorf("SQLSTATE %q: Transient = %v, want %v", code, got, want)
		}
	}
}

func TestTransientOthers(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"no rows", pgx.ErrNoRows, false},
		{"cancelled", context.Canceled, false},
		{"cancelled while reading", fmt.Errorf("read: %w: %w", io.ErrUnexpectedEOF, context.Canceled), false},
		{"no answer in time", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"other", errors.New("boom"), false},
		{"broken connection", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"closed connection", fmt.Errorf("query: %w", pgconn.ErrConnClosed), true},
	} {
		if got := Transient(tc.err); got != tc.want {
			t.Errorf("%s: Transient(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestTransientFromServer checks the errors a real server gives: nobody
// listening, and a session ended by an administrator.
func TestTransientFromServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/x?sslmode=disable&connect_timeout=2", testenv.FreePort(t)))
	if err == nil || !Transient(err) {
		t.Errorf("connect to a closed port: err = %v, want a transient error", err)
	}

	url := testenv.Postgres(t, "pgerr", nil)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
	if err == nil || !Transient(err) {
		t.Errorf("session terminated: err = %v, want a transient error", err)
	}
	_, err = conn.Exec(ctx, `SELECT 1`)
	if err == nil || !Transient(err) {
		t.Errorf("query on the terminated connection: err = %v, want a transient error", err)
	}
}

// TestUnstorableFromServer: the error a real server gives for a NUL in text
// is Unstorable, and not Transient.
func TestUnstorableFromServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testenv.Postgres(t, "pgerr", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	err = conn.QueryRow(ctx, `SELECT $1::text`, "a\x00b").Scan(&s)
	if err == nil || !Unstorable(err) || Transient(err) {
		t.Errorf("NUL in text: err = %v, want Unstorable and not Transient", err)
	}
	if Unstorable(&pgconn.PgError{Code: "23505"}) || Unstorable(errors.New("boom")) {
		t.Error("other errors are Unstorable")
	}
}

func TestConnectionLost(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"fast stop of the server", &pgconn.PgError{Code: "57P01"}, true},
		{"server crashed", &pgconn.PgError{Code: "57P02"}, true},
		{"server shutting down or starting", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "08006"}), true},
		{"broken connection", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"closed connection", fmt.Errorf("query: %w", pgconn.ErrConnClosed), true},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, false},
		{"too many connections", &pgconn.PgError{Code: "53300"}, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false},
		{"no answer in time", fmt.Errorf("query: %w", context.DeadlineExceeded), false},
		{"cancelled", context.Canceled, false},
		{"no rows", pgx.ErrNoRows, false},
		{"nil", nil, false},
	} {
		if got := ConnectionLost(tc.err); got != tc.want {
			t.Errorf("%s: ConnectionLost(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
