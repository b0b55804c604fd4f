package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

const (
	maxFailures   = 5                      // consecutive failures before a lockout
	lockDuration  = 15 * time.Minute       // how long a lockout lasts
	failureDelay  = 500 * time.Millisecond // every failure costs failureDelay
	failureJitter = 500 * time.Millisecond // plus up to this much
	throttleKeep  = 24 * time.Hour         // failures older than this are forgotten
)

// ErrWrongPassword is ChangePassword's answer to a wrong current password.
var ErrWrongPassword = errs.New(errs.InvalidArgument, "old_password", "the current password is wrong",
	"Mật khẩu hiện tại không đúng.")

// vnZone is Vietnam's time (UTC+7, no daylight saving time), for messages.
var vnZone = time.FixedZone("ICT", 7*60*60)

func lockedErr(until time.Time) error {
	return wrap(ErrLocked,
		fmt.Sprintf("too many failed logins; try again after %s", until.UTC().Format(time.RFC3339)),
		fmt.Sprintf("Đăng nhập sai quá %d lần nên tài khoản bị tạm khoá. Vui lòng thử lại sau %s.",
			maxFailures, until.In(vnZone).Format("15:04 ngày 02/01/2006")))
}

// delay makes a failed attempt cost time, 500ms to 1s.
func (s *Store) delay(ctx context.Context) {
	s.sleep(ctx, failureDelay+rand.N(failureJitter))
}

// throttleKey is the attempted username as the throttle and the audit log
// keep it: normalised, at most 64 characters.
func throttleKey(username string) string {
	u := NormalizeUsername(username)
	if utf8.RuneCountInString(u) > 64 {
		u = string([]rune(u)[:64])
	}
	if !utf8.ValidString(u) {
		u = fmt.Sprintf("%q", u)
	}
	return u
}

// UnknownUser is how the audit log names a login attempt with a username
// no account has: "unknown user" and a short hash of what was typed (which
// may be a password typed into the wrong field), enough to tell repeated
// attempts apart without keeping the text. The hash is short (32 bits) so
// that it matches many strings; it could still confirm a guess among a few
// candidates, which is the price of grouping attempts.
func UnknownUser(typed string) string {
	sum := sha256.Sum256([]byte("portalhub unknown username\x00" + typed))
	return "unknown user #" + hex.EncodeToString(sum[:4])
}

// Login checks a username and password. It answers ErrBadCredentials for a
// wrong password or an unknown username (alike, in time too), ErrLocked
// while the username is locked after 5 consecutive failures (the lockout
// lasts 15 minutes; it is counted before the password is checked, so it
// holds however many attempts arrive at once), ErrBusy when the memory
// password hashing may take is in use (nothing is counted then), and
// ErrDisabled for a disabled account, but only once its password is right.
// Every failure costs a delay of 0.5 to 1 s. Every attempt is in the audit
// log.
func (s *Store) Login(ctx context.Context, username, password string) (Account, error) {
	now := s.now()
	key := throttleKey(username)
	acc, hash, err := s.byUsername(ctx, key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Account{}, err
	}
	unknown := errors.Is(err, ErrNotFound)
	// who and subject name the attempt in the audit log and the process
	// log. What was typed as an unknown username is not kept: it may be a
	// password typed into the wrong field, and the audit log is forever.
	who, subject := key, subjectOf(key)
	reason := "wrong_password"
	if unknown {
		who, subject, reason = UnknownUser(key), "", "unknown_username"
	}

	// Memory first: an attempt that finds none is answered ErrBusy without
	// being counted against the account.
	release, err := s.enterGate(ctx, s.costOf(hash))
	if err != nil {
		return Account{}, err
	}
	slot, err := s.takeAttempt(ctx, key, now)
	if err != nil {
		release()
		return Account{}, err
	}
	if slot.refused {
		release()
		if err := audit(ctx, s.pool, who, "login_refused_locked", subject,
			map[string]any{"locked_until": slot.lockedUntil.UTC()}); err != nil {
			return Account{}, err
		}
		s.delay(ctx)
		return Account{}, lockedErr(*slot.lockedUntil)
	}
	ok, err := s.check(password, hash)
	release()
	if err != nil {
		s.log.Error().Err(err).Str("account", who).Msg("stored password hash unreadable")
		ok = false
	}

	if !ok {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if err := audit(ctx, tx, who, "login_failed", subject,
				map[string]any{"reason": reason, "failures": slot.n}); err != nil {
				return err
			}
			if slot.locks() {
				return audit(ctx, tx, who, "login_locked", subject,
					map[string]any{"failures": slot.n, "locked_until": slot.lockedUntil.UTC()})
			}
			return nil
		})
		if err != nil {
			return Account{}, err
		}
		s.delay(ctx)
		if slot.locks() {
			s.log.Warn().Str("account", who).Time("locked_until", *slot.lockedUntil).Msg("login locked after repeated failures")
			return Account{}, lockedErr(*slot.lockedUntil)
		}
		return Account{}, ErrBadCredentials
	}

	if acc.Disabled {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = $1`, key); err != nil {
				return err
			}
			return audit(ctx, tx, key, "login_refused_disabled", subject, nil)
		})
		if err != nil {
			return Account{}, err
		}
		return Account{}, ErrDisabled
	}

	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = $1`, key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET last_login_at = $2 WHERE id = $1`, acc.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, acc.Username, "login", subject, nil)
	})
	if err != nil {
		return Account{}, fmt.Errorf("record login of %s: %w", key, err)
	}
	acc.LastLoginAt = &now
	return acc, nil
}

// byUsername returns the account and its password hash.
func (s *Store) byUsername(ctx context.Context, username string) (Account, string, error) {
	var hash string
	row := s.pool.QueryRow(ctx, `SELECT `+accountColumns+`, password_hash FROM accounts WHERE lower(username) = $1`, username)
	acc, err := scanAccount(rowWith{row, &hash})
	return acc, hash, err
}

// rowWith scans a row with extra trailing columns.
type rowWith struct {
	pgx.Row
	extra any
}

func (r rowWith) Scan(dest ...any) error { return r.Row.Scan(append(dest, r.extra)...) }

// ChangePassword sets account id's password, given its current one. A wrong
// current password is ErrWrongPassword, counts as a failed login and costs
// the failure delay. Success ends all of the account's sessions: start a new
// one (Sessions.Begin) to keep the user signed in.
func (s *Store) ChangePassword(ctx context.Context, id int64, oldPassword, newPassword string) error {
	now := s.now()
	cur, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	acc, hash, err := s.byUsername(ctx, cur.Username)
	if err != nil {
		return err
	}
	if acc.Disabled {
		return ErrDisabled
	}
	subject := subjectOf(acc.Username)
	release, err := s.enterGate(ctx, s.costOf(hash))
	if err != nil {
		return err
	}
	slot, err := s.takeAttempt(ctx, acc.Username, now)
	if err != nil {
		release()
		return err
	}
	if slot.refused {
		release()
		s.delay(ctx)
		return lockedErr(*slot.lockedUntil)
	}
	ok, err := s.check(oldPassword, hash)
	release()
	if err != nil {
		return fmt.Errorf("stored password hash of %s: %w", acc.Username, err)
	}
	if !ok {
		if err := audit(ctx, s.pool, acc.Username, "password_change_failed", subject,
			map[string]any{"reason": "wrong_password", "failures": slot.n}); err != nil {
			return err
		}
		s.delay(ctx)
		if slot.locks() {
			return lockedErr(*slot.lockedUntil)
		}
		return ErrWrongPassword
	}
	// The current password is right: the attempt is not held against the
	// account, whatever comes of the new one.
	if _, err := s.pool.Exec(ctx, `DELETE FROM login_throttle WHERE username = $1`, acc.Username); err != nil {
		return fmt.Errorf("clear login throttle of %s: %w", acc.Username, err)
	}
	if err := CheckPassword(acc.Username, newPassword); err != nil {
		return err
	}
	if same, err := s.verify(ctx, newPassword, hash); err != nil {
		return err
	} else if same {
		return wrap(ErrWeakPassword, "the new password must differ from the current one",
			"Mật khẩu mới phải khác mật khẩu hiện tại.")
	}
	return s.setPassword(ctx, acc.Username, id, newPassword, "password_changed")
}

// ResetPassword sets account id's password on an administrator's authority
// (actor). It ends all of the account's sessions and lifts any lockout.
func (s *Store) ResetPassword(ctx context.Context, actor string, id int64, newPassword string) error {
	acc, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := CheckPassword(acc.Username, newPassword); err != nil {
		return err
	}
	return s.setPassword(ctx, actor, id, newPassword, "password_reset")
}

func (s *Store) setPassword(ctx context.Context, actor string, id int64, password, action string) error {
	hash, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var username string
		if err := tx.QueryRow(ctx, `
			UPDATE accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1 RETURNING username`,
			id, hash, s.now()).Scan(&username); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1`, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = $1`, username); err != nil {
			return err
		}
		return audit(ctx, tx, actor, action, subjectOf(username),
			map[string]any{"sessions_ended": tag.RowsAffected()})
	})
	if err != nil && errs.As(err) == nil {
		return fmt.Errorf("set password of account %d: %w", id, err)
	}
	return err
}

// Unlock lifts a lockout of account id on an administrator's authority.
func (s *Store) Unlock(ctx context.Context, actor string, id int64) error {
	acc, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = $1`, acc.Username); err != nil {
			return fmt.Errorf("unlock %s: %w", acc.Username, err)
		}
		return audit(ctx, tx, actor, "account_unlocked", subjectOf(acc.Username), nil)
	})
}
