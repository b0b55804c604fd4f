package accounts

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Audit appends an entry to the sub-portal's audit log: who (actor) did what
// (action) to what (subject, such as "account:nguyen.van.a" or
// "content:khai-truong"), with detail marshalled as JSON (nil is {}). Never
// put a password or a token in detail.
//
// The actions this package writes: login, login_failed, login_locked,
// login_refused_locked, login_refused_disabled, logout, account_created,
// account_bootstrapped, roles_changed, account_disabled, account_enabled,
// password_changed, password_change_failed, password_reset, account_unlocked,
// session_replaced (Sessions.Begin over an old session).
func (s *Store) Audit(ctx context.Context, actor, action, subject string, detail any) error {
	return audit(ctx, s.pool, actor, action, subject, detail)
}

func audit(ctx context.Context, q execer, actor, action, subject string, detail any) error {
	if actor == "" {
		actor = "unknown"
	}
	raw := []byte(`{}`)
	if detail != nil {
		var err error
		if raw, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("audit %s: detail: %w", action, err)
		}
	}
	if _, err := q.Exec(ctx, `INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4)`,
		actor, action, subject, raw); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}
