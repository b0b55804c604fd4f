package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// Session limits: a session ends 2 hours after its last use, and 12 hours
// after it began whatever its use.
const (
	SessionIdle     = 2 * time.Hour
	SessionAbsolute = 12 * time.Hour
)

// Session is a signed-in account's server-side session.
type Session struct {
	ID        int64
	Account   Account
	CSRF      string // the token every form of the session carries
	ExpiresAt time.Time
}

// newToken returns a random 256-bit token, URL-safe base64.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash returns the SHA-256 of a well-formed token's bytes.
func tokenHash(token string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 32 {
		return nil, false
	}
	h := sha256.Sum256(b)
	return h[:], true
}

// StartSession starts a session for account accountID (which must be
// enabled) and returns it with the token for its cookie. It prunes expired
// sessions on the way.
func (s *Store) StartSession(ctx context.Context, accountID int64, userAgent string) (Session, string, error) {
	token, err := newToken()
	if err != nil {
		return Session{}, "", err
	}
	csrf, err := newToken()
	if err != nil {
		return Session{}, "", err
	}
	hash, _ := tokenHash(token)
	if len(userAgent) > 512 {
		userAgent = userAgent[:512]
	}
	now := s.now()
	var sess Session
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
			return err
		}
		acc, err := scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1 FOR SHARE`, accountID))
		if err != nil {
			return err
		}
		if acc.Disabled {
			return ErrDisabled
		}
		sess = Session{Account: acc, CSRF: csrf, ExpiresAt: now.Add(SessionIdle)}
		return tx.QueryRow(ctx, `
			INSERT INTO sessions (account_id, token_hash, csrf_token, user_agent, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
			accountID, hash, csrf, userAgent, now, sess.ExpiresAt).Scan(&sess.ID)
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrDisabled) {
			return Session{}, "", err
		}
		return Session{}, "", fmt.Errorf("start session: %w", err)
	}
	return sess, token, nil
}

// SessionByToken returns the session of a cookie's token and extends it
// (sliding expiry, within the absolute limit). It answers ErrNotFound when
// the token is unknown or malformed, the session has expired, or its
// account is disabled, and an errs.Unavailable error when the database is.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return Session{}, ErrNotFound
	}
	now := s.now()
	var sess Session
	var roles []string
	err := s.pool.QueryRow(ctx, `
		UPDATE sessions s SET last_seen_at = $2,
			expires_at = least(s.created_at + $3::interval, $2 + $4::interval)
		FROM accounts a
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.id = s.account_id AND NOT a.disabled
		RETURNING s.id, s.csrf_token, s.expires_at,
			a.id, a.username, a.display_name, a.roles, a.disabled, a.created_at, a.last_login_at`,
		hash, now, SessionAbsolute, SessionIdle).Scan(&sess.ID, &sess.CSRF, &sess.ExpiresAt,
		&sess.Account.ID, &sess.Account.Username, &sess.Account.DisplayName, &roles,
		&sess.Account.Disabled, &sess.Account.CreatedAt, &sess.Account.LastLoginAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, errs.FromDatabase(fmt.Errorf("read session: %w", err))
	}
	for _, r := range roles {
		sess.Account.Roles = append(sess.Account.Roles, Role(r))
	}
	return sess, nil
}

// EndSession ends the session of token (logout), and writes "logout" to the
// audit log. An unknown token is no error.
func (s *Store) EndSession(ctx context.Context, token string) error {
	return s.endSession(ctx, token, "logout")
}

func (s *Store) endSession(ctx context.Context, token, action string) error {
	hash, ok := tokenHash(token)
	if !ok {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var username string
		err := tx.QueryRow(ctx, `
			DELETE FROM sessions s USING accounts a
			WHERE s.token_hash = $1 AND a.id = s.account_id RETURNING a.username`, hash).Scan(&username)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return audit(ctx, tx, username, action, subjectOf(username), nil)
	})
}
