// Package opsaccounts is the central ops team's accounts in the hub
// database (issue 10 point 1): who they are and their role (roles.go: the
// one table of who may do what), argon2id passwords (services/password),
// authentication with a lockout, console sessions and hubctl's bearer tokens
// (session.go). The aggregator's OpsService and the ops console both sign
// people in here. Every change and every login is an entry of the hub's
// audit chain, under the account's Actor name.
package opsaccounts

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/password"
)

// Error is a refusal a person can act on, in English and Vietnamese.
// errors.Is matches on Code, so the sentinels below match every Error of
// their code (a lockout's with its time, too).
type Error struct {
	Code       string // stable: bad_credentials, locked, disabled, weak_password, busy
	English    string
	Vietnamese string
	Until      time.Time // ErrLocked: when the lockout ends
}

func (e *Error) Error() string { return e.English }

// Is matches errors of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Refusals. Store errors are hubstore's: ErrNotFound (no such account),
// ErrConflict (the login is taken), ErrInvalid (a value out of range),
// ErrUnavailable (the database).
var (
	ErrBadCredentials = &Error{Code: "bad_credentials", English: "wrong login or password",
		Vietnamese: "Tên đăng nhập hoặc mật khẩu không đúng."}
	ErrLocked = &Error{Code: "locked", English: "too many failed logins; the account is locked for a while",
		Vietnamese: "Đăng nhập sai quá nhiều lần nên tài khoản bị tạm khoá."}
	ErrDisabled = &Error{Code: "disabled", English: "the account is disabled",
		Vietnamese: "Tài khoản đã bị vô hiệu hoá. Liên hệ quản trị viên."}
	ErrWeakPassword = &Error{Code: "weak_password", English: "the password is too weak",
		Vietnamese: "Mật khẩu quá yếu."}
	ErrBusy = &Error{Code: "busy", English: "too many logins are being checked at once; try again in a moment",
		Vietnamese: "Hệ thống đang kiểm tra quá nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau vài giây."}

	ErrNotFound    = hubstore.ErrNotFound
	ErrConflict    = hubstore.ErrConflict
	ErrInvalid     = hubstore.ErrInvalidArgument
	ErrUnavailable = hubstore.ErrUnavailable
)

// Lockout: MaxFailures consecutive failed logins lock an account for
// LockDuration.
const (
	MaxFailures  = 5
	LockDuration = 15 * time.Minute
)

// Account is an ops account.
type Account struct {
	ID          int64      `json:"id"`
	Login       string     `json:"login"`
	DisplayName string     `json:"display_name"`
	Role        Role       `json:"role"`
	Disabled    bool       `json:"disabled"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

// Actor is how the audit log names what the account does: "ops:<login>"
// (a tenant's pushes are "tenant:<id>").
func (a Account) Actor() string { return Actor(a.Login) }

// Actor is the audit log's name of the ops account login.
func Actor(login string) string { return "ops:" + login }

// Store reads and writes ops accounts and their sessions in the hub
// database. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	params password.Params // argon2id cost of new hashes
	gate   *password.Gate  // bounds the memory hashing takes at once
	now    func() time.Time
}

// New returns a store over the hub database's pool. In test binaries new
// hashes are cheap (password.Cheap); every hash carries its parameters, so
// verification works either way.
func New(pool *pgxpool.Pool) *Store {
	s := &Store{
		pool:   pool,
		params: password.Default,
		gate:   password.NewGate(password.DefaultGateMiB<<10, password.GateWait),
		now:    time.Now,
	}
	if testing.Testing() {
		s.params = password.Cheap
	}
	return s
}

// SetClock replaces the store's clock (tests: lockout and session expiry).
// Call it before the store is in use.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// loginPattern is what a login may be: lower-case ASCII letters, digits and
// . _ -, 2 to 63 characters, starting with a letter or digit (the table's
// check says the same).
var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// NormalizeLogin is a login as stored: trimmed, lower case.
func NormalizeLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

// NewAccount is what Create needs.
type NewAccount struct {
	Login       string
	DisplayName string
	Role        Role
	Password    string
}

const accountColumns = `id, login, display_name, role, disabled, locked_until, created_at, last_login_at`

func scanAccount(row pgx.Row, extra ...any) (Account, error) {
	var a Account
	err := row.Scan(append([]any{&a.ID, &a.Login, &a.DisplayName, &a.Role, &a.Disabled, &a.LockedUntil, &a.CreatedAt, &a.LastLoginAt}, extra...)...)
	return a, err
}

// Create adds an account, recorded in the audit log under actor. It
// answers ErrInvalid for a malformed login, display name or role,
// ErrWeakPassword (with the policy's reason) for a password the policy
// refuses, ErrConflict when the login is taken.
func (s *Store) Create(ctx context.Context, in NewAccount, actor string) (Account, error) {
	login := NormalizeLogin(in.Login)
	if !loginPattern.MatchString(login) {
		return Account{}, fmt.Errorf("%w: login %q: 2 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", ErrInvalid, in.Login)
	}
	name := norm.NFC.String(strings.TrimSpace(in.DisplayName))
	if utf8.RuneCountInString(name) > 200 || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return Account{}, fmt.Errorf("%w: display name: at most 200 characters of valid text", ErrInvalid)
	}
	if _, err := ParseRole(string(in.Role)); err != nil {
		return Account{}, err
	}
	if err := checkPassword(login, in.Password); err != nil {
		return Account{}, err
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return Account{}, err
	}
	var a Account
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err = scanAccount(tx.QueryRow(ctx, `
			INSERT INTO ops_accounts (login, display_name, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+accountColumns,
			login, name, in.Role, hash, s.now()))
		if err != nil {
			return err
		}
		return hubstore.AppendAudit(ctx, tx, actor, "ops.account_add", "", Actor(login),
			map[string]any{"role": in.Role})
	})
	if err != nil {
		return Account{}, hubstore.MapErr("add ops account "+login, err)
	}
	return a, nil
}

// checkPassword applies the policy (password.Check).
func checkPassword(login, pw string) error {
	if w := password.Check(login, pw); w != nil {
		return &Error{Code: ErrWeakPassword.Code, English: w.English, Vietnamese: w.Vietnamese}
	}
	return nil
}

// Get returns the account id.
func (s *Store) Get(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM ops_accounts WHERE id = $1`, id))
	return a, hubstore.MapErr(fmt.Sprintf("ops account %d", id), err)
}

// ByLogin returns the account with this login.
func (s *Store) ByLogin(ctx context.Context, login string) (Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM ops_accounts WHERE login = $1`, NormalizeLogin(login)))
	return a, hubstore.MapErr("ops account "+login, err)
}

// List returns every account, by login.
func (s *Store) List(ctx context.Context) ([]Account, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM ops_accounts ORDER BY login`)
	if err != nil {
		return nil, hubstore.MapErr("list ops accounts", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) { return scanAccount(r) })
	return out, hubstore.MapErr("list ops accounts", err)
}

// SetDisabled disables or enables the account id; disabling ends its
// sessions and tokens. Recorded under actor.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool, actor string) error {
	return s.change(ctx, id, actor, "ops.account_disable", map[string]any{"disabled": disabled},
		`UPDATE ops_accounts SET disabled = $2 WHERE id = $1 RETURNING login`, disabled)
}

// SetRole changes the account id's role. Recorded under actor.
func (s *Store) SetRole(ctx context.Context, id int64, role Role, actor string) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	return s.change(ctx, id, actor, "ops.account_role", map[string]any{"role": role},
		`UPDATE ops_accounts SET role = $2 WHERE id = $1 RETURNING login`, role)
}

// SetPassword replaces the account id's password (an administrator's
// reset, or the account's own change), lifts a lockout and ends its
// sessions and tokens. Recorded under actor.
func (s *Store) SetPassword(ctx context.Context, id int64, pw, actor string) error {
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := checkPassword(a.Login, pw); err != nil {
		return err
	}
	hash, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	return s.change(ctx, id, actor, "ops.account_password", nil,
		`UPDATE ops_accounts SET password_hash = $2, failed_attempts = 0, locked_until = NULL WHERE id = $1 RETURNING login`, hash)
}

// change runs an UPDATE of one account (returning its login), ends the
// account's sessions when it is not a role change, and records it.
func (s *Store) change(ctx context.Context, id int64, actor, action string, detail map[string]any, query string, arg any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var login string
		if err := tx.QueryRow(ctx, query, id, arg).Scan(&login); err != nil {
			return err
		}
		if action != "ops.account_role" {
			if _, err := tx.Exec(ctx, `UPDATE ops_sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL`, id, s.now()); err != nil {
				return err
			}
		}
		return hubstore.AppendAudit(ctx, tx, actor, action, "", Actor(login), detail)
	})
	return hubstore.MapErr(fmt.Sprintf("%s %d", action, id), err)
}

// hash returns pw's argon2id hash at the store's cost, holding its memory.
func (s *Store) hash(ctx context.Context, pw string) (string, error) {
	release, err := s.enter(ctx, s.params)
	if err != nil {
		return "", err
	}
	defer release()
	return password.Hash(pw, s.params)
}

// enter reserves the memory of a hash in the gate.
func (s *Store) enter(ctx context.Context, p password.Params) (func(), error) {
	release, err := s.gate.Enter(ctx, p)
	if errors.Is(err, password.ErrBusy) {
		return nil, ErrBusy
	}
	return release, err
}
