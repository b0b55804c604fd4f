package opsaccounts

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// TokenAbsolute bounds a chain of refreshed bearer tokens: a token renewed
// by Refresh keeps its login's start, and none lasts beyond TokenAbsolute
// after it, so a token someone copied cannot be kept alive for ever; the
// account then logs in again.
const TokenAbsolute = 12 * time.Hour

// ErrRefreshLimit: the token's login is TokenAbsolute old (or nearly), so
// it is not renewed; log in again.
var ErrRefreshLimit = &Error{Code: "refresh_limit",
	English:    "this login is 12 hours old and its token is not renewed again: log in again (hubctl login)",
	Vietnamese: "Phiên đăng nhập đã quá 12 giờ nên không gia hạn thêm: hãy đăng nhập lại (hubctl login)."}

// Refresh exchanges a live bearer token for a new one, the old one ending at
// once: the new one ends TokenLifetime from now, and no later than
// TokenAbsolute after the login the chain began with (its CreatedAt). It
// answers ErrNotFound when token opens no live bearer token (or its account
// is disabled), ErrRefreshLimit when the login is too old to gain anything.
// Recorded in the audit log (ops.token_refresh) under the account.
func (s *Store) Refresh(ctx context.Context, token string) (Session, string, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return Session{}, "", ErrNotFound
	}
	fresh, err := newToken()
	if err != nil {
		return Session{}, "", err
	}
	freshHash, _ := tokenHash(fresh)
	now := s.now()
	var sess Session
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := s.scanSession(tx.QueryRow(ctx, `
			UPDATE ops_sessions s SET revoked_at = $3, last_seen_at = $3
			FROM ops_accounts a
			WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3 AND s.revoked_at IS NULL
				AND a.id = s.account_id AND NOT a.disabled
			RETURNING s.id, s.kind, s.csrf_token, s.created_at, s.expires_at, `+prefixed("a.", accountColumns),
			hash, Token, now))
		if err != nil {
			return err
		}
		end := now.Add(TokenLifetime)
		if limit := old.CreatedAt.Add(TokenAbsolute); limit.Before(end) {
			end = limit
		}
		if !end.After(old.ExpiresAt) {
			return ErrRefreshLimit
		}
		sess = Session{Kind: Token, Account: old.Account, CreatedAt: old.CreatedAt, ExpiresAt: end}
		if err := tx.QueryRow(ctx, `
			INSERT INTO ops_sessions (account_id, kind, token_hash, csrf_token, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, '', $4, $5, $6) RETURNING id`,
			old.Account.ID, Token, freshHash, old.CreatedAt, now, end).Scan(&sess.ID); err != nil {
			return err
		}
		return hubstore.AppendAudit(ctx, tx, old.Account.Actor(), "ops.token_refresh", "", old.Account.Actor(),
			map[string]any{"session": sess.ID, "replaces": old.ID, "expires_at": end})
	})
	if errors.Is(err, ErrRefreshLimit) {
		return Session{}, "", ErrRefreshLimit
	}
	if err != nil {
		return Session{}, "", hubstore.MapErr("refresh ops token", err)
	}
	return sess, fresh, nil
}
