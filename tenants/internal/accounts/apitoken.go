package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// APITokenPrefix starts every API token, so a token pasted where it should
// not be (a log, a ticket, a repository) is recognisable as one.
const APITokenPrefix = "spapi_"

// MaxAPITokenTTL bounds a token's life; a token never lives for ever.
const MaxAPITokenTTL = 366 * 24 * time.Hour

// apiTokenTouch is how stale last_used_at may get before a call updates it:
// a busy integration does not write a row per request.
const apiTokenTouch = time.Minute

// APIToken is a personal API token of a back-office account: the JSON API
// acts as that account, with its roles at the time of each call. Only the
// token's SHA-256 is stored; the token itself is shown once, when issued.
type APIToken struct {
	ID         int64
	AccountID  int64
	Name       string
	CreatedAt  time.Time
	CreatedBy  string
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token works at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// ErrAPIToken refuses a call whose token is unknown, malformed, revoked or
// expired, or whose account is disabled: one answer for all, so a caller
// learns nothing about which.
var ErrAPIToken = errs.New(errs.Unauthenticated, "", "a valid personal API token is required (Authorization: Bearer spapi_...); issue one in the back office under \"Mã truy cập API\" or with subportal api-tokens issue",
	"Cần mã truy cập API cá nhân hợp lệ (Authorization: Bearer spapi_...). Tạo mã trong trang quản trị, mục “Mã truy cập API”, hoặc bằng lệnh subportal api-tokens issue.")

// IssueAPIToken issues a token named name for account accountID, valid for
// ttl (at most MaxAPITokenTTL), and records it in the audit log as done by
// actor. It returns the token, shown this once.
func (s *Store) IssueAPIToken(ctx context.Context, actor string, accountID int64, name string, ttl time.Duration) (APIToken, string, error) {
	name = strings.TrimSpace(norm.NFC.String(name))
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return APIToken{}, "", errs.Invalid("name", "a token needs a name of 1 to 100 characters saying what it is for",
			"Cần đặt tên cho mã (1–100 ký tự), cho biết mã dùng để làm gì.")
	}
	if ttl < time.Hour || ttl > MaxAPITokenTTL {
		return APIToken{}, "", errs.Invalid("ttl", fmt.Sprintf("a token lives from one hour to %d days", int(MaxAPITokenTTL.Hours()/24)),
			fmt.Sprintf("Thời hạn của mã phải từ 1 giờ đến %d ngày.", int(MaxAPITokenTTL.Hours()/24)))
	}
	secret, err := newToken()
	if err != nil {
		return APIToken{}, "", err
	}
	hash, _ := tokenHash(secret)
	now := s.now()
	t := APIToken{AccountID: accountID, Name: name, CreatedAt: now, CreatedBy: actor, ExpiresAt: now.Add(ttl)}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		acc, err := scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1 FOR SHARE`, accountID))
		if err != nil {
			return err
		}
		if acc.Disabled {
			return ErrDisabled
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO api_tokens (account_id, name, token_hash, created_at, created_by, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			accountID, name, hash, now, actor, t.ExpiresAt).Scan(&t.ID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "api_token_issued", subjectOf(acc.Username),
			map[string]any{"token": t.ID, "name": name, "expires_at": t.ExpiresAt})
	})
	if err != nil {
		if errs.As(err) != nil {
			return APIToken{}, "", err
		}
		return APIToken{}, "", errs.FromDatabase(fmt.Errorf("issue API token: %w", err))
	}
	return t, APITokenPrefix + secret, nil
}

// APITokenAccount returns the account a call's token acts as, with its
// current roles, and the token. It answers ErrAPIToken for a token that is
// unknown, malformed, revoked or expired, or whose account is disabled, and
// an errs.Unavailable error when the database is.
func (s *Store) APITokenAccount(ctx context.Context, token string) (Account, APIToken, error) {
	secret, ok := strings.CutPrefix(token, APITokenPrefix)
	if !ok {
		return Account{}, APIToken{}, ErrAPIToken
	}
	hash, ok := tokenHash(secret)
	if !ok {
		return Account{}, APIToken{}, ErrAPIToken
	}
	now := s.now()
	var a Account
	var t APIToken
	var roles []string
	err := s.pool.QueryRow(ctx, `
		SELECT t.id, t.name, t.created_at, t.created_by, t.expires_at, t.last_used_at,
			a.id, a.username, a.display_name, a.roles, a.disabled, a.created_at, a.last_login_at
		FROM api_tokens t JOIN accounts a ON a.id = t.account_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND NOT a.disabled`,
		hash, now).Scan(&t.ID, &t.Name, &t.CreatedAt, &t.CreatedBy, &t.ExpiresAt, &t.LastUsedAt,
		&a.ID, &a.Username, &a.DisplayName, &roles, &a.Disabled, &a.CreatedAt, &a.LastLoginAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, APIToken{}, ErrAPIToken
	}
	if err != nil {
		return Account{}, APIToken{}, errs.FromDatabase(fmt.Errorf("read API token: %w", err))
	}
	t.AccountID = a.ID
	for _, r := range roles {
		a.Roles = append(a.Roles, Role(r))
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= apiTokenTouch {
		if _, err := s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, now); err != nil {
			s.log.Warn().Err(err).Int64("token", t.ID).Msg("cannot record the API token's last use")
		} else {
			t.LastUsedAt = &now
		}
	}
	return a, t, nil
}

// APITokens lists account accountID's tokens, newest first, revoked and
// expired ones included (they say when they stopped working).
func (s *Store) APITokens(ctx context.Context, accountID int64) ([]APIToken, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, account_id, name, created_at, created_by, expires_at, last_used_at, revoked_at
		FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC, id DESC`, accountID)
	if err != nil {
		return nil, errs.FromDatabase(fmt.Errorf("list API tokens: %w", err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (APIToken, error) {
		var t APIToken
		err := row.Scan(&t.ID, &t.AccountID, &t.Name, &t.CreatedAt, &t.CreatedBy, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt)
		return t, err
	})
	if err != nil {
		return nil, errs.FromDatabase(fmt.Errorf("list API tokens: %w", err))
	}
	return out, nil
}

// RevokeAPIToken revokes account accountID's token tokenID at once and
// records it in the audit log as done by actor. Revoking a revoked token is
// no error; another account's token is ErrNotFound.
func (s *Store) RevokeAPIToken(ctx context.Context, actor string, accountID, tokenID int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var username string
		err := tx.QueryRow(ctx, `
			UPDATE api_tokens t SET revoked_at = coalesce(t.revoked_at, $3)
			FROM accounts a WHERE t.id = $1 AND t.account_id = $2 AND a.id = t.account_id
			RETURNING a.username`, tokenID, accountID, s.now()).Scan(&username)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "api_token_revoked", subjectOf(username), map[string]any{"token": tokenID})
	})
	if err != nil {
		if errs.As(err) != nil {
			return err
		}
		return errs.FromDatabase(fmt.Errorf("revoke API token: %w", err))
	}
	return nil
}

// ByUsername returns the account named username (any case).
func (s *Store) ByUsername(ctx context.Context, username string) (Account, error) {
	acc, _, err := s.byUsername(ctx, NormalizeUsername(username))
	return acc, err
}
