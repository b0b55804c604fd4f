package hubstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/pgerr"
)

// Domain errors. Every error the store returns wraps one of these (or is a
// *Refusal), so callers never see driver errors.
var (
	// ErrNotFound: the tenant, credential or row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row already exists (a unique key is taken).
	ErrConflict = errors.New("conflict")
	// ErrInvalidArgument: the database refused a value (a check constraint).
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrUnavailable: the database could not be reached or the call was
	// cancelled; retrying later may succeed.
	ErrUnavailable = errors.New("unavailable")
	// ErrPrecondition: the row is not in a state the operation needs (a
	// retired tenant suspended or resumed); the request itself is well
	// formed, so it is a conflict with the state, not a bad value.
	ErrPrecondition = errors.New("failed precondition")
)

// Refusal is a push the store refuses for a reason the tenant can act on
// (VERSION_CONFLICT, SLUG_TAKEN, BLOB_MISSING, ...). The ingest server turns
// it into a gRPC status with a google.rpc.BadRequest field violation.
type Refusal struct {
	Reason      string // a reason code of docs/ARCHITECTURE.md, which decides the gRPC code
	Field       string // e.g. "item.translations[vi].slug"
	Description string // English
	MessageVI   string // Vietnamese
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("%s: %s (%s)", r.Reason, r.Description, r.Field)
}

// GRPCStatus makes a Refusal a gRPC status error with the details of
// contentrules.Refuse, so that status.Convert and the gRPC server see it as
// such.
func (r *Refusal) GRPCStatus() *status.Status {
	return status.Convert(contentrules.Refuse(r.Reason, r.Field, r.Description, r.MessageVI))
}

// Codes of PostgreSQL errors the store handles.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgCheckViolation       = "23514"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// MapErr is mapErr for packages that query the hub database themselves
// (services/opsaccounts): a driver error becomes one of the domain errors
// above.
func MapErr(what string, err error) error { return mapErr(what, err) }

// mapErr turns a driver error into a domain error, keeping the original text
// for logs. what names the operation ("add tenant x").
func mapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	var r *Refusal
	if errors.As(err, &r) {
		return err
	}
	for _, sentinel := range []error{ErrNotFound, ErrConflict, ErrInvalidArgument, ErrUnavailable, ErrPrecondition} {
		if errors.Is(err, sentinel) {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgUniqueViolation:
			return fmt.Errorf("%s: %w (%s)", what, ErrConflict, pgErr.ConstraintName)
		case pgForeignKeyViolation:
			return fmt.Errorf("%s: %w (%s)", what, ErrNotFound, pgErr.ConstraintName)
		case pgCheckViolation:
			return fmt.Errorf("%s: %w (%s)", what, ErrInvalidArgument, pgErr.ConstraintName)
		}
	}
	if pgerr.Unstorable(err) {
		// A NUL character (or bytes that are not UTF-8) in text, which
		// validation let through: the caller's input, not a fault.
		return fmt.Errorf("%s: %w: text holds a NUL character (U+0000)", what, ErrInvalidArgument)
	}
	if pgerr.Transient(err) || errors.Is(err, context.Canceled) {
		// The server is restarting, failing over, out of connections or
		// resources, or the transaction lost a race; or the call was
		// cancelled: the caller retries.
		return fmt.Errorf("%s: %w: %v", what, ErrUnavailable, err)
	}
	if pgErr != nil {
		return fmt.Errorf("%s: database error %s: %s", what, pgErr.Code, pgErr.Message)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// retryable reports whether a transaction failed only because of a
// concurrent one (serialization failure or deadlock).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == pgSerializationFailure || pgErr.Code == pgDeadlockDetected)
}

// Invalid is a value an operator gave that the hub refuses, with what is
// wrong in Vietnamese and English (hubctl and the console show them); it
// is an ErrInvalidArgument.
type Invalid struct {
	Vietnamese, English string
}

func (e *Invalid) Error() string { return e.English }

// Unwrap makes it an ErrInvalidArgument.
func (e *Invalid) Unwrap() error { return ErrInvalidArgument }

// Precondition is an operation the hub refuses because of the state of
// what it names (a retired tenant cannot be suspended or resumed), with
// what is wrong and what to do in Vietnamese and English; it is an
// ErrPrecondition (the admin API's FAILED_PRECONDITION, the console's 409).
type Precondition struct {
	Reason              string // a reason code, e.g. TENANT_RETIRED
	Vietnamese, English string
}

func (e *Precondition) Error() string { return e.English }

// Unwrap makes it an ErrPrecondition.
func (e *Precondition) Unwrap() error { return ErrPrecondition }
