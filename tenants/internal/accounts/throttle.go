package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The lockout is counted before a password is checked, so that it stays
// exact however many attempts arrive at once: each attempt takes a number
// in the username's row of login_throttle (locked FOR UPDATE, so attempts
// take numbers one by one), and the attempt that takes number maxFailures
// locks the username at once. Attempts that find the username locked are
// refused without a check. A right password among those in flight clears
// the row (and so the lockout it may have set); otherwise the lockout
// stands. At most maxFailures passwords are checked per lockout window.
//
// login_throttle.failures counts the attempts of the current window that
// failed or are still being checked; last_failure_at is the newest of them.

// attemptSlot is an attempt's place in its username's count.
type attemptSlot struct {
	n           int        // the attempt's number in the window, from 1
	lockedUntil *time.Time // the lockout in force after taking it
	refused     bool       // the username was locked already: do not check
}

// locks reports whether this attempt set the lockout (it was the last one
// allowed): its failure answers ErrLocked.
func (a attemptSlot) locks() bool { return !a.refused && a.lockedUntil != nil }

// takeAttempt counts an attempt for username at now, before its password is
// checked. A lockout that has run out starts the count again.
func (s *Store) takeAttempt(ctx context.Context, username string, now time.Time) (attemptSlot, error) {
	var a attemptSlot
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until <= $2)`,
			now.Add(-throttleKeep), now); err != nil {
			return fmt.Errorf("prune login throttle: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO login_throttle (username, failures, last_failure_at) VALUES ($1, 0, $2)
			ON CONFLICT (username) DO NOTHING`, username, now); err != nil {
			return err
		}
		var failures int
		var locked *time.Time
		if err := tx.QueryRow(ctx, `SELECT failures, locked_until FROM login_throttle WHERE username = $1 FOR UPDATE`,
			username).Scan(&failures, &locked); err != nil {
			return err
		}
		switch {
		case locked != nil && locked.After(now):
			a = attemptSlot{n: failures, lockedUntil: locked, refused: true}
			return nil
		case locked != nil:
			failures, locked = 0, nil // the lockout has run out
		}
		a.n = failures + 1
		if a.n >= maxFailures {
			until := now.Add(lockDuration)
			a.lockedUntil = &until
		}
		_, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = $2, last_failure_at = $3, locked_until = $4 WHERE username = $1`,
			username, a.n, now, a.lockedUntil)
		return err
	})
	if err != nil {
		return attemptSlot{}, fmt.Errorf("count login attempt: %w", err)
	}
	return a, nil
}
