package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/portalhub/portalhub/services/password"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// DefaultHashMemoryMiB is the memory password hashing may take at once by
// default: four argon2id hashes of the default cost (64 MiB each).
const DefaultHashMemoryMiB = password.DefaultGateMiB

// busyRetryAfter is what ErrBusy tells the caller to wait.
const busyRetryAfter = 2 * time.Second

// ErrBusy is the answer to a password check when the memory that password
// hashing may take is all in use (TooManyRequests, HTTP 429).
var ErrBusy = errs.New(errs.TooManyRequests, "", "too many logins are being checked at once; try again in a moment",
	"Hệ thống đang kiểm tra quá nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau vài giây.")

// enterGate reserves the memory of a hash of cost p in the store's gate
// (password.Gate) and returns the function that gives it back, or ErrBusy
// with when to retry.
func (s *Store) enterGate(ctx context.Context, p password.Params) (release func(), err error) {
	release, err = s.gate.Enter(ctx, p)
	if errors.Is(err, password.ErrBusy) {
		return nil, retryLater(ErrBusy, busyRetryAfter)
	}
	return release, err
}

// hash returns password's argon2id hash at the store's cost, holding the
// memory it takes.
func (s *Store) hash(ctx context.Context, pw string) (string, error) {
	release, err := s.enterGate(ctx, s.params)
	if err != nil {
		return "", err
	}
	defer release()
	if s.beforeHash != nil {
		s.beforeHash()
	}
	return password.Hash(pw, s.params)
}

// costOf is the cost of checking a password against encoded: its own, or
// the store's for a missing or unreadable hash.
func (s *Store) costOf(encoded string) password.Params { return password.CostOf(encoded, s.params) }

// check reports whether pw matches encoded. With encoded == "" (an
// unknown account), or a password over the length limit, it does the same
// work against nothing and answers false, so that such attempts cost what a
// wrong password costs. The caller holds the memory (enterGate, costOf).
func (s *Store) check(pw, encoded string) (bool, error) {
	if s.beforeHash != nil {
		s.beforeHash()
	}
	if encoded == "" || len(pw) > password.MaxBytes {
		password.Burn(pw, s.params)
		return false, nil
	}
	return password.Verify(pw, encoded)
}

// verify is check holding the memory it takes.
func (s *Store) verify(ctx context.Context, pw, encoded string) (bool, error) {
	release, err := s.enterGate(ctx, s.costOf(encoded))
	if err != nil {
		return false, err
	}
	defer release()
	return s.check(pw, encoded)
}
