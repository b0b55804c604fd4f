// Package pgerr classifies PostgreSQL errors for the stores of the hub and
// of the sub-portals, so that both tell "the database is unavailable for now,
// retry" from a fault the same way.
package pgerr

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// Transient reports whether err says the database is unavailable for now and
// the same call may succeed later: the server could not be reached, the
// connection broke, the server is starting, shutting down or was told to
// end the session (an administrator, a failover), it is out of connections
// or resources, or the transaction lost a race (serialization failure,
// deadlock), or it did not answer before the context's deadline. A restart
// of the database is transient; a bad query, a constraint violation or a
// cancelled context (the caller gave up) is not.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return transientCode(pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &netErr)
}

// transientCode reports whether an SQLSTATE says "try again later":
// connection exceptions (class 08), transaction rollbacks such as
// serialization failures and deadlocks (40), insufficient resources (53)
// and operator intervention such as a shutdown or a terminated session (57).
func transientCode(code string) bool {
	if len(code) < 2 {
		return false
	}
	switch code[:2] {
	case "08", "40", "53", "57":
		return true
	}
	return false
}

// Unstorable reports whether err is the database refusing text it cannot
// store in its encoding: a NUL character, or bytes that are not UTF-8
// (SQLSTATE 22021 character_not_in_repertoire, 22P05
// untranslatable_character). The input is at fault, not the server.
func Unstorable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05")
}
