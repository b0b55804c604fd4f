package console

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Role is an ops account's role. Each role may do what the ones below it
// may: a viewer reads, an operator also acts on tenants' content (take down,
// lift), an administrator also manages accounts and tenants.
type Role int

// The roles, weakest first.
const (
	RoleViewer Role = iota + 1
	RoleOperator
	RoleAdministrator
)

// String is the role's name as the ops accounts spell it.
func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleOperator:
		return "operator"
	case RoleAdministrator:
		return "administrator"
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// Account is the ops account a console request acts as.
type Account struct {
	ID       int64
	Username string
	Name     string // display name
	Role     Role
}

// Session is a signed-in console session.
type Session struct {
	Account Account
	// CSRF is the token every form of the session carries.
	CSRF string
}

// Accounts is what the console needs of the ops accounts: logging in (with
// the accounts' lockout), and server-side sessions named by an opaque token
// the console keeps in its cookie.
type Accounts interface {
	// Login checks a username and password. A wrong pair is ErrBadLogin; an
	// account locked after too many failures is a *LockedError.
	Login(ctx context.Context, username, password string) (Account, error)
	// StartSession starts a console session for acc and returns its token.
	StartSession(ctx context.Context, acc Account, userAgent string) (token string, err error)
	// Session returns the live session a token names; ErrNoSession when
	// there is none (expired, ended, unknown).
	Session(ctx context.Context, token string) (Session, error)
	// EndSession ends the session a token names (logging out).
	EndSession(ctx context.Context, token string) error
}

// Errors of Accounts.
var (
	ErrBadLogin  = errors.New("wrong username or password")
	ErrNoSession = errors.New("no such session")
)

// LockedError is a login refused because the account is locked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "account locked until " + e.Until.UTC().Format(time.RFC3339)
}
