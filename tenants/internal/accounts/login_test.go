package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

func TestLogin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := f.mustCreate(t, "le.thi.hoa", RoleAuthor)
	pw := goodPassword + "le.thi.hoa"

	for _, tc := range []struct {
		name, username, password string
		is                       error
		kind                     errs.Kind
		delayed                  bool
	}{
		{"right", "le.thi.hoa", pw, nil, 0, false},
		{"right, other case and spaces", "  Le.Thi.Hoa ", pw, nil, 0, false},
		{"wrong password", "le.thi.hoa", pw + "x", ErrBadCredentials, errs.Unauthenticated, true},
		{"empty password", "le.thi.hoa", "", ErrBadCredentials, errs.Unauthenticated, true},
		{"unknown username", "khong.co", pw, ErrBadCredentials, errs.Unauthenticated, true},
		{"absurd username", strings.Repeat("ü", 300), pw, ErrBadCredentials, errs.Unauthenticated, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.Delays())
			got, err := f.Login(ctx, tc.username, tc.password)
			if tc.is == nil {
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				if got.ID != acc.ID || got.LastLoginAt == nil || !got.LastLoginAt.Equal(f.clock.Now()) {
					t.Errorf("Login = %+v, want account %d with LastLoginAt now", got, acc.ID)
				}
			} else {
				if !errors.Is(err, tc.is) {
					t.Fatalf("Login: %v, want %v", err, tc.is)
				}
				kindOf(t, err, tc.kind)
			}
			delays := f.Delays()[before:]
			if tc.delayed != (len(delays) == 1) {
				t.Fatalf("delays = %v, want delayed %v", delays, tc.delayed)
			}
			if tc.delayed && (delays[0] < 500*time.Millisecond || delays[0] > time.Second) {
				t.Errorf("delay = %v, want 500ms to 1s", delays[0])
			}
		})
	}
	if got, _ := f.Get(ctx, acc.ID); got.LastLoginAt == nil {
		t.Error("LastLoginAt not stored")
	}
}

func TestLockout(t *testing.T) {
	ctx := context.Background()
	for _, username := range []string{"le.thi.hoa", "khong.ton.tai"} {
		t.Run(username, func(t *testing.T) {
			f := newFixture(t)
			f.mustCreate(t, "le.thi.hoa", RoleAuthor)
			pw := goodPassword + "le.thi.hoa"

			for i := 1; i <= 4; i++ {
				if _, err := f.Login(ctx, username, "sai mat khau "+username); !errors.Is(err, ErrBadCredentials) {
					t.Fatalf("failure %d: %v, want ErrBadCredentials", i, err)
				}
			}
			_, err := f.Login(ctx, username, "sai mat khau 5")
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("failure 5: %v, want ErrLocked", err)
			}
			// 08:00 UTC + 15 minutes is 15:15 in Vietnam.
			if vi := errs.As(err).MessageVI; !strings.Contains(vi, "15:15 ngày 02/03/2026") {
				t.Errorf("lockout message %q does not say when it unlocks (15:15 ngày 02/03/2026)", vi)
			}
			kindOf(t, err, errs.PermissionDenied)

			// While locked, even the right password is refused, after the delay.
			f.clock.Advance(14 * time.Minute)
			n := len(f.Delays())
			if _, err := f.Login(ctx, username, pw); !errors.Is(err, ErrLocked) {
				t.Fatalf("right password while locked: %v, want ErrLocked", err)
			}
			if len(f.Delays()) != n+1 {
				t.Error("a locked attempt was not delayed")
			}

			f.clock.Advance(time.Minute)
			if username == "le.thi.hoa" {
				if _, err := f.Login(ctx, username, pw); err != nil {
					t.Fatalf("after 15 minutes: %v", err)
				}
				// The success reset the count: 4 more failures do not lock.
				for i := 1; i <= 4; i++ {
					if _, err := f.Login(ctx, username, "sai nua"); !errors.Is(err, ErrBadCredentials) {
						t.Fatalf("failure %d after success: %v, want ErrBadCredentials", i, err)
					}
				}
			} else {
				// A run-out lockout starts the count again.
				if _, err := f.Login(ctx, username, "sai nua"); !errors.Is(err, ErrBadCredentials) {
					t.Fatalf("after 15 minutes: %v, want ErrBadCredentials", err)
				}
			}
		})
	}
}

func TestUnlockAndResetLiftLockout(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := f.mustCreate(t, "le.thi.hoa", RoleAuthor)
	lock := func() {
		for range 5 {
			f.Login(ctx, "le.thi.hoa", "sai mat khau")
		}
		if _, err := f.Login(ctx, "le.thi.hoa", goodPassword+"le.thi.hoa"); !errors.Is(err, ErrLocked) {
			t.Fatalf("not locked: %v", err)
		}
	}
	lock()
	if err := f.Unlock(ctx, "quan.tri", acc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", goodPassword+"le.thi.hoa"); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	lock()
	if err := f.ResetPassword(ctx, "quan.tri", acc.ID, "Mật khẩu mới tinh 2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", "Mật khẩu mới tinh 2026"); err != nil {
		t.Fatalf("after ResetPassword: %v", err)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", goodPassword+"le.thi.hoa"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password after reset: %v, want ErrBadCredentials", err)
	}
	if err := f.ResetPassword(ctx, "quan.tri", acc.ID, "le.thi.hoa"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("reset to a weak password: %v, want ErrWeakPassword", err)
	}
}

func TestDisabledAccount(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := f.mustCreate(t, "le.thi.hoa", RoleAuthor)
	pw := goodPassword + "le.thi.hoa"
	_, token, err := f.StartSession(ctx, acc.ID, "test")
	if err != nil {
		t.Fatal(err)
	}

	if err := f.SetDisabled(ctx, "quan.tri", acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Get(ctx, acc.ID); !got.Disabled {
		t.Error("not disabled")
	}
	if _, err := f.SessionByToken(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("session of a disabled account: %v, want ErrNotFound", err)
	}
	var n int
	f.pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE account_id = $1`, acc.ID).Scan(&n)
	if n != 0 {
		t.Errorf("%d sessions left after disabling", n)
	}
	// The wrong password does not reveal that the account is disabled.
	if _, err := f.Login(ctx, "le.thi.hoa", "sai mat khau"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password of a disabled account: %v, want ErrBadCredentials", err)
	}
	_, err = f.Login(ctx, "le.thi.hoa", pw)
	if !errors.Is(err, ErrDisabled) {
		t.Fatalf("right password of a disabled account: %v, want ErrDisabled", err)
	}
	kindOf(t, err, errs.PermissionDenied)
	if _, _, err := f.StartSession(ctx, acc.ID, "test"); !errors.Is(err, ErrDisabled) {
		t.Errorf("StartSession of a disabled account: %v, want ErrDisabled", err)
	}

	if err := f.SetDisabled(ctx, "quan.tri", acc.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", pw); err != nil {
		t.Errorf("re-enabled: %v", err)
	}
	if err := f.SetDisabled(ctx, "quan.tri", acc.ID+100, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("disable unknown: %v, want ErrNotFound", err)
	}
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := f.mustCreate(t, "le.thi.hoa", RoleAuthor)
	old := goodPassword + "le.thi.hoa"
	const fresh = "Trăng rằm tháng tám 2026"
	_, token, _ := f.StartSession(ctx, acc.ID, "test")

	for _, tc := range []struct {
		name, old, new string
		is             error
	}{
		{"wrong old password", "khong phai mat khau", fresh, ErrWrongPassword},
		{"weak new password", old, "ngan", ErrWeakPassword},
		{"common new password", old, "matkhau123", ErrWeakPassword},
		{"new equals username", old, "Le.Thi.Hoa", ErrWeakPassword},
		{"new equals old", old, old, ErrWeakPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.ChangePassword(ctx, acc.ID, tc.old, tc.new)
			if !errors.Is(err, tc.is) {
				t.Fatalf("ChangePassword: %v, want %v", err, tc.is)
			}
			kindOf(t, err, errs.InvalidArgument)
			if _, err := f.Login(ctx, "le.thi.hoa", old); err != nil {
				t.Errorf("old password no longer works after a refused change: %v", err)
			}
		})
	}
	if err := f.ChangePassword(ctx, acc.ID, old, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", old); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password after change: %v, want ErrBadCredentials", err)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", fresh); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := f.SessionByToken(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("session survived a password change: %v", err)
	}
}
