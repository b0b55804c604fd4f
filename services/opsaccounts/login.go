package opsaccounts

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/password"
)

// failureDelay is what every failed login costs, plus up to as much again
// (a variable in tests).
var failureDelay = 500 * time.Millisecond

// vnZone is Vietnam's time (UTC+7), for messages.
var vnZone = time.FixedZone("ICT", 7*60*60)

func lockedErr(until time.Time) error {
	return &Error{Code: ErrLocked.Code, Until: until,
		English: fmt.Sprintf("too many failed logins; the account is locked until %s", until.UTC().Format(time.RFC3339)),
		Vietnamese: fmt.Sprintf("Đăng nhập sai quá %d lần nên tài khoản bị tạm khoá. Vui lòng thử lại sau %s.",
			MaxFailures, until.In(vnZone).Format("15:04 ngày 02/01/2006"))}
}

// Authenticate checks a login and password and returns the account. It
// answers ErrBadCredentials for a wrong password or an unknown login
// (alike, and in the same time: an unknown login costs a hash too),
// ErrLocked while the account is locked (MaxFailures consecutive failures
// lock it for LockDuration; an attempt is counted before its password is
// checked, so parallel attempts cannot exceed the limit), ErrDisabled for a
// disabled account once its password is right, ErrBusy when the memory
// password hashing may take is in use (nothing counted then). Every failure
// costs a delay of 0.5 to 1 s. Logins and failures of existing accounts are
// entries of the audit log; attempts at unknown logins are not (the log
// keeps no text a person typed into the wrong field), the caller logs them.
func (s *Store) Authenticate(ctx context.Context, login, pw string) (Account, error) {
	login = NormalizeLogin(login)
	var hash string
	acc, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+`, password_hash FROM ops_accounts WHERE login = $1`, login), &hash)
	unknown := errors.Is(err, pgx.ErrNoRows)
	if err != nil && !unknown {
		return Account{}, hubstore.MapErr("ops login", err)
	}
	release, err := s.enter(ctx, password.CostOf(hash, s.params))
	if err != nil {
		return Account{}, err
	}
	if unknown || len(pw) > password.MaxBytes {
		password.Burn(pw, s.params)
		release()
		s.delay(ctx)
		return Account{}, ErrBadCredentials
	}

	now := s.now()
	n, lockedUntil, err := s.takeAttempt(ctx, acc.ID, now)
	if err != nil {
		release()
		return Account{}, err
	}
	if lockedUntil != nil {
		release()
		if err := s.record(ctx, acc, "ops.login_refused_locked", map[string]any{"locked_until": lockedUntil.UTC()}, ""); err != nil {
			return Account{}, err
		}
		s.delay(ctx)
		return Account{}, lockedErr(*lockedUntil)
	}
	ok, verr := password.Verify(pw, hash)
	release()
	if verr != nil {
		// An unreadable stored hash: nobody can log in with it; an
		// administrator sets a new password.
		ok = false
	}
	if !ok {
		detail := map[string]any{"failures": n}
		var lock *time.Time
		var err error
		if n >= MaxFailures {
			until := now.Add(LockDuration)
			lock = &until
			detail["locked_until"] = until.UTC()
			err = s.record(ctx, acc, "ops.login_failed", detail, `UPDATE ops_accounts SET locked_until = $2 WHERE id = $1`, until)
		} else {
			err = s.record(ctx, acc, "ops.login_failed", detail, "")
		}
		if err != nil {
			return Account{}, err
		}
		s.delay(ctx)
		if lock != nil {
			return Account{}, lockedErr(*lock)
		}
		return Account{}, ErrBadCredentials
	}
	if acc.Disabled {
		if err := s.record(ctx, acc, "ops.login_refused_disabled", nil,
			`UPDATE ops_accounts SET failed_attempts = 0 WHERE id = $1`); err != nil {
			return Account{}, err
		}
		return Account{}, ErrDisabled
	}
	if err := s.record(ctx, acc, "ops.login", nil,
		`UPDATE ops_accounts SET failed_attempts = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1`, now); err != nil {
		return Account{}, err
	}
	acc.LastLoginAt, acc.LockedUntil = &now, nil
	return acc, nil
}

// takeAttempt counts an attempt on account id before its password is
// checked. It answers the attempt's number among consecutive failures, or
// when the account is locked, until when (and counts nothing). A lockout
// that has ended starts the count again.
func (s *Store) takeAttempt(ctx context.Context, id int64, now time.Time) (int, *time.Time, error) {
	var n int
	err := s.pool.QueryRow(ctx, `
		UPDATE ops_accounts SET
			failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END,
			locked_until = NULL
		WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)
		RETURNING failed_attempts`, id, now).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		var until time.Time
		err := s.pool.QueryRow(ctx, `SELECT locked_until FROM ops_accounts WHERE id = $1`, id).Scan(&until)
		if err != nil {
			return 0, nil, hubstore.MapErr("ops login", err)
		}
		return 0, &until, nil
	}
	if err != nil {
		return 0, nil, hubstore.MapErr("ops login", err)
	}
	if n > MaxFailures {
		// Parallel attempts beyond the limit: lock now, check nothing.
		until := now.Add(LockDuration)
		_, err := s.pool.Exec(ctx, `UPDATE ops_accounts SET locked_until = coalesce(locked_until, $2) WHERE id = $1`, id, until)
		return 0, &until, hubstore.MapErr("ops login", err)
	}
	return n, nil, nil
}

// record runs update (with the account's id and args, when not "") and
// appends an audit entry about acc, under acc's own name, in one
// transaction.
func (s *Store) record(ctx context.Context, acc Account, action string, detail map[string]any, update string, args ...any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if update != "" {
			if _, err := tx.Exec(ctx, update, append([]any{acc.ID}, args...)...); err != nil {
				return err
			}
		}
		return hubstore.AppendAudit(ctx, tx, acc.Actor(), action, "", acc.Actor(), detail)
	})
	return hubstore.MapErr(action+" "+acc.Login, err)
}

// delay makes a failed attempt cost time.
func (s *Store) delay(ctx context.Context) {
	if failureDelay <= 0 {
		return
	}
	t := time.NewTimer(failureDelay + rand.N(failureDelay))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
