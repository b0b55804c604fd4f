// Package pgerr classifies PostgreSQL errors for the stores of the hub and
// of the sub-portals, so that both tell "the database is unavailable for now,
// retry" from a fault the same way.
package pgerr

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

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
// ConnectionLost reports whether err says the session's server went away
// (shut down, crashed, restarted, the connection broke) rather than that
// the query was slow or lost a race: a read retried at once on a new
// connection may reach another server (the gateways' URL names the
// replica and the primary) or the same one back. A timeout is not lost:
// retrying a slow query only doubles the load.
func ConnectionLost(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08") // connection_exception
	}
	var connectErr *pgconn.ConnectError
	return errors.As(err, &connectErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

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
