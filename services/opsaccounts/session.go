package opsaccounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// Kind is what a session is for.
type Kind string

const (
	// Console is a session of the ops console: a cookie, sliding expiry
	// (ConsoleIdle after its last use, ConsoleAbsolute after it began), a
	// CSRF token for its forms.
	Console Kind = "console"
	// Token is a bearer token of `hubctl login` and the OpsService: it
	// ends TokenLifetime after it was issued, however it is used.
	Token Kind = "token"
)

// Lifetimes of sessions and tokens.
const (
	ConsoleIdle     = 30 * time.Minute
	ConsoleAbsolute = 12 * time.Hour
	TokenLifetime   = time.Hour
)

// TokenPrefix starts every ops session token and bearer token, so that a
// token is told apart from a tenant's credential at a glance (and by the
// OpsService, which refuses tenant credentials with their own message).
const TokenPrefix = "phops_"

// IsOpsToken reports whether token has the form of an ops token.
func IsOpsToken(token string) bool { _, ok := tokenHash(token); return ok }

// Session is a signed-in account's console session or bearer token.
type Session struct {
	ID        int64     `json:"id"`
	Kind      Kind      `json:"kind"`
	Account   Account   `json:"account"`
	CSRF      string    `json:"-"` // Console: the token every form carries
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// newToken returns TokenPrefix and 256 random bits, URL-safe base64.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash returns the SHA-256 of a well-formed token's random bytes.
func tokenHash(token string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) != 32 {
		return nil, false
	}
	h := sha256.Sum256(b)
	return h[:], true
}

// StartSession issues a session of kind for the account (which must exist
// and be enabled: sign in with Authenticate first) and returns it with its
// token, which is shown once and kept only as its hash. It removes sessions
// that expired more than a day ago on the way.
func (s *Store) StartSession(ctx context.Context, acc Account, kind Kind) (Session, string, error) {
	if kind != Console && kind != Token {
		return Session{}, "", fmt.Errorf("%w: session kind %q", ErrInvalid, kind)
	}
	token, err := newToken()
	if err != nil {
		return Session{}, "", err
	}
	csrf := ""
	if kind == Console {
		if csrf, err = newToken(); err != nil {
			return Session{}, "", err
		}
		csrf = strings.TrimPrefix(csrf, TokenPrefix)
	}
	hash, _ := tokenHash(token)
	now := s.now()
	sess := Session{Kind: kind, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(TokenLifetime)}
	if kind == Console {
		sess.ExpiresAt = now.Add(ConsoleIdle)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM ops_sessions WHERE expires_at < $1`, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		a, err := scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM ops_accounts WHERE id = $1 FOR SHARE`, acc.ID))
		if err != nil {
			return err
		}
		if a.Disabled {
			return ErrDisabled
		}
		sess.Account = a
		return tx.QueryRow(ctx, `
			INSERT INTO ops_sessions (account_id, kind, token_hash, csrf_token, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
			a.ID, kind, hash, csrf, now, sess.ExpiresAt).Scan(&sess.ID)
	})
	if errors.Is(err, ErrDisabled) {
		return Session{}, "", ErrDisabled
	}
	if err != nil {
		return Session{}, "", hubstore.MapErr("start ops session", err)
	}
	return sess, token, nil
}

// SessionByToken returns the session of kind that token opens, extending a
// console session (sliding expiry, within ConsoleAbsolute). It answers
// ErrNotFound when the token is malformed or unknown, of another kind,
// expired or revoked, or its account is disabled; ErrUnavailable when the
// database is.
func (s *Store) SessionByToken(ctx context.Context, token string, kind Kind) (Session, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return Session{}, fmt.Errorf("ops session: %w", ErrNotFound)
	}
	now := s.now()
	// A token's expiry never moves: least(expires_at, ...) keeps it.
	sess, err := s.scanSession(s.pool.QueryRow(ctx, `
		UPDATE ops_sessions s SET last_seen_at = $3,
			expires_at = CASE WHEN s.kind = 'console'
				THEN least(s.created_at + $4::interval, $3 + $5::interval) ELSE s.expires_at END
		FROM ops_accounts a
		WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3 AND s.revoked_at IS NULL
			AND a.id = s.account_id AND NOT a.disabled
		RETURNING s.id, s.kind, s.csrf_token, s.created_at, s.expires_at, `+prefixed("a.", accountColumns),
		hash, kind, now, ConsoleAbsolute, ConsoleIdle))
	return sess, hubstore.MapErr("ops session", err)
}

func (s *Store) scanSession(row pgx.Row) (Session, error) {
	var sess Session
	a := &sess.Account
	err := row.Scan(&sess.ID, &sess.Kind, &sess.CSRF, &sess.CreatedAt, &sess.ExpiresAt,
		&a.ID, &a.Login, &a.DisplayName, &a.Role, &a.Disabled, &a.LockedUntil, &a.CreatedAt, &a.LastLoginAt)
	return sess, err
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i := range cols {
		cols[i] = p + cols[i]
	}
	return strings.Join(cols, ", ")
}

// Revoke ends the session that token opens (a logout), recorded in the
// audit log under the session's account. A token that opens nothing is
// ErrNotFound.
func (s *Store) Revoke(ctx context.Context, token string) error {
	hash, ok := tokenHash(token)
	if !ok {
		return fmt.Errorf("revoke ops session: %w", ErrNotFound)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var login string
		var kind Kind
		err := tx.QueryRow(ctx, `
			UPDATE ops_sessions s SET revoked_at = $2 FROM ops_accounts a
			WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.id = s.account_id
			RETURNING a.login, s.kind`, hash, s.now()).Scan(&login, &kind)
		if err != nil {
			return err
		}
		return hubstore.AppendAudit(ctx, tx, Actor(login), "ops.logout", "", Actor(login), map[string]any{"kind": kind})
	})
	return hubstore.MapErr("revoke ops session", err)
}

// Sessions lists the account id's live sessions and tokens, newest first.
func (s *Store) Sessions(ctx context.Context, id int64) ([]Session, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.id, s.kind, '', s.created_at, s.expires_at, `+prefixed("a.", accountColumns)+`
		FROM ops_sessions s JOIN ops_accounts a ON a.id = s.account_id
		WHERE s.account_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
		ORDER BY s.created_at DESC, s.id DESC`, id, s.now())
	if err != nil {
		return nil, hubstore.MapErr("list ops sessions", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) { return s.scanSession(r) })
	return out, hubstore.MapErr("list ops sessions", err)
}

// CheckCSRF reports whether token is the console session's CSRF token,
// compared in constant time.
func (s Session) CheckCSRF(token string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) == 1
}
