// Package accounts provides the sub-portal back office's accounts and roles,
// password login with lockout, server-side sessions, CSRF protection, and the
// audit log entries for all of them.
//
// Passwords are hashed with argon2id. Sessions live in the database: the
// cookie holds a random 256-bit token and the database only its SHA-256.
// Every login, failure, lockout, logout and privileged action on accounts is
// written to the sub-portal's append-only audit_log, never with a password or
// a token.
package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"github.com/portalhub/portalhub/services/password"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// Role is what an account may do in the editorial board.
type Role string

// The roles.
const (
	RoleAuthor   Role = "author"   // reporter, contributor: writes drafts
	RoleEditor   Role = "editor"   // edits and reviews
	RoleApprover Role = "approver" // head of the editorial board: approves
	RoleAdmin    Role = "admin"    // manages accounts
)

// AllRoles lists the roles in their canonical order.
var AllRoles = []Role{RoleAuthor, RoleEditor, RoleApprover, RoleAdmin}

// Valid reports whether r is one of AllRoles.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Account is a back-office user.
type Account struct {
	ID          int64
	Username    string // lower-case
	DisplayName string
	Roles       []Role // canonical order, no duplicates
	Disabled    bool
	CreatedAt   time.Time
	LastLoginAt *time.Time
}

// Has reports whether the account holds role r.
func (a Account) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// NewAccount is what Create needs.
type NewAccount struct {
	Username, DisplayName, Password string
	Roles                           []Role
}

// Errors. The errors returned carry one of these in their chain (test with
// errors.Is) and are *errs.Error with an English and a Vietnamese message
// (errs.As); ErrLocked's message says when the account unlocks.
var (
	ErrNotFound = errs.New(errs.NotFound, "", "no such account or session",
		"Không tìm thấy tài khoản hoặc phiên làm việc.")
	ErrBadCredentials = errs.New(errs.Unauthenticated, "", "wrong username or password",
		"Tên đăng nhập hoặc mật khẩu không đúng.")
	ErrLocked = errs.New(errs.PermissionDenied, "", "too many failed logins; the account is locked for a while",
		"Đăng nhập sai quá nhiều lần; tài khoản bị tạm khoá.")
	ErrDisabled = errs.New(errs.PermissionDenied, "", "the account is disabled",
		"Tài khoản đã bị vô hiệu hoá. Vui lòng liên hệ quản trị viên.")
	ErrUsernameTaken = errs.New(errs.Conflict, "username", "the username is taken",
		"Tên đăng nhập này đã được sử dụng.")
	ErrLastAdmin = errs.New(errs.Conflict, "roles", "this is the last enabled administrator",
		"Đây là quản trị viên cuối cùng còn hoạt động; không thể bỏ quyền hoặc vô hiệu hoá.")
	ErrBootstrapDone = errs.New(errs.Conflict, "", "an administrator already exists",
		"Đã có quản trị viên; lệnh khởi tạo chỉ dùng được một lần.")
	ErrWeakPassword = errs.New(errs.InvalidArgument, "password", "the password is too weak",
		"Mật khẩu quá yếu.")
	ErrCSRF = errs.New(errs.PermissionDenied, "csrf_token", "missing or invalid CSRF token, or cross-origin request",
		"Phiên làm việc đã hết hạn hoặc yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại.")
)

// wrap returns an error of sentinel's kind and field with other messages,
// that errors.Is(err, sentinel).
func wrap(sentinel *errs.Error, en, vi string) error {
	return &errs.Error{Kind: sentinel.Kind, Field: sentinel.Field, Message: en, MessageVI: vi, Err: sentinel}
}

// Store reads and writes accounts and sessions in the sub-portal's database.
type Store struct {
	pool *pgxpool.Pool
	log  zerolog.Logger

	params  password.Params                            // argon2id cost for new hashes
	gate    *password.Gate                             // bounds the memory hashing takes at once
	now     func() time.Time                           // the clock
	sleep   func(ctx context.Context, d time.Duration) // the failure delay
	csrfKey []byte                                     // signs anonymous CSRF tokens
	// beforeHash, when set (tests), runs before every argon2id computation,
	// with its memory held.
	beforeHash func()
}

// New returns a store over pool. In test binaries (testing.Testing) new
// password hashes use cheap argon2id parameters so suites stay fast; the
// parameters are in every hash, so verification works either way.
func New(pool *pgxpool.Pool, log zerolog.Logger) *Store {
	s := &Store{
		pool:    pool,
		log:     log,
		params:  defaultParams,
		gate:    password.NewGate(DefaultHashMemoryMiB<<10, password.GateWait),
		now:     time.Now,
		sleep:   sleepCtx,
		csrfKey: make([]byte, 32),
	}
	if testing.Testing() {
		s.params = testParams
	}
	if _, err := rand.Read(s.csrfKey); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return s
}

// SetClock replaces the store's clock (tests: lockout expiry, session
// expiry). Call it before the store is in use.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// SetHashMemory bounds the memory password hashing may take at once, in
// MiB (default DefaultHashMemoryMiB): each argon2id hash holds its memory
// cost while it runs, and a password check that finds no memory free within
// a second is answered ErrBusy. Call it before the store is in use.
func (s *Store) SetHashMemory(mib int64) { s.gate = password.NewGate(mib<<10, password.GateWait) }

// SetFailureDelay replaces how the store waits after a failed login
// (tests: record instead of sleeping). Call it before the store is in use.
func (s *Store) SetFailureDelay(sleep func(ctx context.Context, d time.Duration)) { s.sleep = sleep }

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

const accountColumns = `id, username, display_name, roles, disabled, created_at, last_login_at`

func scanAccount(row pgx.Row) (Account, error) {
	var a Account
	var roles []string
	if err := row.Scan(&a.ID, &a.Username, &a.DisplayName, &roles, &a.Disabled, &a.CreatedAt, &a.LastLoginAt); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return Account{}, ErrNotFound
		}
		return Account{}, fmt.Errorf("read account: %w", err)
	}
	a.Roles = make([]Role, 0, len(roles))
	for _, r := range roles {
		a.Roles = append(a.Roles, Role(r))
	}
	return a, nil
}

// Get returns the account id.
func (s *Store) Get(ctx context.Context, id int64) (Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
}

// List returns every account, by username.
func (s *Store) List(ctx context.Context) ([]Account, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// NormalizeUsername returns the stored form of a username as typed: trimmed
// and lower-case.
func NormalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

func validUsername(u string) error {
	if n := len(u); n < 3 || n > 64 {
		return errs.Invalid("username", "the username must be 3 to 64 characters",
			"Tên đăng nhập phải dài từ 3 đến 64 ký tự.")
	}
	for _, c := range u {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return errs.Invalid("username", "the username may hold only letters a-z, digits, dot, underscore and hyphen",
				"Tên đăng nhập chỉ được gồm chữ cái không dấu a-z, chữ số, dấu chấm, gạch dưới và gạch ngang.")
		}
	}
	return nil
}

func normalizeDisplayName(d string) (string, error) {
	d = strings.TrimSpace(norm.NFC.String(d))
	if n := utf8.RuneCountInString(d); n < 1 || n > 200 || !utf8.ValidString(d) {
		return "", errs.Invalid("display_name", "the display name must be 1 to 200 characters",
			"Tên hiển thị phải dài từ 1 đến 200 ký tự.")
	}
	if strings.ContainsFunc(d, unicode.IsControl) {
		return "", errs.Invalid("display_name", "the display name must not contain control characters",
			"Tên hiển thị không được chứa ký tự điều khiển.")
	}
	return d, nil
}

// normalizeRoles checks roles and returns them deduplicated in canonical order.
func normalizeRoles(roles []Role) ([]string, error) {
	out := []string{}
	for _, r := range AllRoles {
		if slices.Contains(roles, r) {
			out = append(out, string(r))
		}
	}
	for _, r := range roles {
		if !r.Valid() {
			return nil, errs.Invalid("roles", fmt.Sprintf("unknown role %q", r),
				fmt.Sprintf("Vai trò không hợp lệ: %q.", r))
		}
	}
	if len(out) == 0 {
		return nil, errs.Invalid("roles", "choose at least one role", "Vui lòng chọn ít nhất một vai trò.")
	}
	return out, nil
}

// Create adds an account and records it in the audit log as done by actor.
func (s *Store) Create(ctx context.Context, actor string, in NewAccount) (Account, error) {
	return s.create(ctx, actor, in, false)
}

// Bootstrap creates the first administrator (with the admin role only). It
// refuses with ErrBootstrapDone when any account holds the admin role.
func Bootstrap(ctx context.Context, s *Store, username, displayName, password string) (Account, error) {
	return s.create(ctx, "bootstrap", NewAccount{
		Username: username, DisplayName: displayName, Password: password, Roles: []Role{RoleAdmin},
	}, true)
}

// adminLock serialises the changes that could leave the sub-portal without
// an enabled administrator (or with two bootstrapped ones).
const adminLock = `SELECT pg_advisory_xact_lock(hashtext('portalhub.accounts.admins'))`

func (s *Store) create(ctx context.Context, actor string, in NewAccount, bootstrap bool) (Account, error) {
	username := NormalizeUsername(in.Username)
	if err := validUsername(username); err != nil {
		return Account{}, err
	}
	display, err := normalizeDisplayName(in.DisplayName)
	if err != nil {
		return Account{}, err
	}
	roles, err := normalizeRoles(in.Roles)
	if err != nil {
		return Account{}, err
	}
	if err := CheckPassword(username, in.Password); err != nil {
		return Account{}, err
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return Account{}, err
	}

	var acc Account
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if bootstrap {
			if _, err := tx.Exec(ctx, adminLock); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE 'admin' = ANY (roles)`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return ErrBootstrapDone
			}
		}
		acc, err = scanAccount(tx.QueryRow(ctx, `
			INSERT INTO accounts (username, display_name, password_hash, roles, created_at, password_changed_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			RETURNING `+accountColumns,
			username, display, hash, roles, s.now()))
		if err != nil {
			return err
		}
		action := "account_created"
		if bootstrap {
			action = "account_bootstrapped"
		}
		return audit(ctx, tx, actor, action, subjectOf(username),
			map[string]any{"username": username, "display_name": display, "roles": roles})
	})
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return Account{}, ErrUsernameTaken
		}
		if errs.As(err) != nil {
			return Account{}, err
		}
		return Account{}, fmt.Errorf("create account %s: %w", username, err)
	}
	s.log.Info().Str("account", username).Strs("roles", roles).Str("actor", actor).Msg("account created")
	return acc, nil
}

// SetRoles replaces the roles of account id. It refuses to take the admin
// role from the last enabled administrator.
func (s *Store) SetRoles(ctx context.Context, actor string, id int64, roles []Role) error {
	want, err := normalizeRoles(roles)
	if err != nil {
		return err
	}
	return s.changeAccount(ctx, id, !slices.Contains(want, string(RoleAdmin)), func(tx pgx.Tx, before Account) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET roles = $2 WHERE id = $1`, id, want); err != nil {
			return err
		}
		from := make([]string, 0, len(before.Roles))
		for _, r := range before.Roles {
			from = append(from, string(r))
		}
		return audit(ctx, tx, actor, "roles_changed", subjectOf(before.Username),
			map[string]any{"from": from, "to": want})
	})
}

// SetDisabled disables or re-enables account id. Disabling ends all of the
// account's sessions; it refuses to disable the last enabled administrator.
func (s *Store) SetDisabled(ctx context.Context, actor string, id int64, disabled bool) error {
	return s.changeAccount(ctx, id, disabled, func(tx pgx.Tx, before Account) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled = $2 WHERE id = $1`, id, disabled); err != nil {
			return err
		}
		action := "account_enabled"
		detail := map[string]any{}
		if disabled {
			action = "account_disabled"
			tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1`, id)
			if err != nil {
				return err
			}
			detail["sessions_ended"] = tag.RowsAffected()
		}
		return audit(ctx, tx, actor, action, subjectOf(before.Username), detail)
	})
}

// changeAccount runs change in a transaction over account id, locked. When
// dropsAdmin, the change takes the account out of the enabled
// administrators, and it is refused if the account is the last of them.
func (s *Store) changeAccount(ctx context.Context, id int64, dropsAdmin bool, change func(tx pgx.Tx, before Account) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if dropsAdmin {
			if _, err := tx.Exec(ctx, adminLock); err != nil {
				return err
			}
		}
		before, err := scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if dropsAdmin && before.Has(RoleAdmin) && !before.Disabled {
			var others int
			if err := tx.QueryRow(ctx, `
				SELECT count(*) FROM accounts WHERE 'admin' = ANY (roles) AND NOT disabled AND id <> $1`, id).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return ErrLastAdmin
			}
		}
		return change(tx, before)
	})
	if err != nil && errs.As(err) == nil {
		return fmt.Errorf("change account %d: %w", id, err)
	}
	return err
}

func subjectOf(username string) string { return "account:" + username }
