package opsaccounts

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) {
	failureDelay = 0
	testenv.Main(m)
}

const goodPassword = "Ngựa ô chạy trên đồi 2026"

type fixture struct {
	*Store
	pool  *pgxpool.Pool
	clock time.Time
	mu    sync.Mutex
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testenv.Postgres(t, "hub", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	f := &fixture{Store: New(pool), pool: pool, clock: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	f.SetClock(func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.clock })
	return f
}

func (f *fixture) advance(d time.Duration) { f.mu.Lock(); f.clock = f.clock.Add(d); f.mu.Unlock() }

func (f *fixture) create(t *testing.T, login string, role Role) Account {
	t.Helper()
	a, err := f.Create(context.Background(), NewAccount{Login: login, DisplayName: "Nguyễn Văn A", Role: role, Password: goodPassword}, "hubctl:root")
	if err != nil {
		t.Fatalf("create %s: %v", login, err)
	}
	return a
}

// audits counts the audit entries of action about the account login.
func (f *fixture) audits(t *testing.T, action, login string) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND subject = $2`, action, Actor(login)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAndAuthenticate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.create(t, " Tran.Thi.B ", Operator)
	if a.Login != "tran.thi.b" || a.Role != Operator || a.Disabled {
		t.Fatalf("created %+v", a)
	}
	if got := f.audits(t, "ops.account_add", "tran.thi.b"); got != 1 {
		t.Errorf("ops.account_add entries = %d, want 1", got)
	}
	got, err := f.Authenticate(ctx, "TRAN.THI.B", goodPassword)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	if got.ID != a.ID || got.LastLoginAt == nil {
		t.Errorf("authenticated %+v", got)
	}
	if _, err := f.Authenticate(ctx, "tran.thi.b", goodPassword+"x"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password: %v, want ErrBadCredentials", err)
	}
	if _, err := f.Authenticate(ctx, "nobody", goodPassword); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("unknown login: %v, want ErrBadCredentials", err)
	}
	if n := f.audits(t, "ops.login", "tran.thi.b"); n != 1 {
		t.Errorf("ops.login entries = %d, want 1", n)
	}
	if n := f.audits(t, "ops.login_failed", "tran.thi.b"); n != 1 {
		t.Errorf("ops.login_failed entries = %d, want 1", n)
	}
	var hash string
	if err := f.pool.QueryRow(ctx, `SELECT password_hash FROM ops_accounts WHERE id = $1`, a.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash == goodPassword || len(hash) < 40 || hash[:10] != "$argon2id$" {
		t.Errorf("stored hash %q is not an argon2id hash", hash)
	}
}

func TestCreateRefuses(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.create(t, "taken", Viewer)
	for _, tc := range []struct {
		name string
		in   NewAccount
		want error
	}{
		{"login with a space", NewAccount{Login: "a b", Role: Viewer, Password: goodPassword}, ErrInvalid},
		{"one-letter login", NewAccount{Login: "a", Role: Viewer, Password: goodPassword}, ErrInvalid},
		{"unknown role", NewAccount{Login: "ok", Role: "root", Password: goodPassword}, ErrInvalid},
		{"short password", NewAccount{Login: "ok", Role: Viewer, Password: "ngắn"}, ErrWeakPassword},
		{"password is the login", NewAccount{Login: "nguyen.van.a", Role: Viewer, Password: "Nguyen.Van.A"}, ErrWeakPassword},
		{"login taken", NewAccount{Login: "TAKEN", Role: Viewer, Password: goodPassword}, ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.Create(ctx, tc.in, "hubctl:root"); !errors.Is(err, tc.want) {
				t.Errorf("Create: %v, want %v", err, tc.want)
			}
		})
	}
	var w *Error
	_, err := f.Create(ctx, NewAccount{Login: "ok", Role: Viewer, Password: "ngắn"}, "x")
	if !errors.As(err, &w) || w.Vietnamese != "Mật khẩu phải có ít nhất 10 ký tự." {
		t.Errorf("weak password error %#v lacks the policy's Vietnamese reason", err)
	}
}

func TestLockout(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.create(t, "le.van.c", Administrator)
	for i := 1; i < MaxFailures; i++ {
		if _, err := f.Authenticate(ctx, "le.van.c", "sai mật khẩu rồi"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: %v, want ErrBadCredentials", i, err)
		}
	}
	_, err := f.Authenticate(ctx, "le.van.c", "sai mật khẩu rồi")
	var locked *Error
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) {
		t.Fatalf("failure %d: %v, want ErrLocked", MaxFailures, err)
	}
	if want := f.now().Add(LockDuration); !locked.Until.Equal(want) {
		t.Errorf("locked until %v, want %v", locked.Until, want)
	}
	if _, err := f.Authenticate(ctx, "le.van.c", goodPassword); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password while locked: %v, want ErrLocked", err)
	}
	if n := f.audits(t, "ops.login_refused_locked", "le.van.c"); n != 1 {
		t.Errorf("ops.login_refused_locked entries = %d, want 1", n)
	}
	f.advance(LockDuration)
	if _, err := f.Authenticate(ctx, "le.van.c", goodPassword); err != nil {
		t.Fatalf("right password after the lockout: %v", err)
	}
	// A success starts the count again: MaxFailures-1 failures do not lock.
	for range MaxFailures - 1 {
		f.Authenticate(ctx, "le.van.c", "sai mật khẩu rồi")
	}
	if _, err := f.Authenticate(ctx, "le.van.c", goodPassword); err != nil {
		t.Fatalf("after %d failures: %v", MaxFailures-1, err)
	}
}

// TestLockoutHoldsInParallel: attempts arriving at once are counted before
// their passwords are checked, so no more than MaxFailures passwords are
// ever tried against a locked account.
func TestLockoutHoldsInParallel(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.create(t, "pham.d", Operator)
	var wg sync.WaitGroup
	for range 3 * MaxFailures {
		wg.Go(func() { f.Authenticate(ctx, "pham.d", "sai mật khẩu rồi") })
	}
	wg.Wait()
	if n := f.audits(t, "ops.login_failed", "pham.d"); n > MaxFailures {
		t.Errorf("%d passwords were checked, want at most %d", n, MaxFailures)
	}
	if _, err := f.Authenticate(ctx, "pham.d", goodPassword); !errors.Is(err, ErrLocked) {
		t.Errorf("right password after the flood: %v, want ErrLocked", err)
	}
}

func TestDisabled(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.create(t, "vo.e", Viewer)
	_, tok, err := f.StartSession(ctx, a, Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetDisabled(ctx, a.ID, true, "ops:admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.SessionByToken(ctx, tok, Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("token of a disabled account: %v, want ErrNotFound", err)
	}
	if _, err := f.Authenticate(ctx, "vo.e", goodPassword+"x"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password of a disabled account: %v, want ErrBadCredentials", err)
	}
	if _, err := f.Authenticate(ctx, "vo.e", goodPassword); !errors.Is(err, ErrDisabled) {
		t.Errorf("right password of a disabled account: %v, want ErrDisabled", err)
	}
	if _, _, err := f.StartSession(ctx, a, Console); !errors.Is(err, ErrDisabled) {
		t.Errorf("session for a disabled account: %v, want ErrDisabled", err)
	}
	if err := f.SetDisabled(ctx, a.ID, false, "ops:admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Authenticate(ctx, "vo.e", goodPassword); err != nil {
		t.Errorf("enabled again: %v", err)
	}
	if _, err := f.SessionByToken(ctx, tok, Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("a token revoked by disabling works again after enabling: %v", err)
	}
}

func TestSetPasswordAndRole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.create(t, "do.g", Viewer)
	if err := f.SetRole(ctx, a.ID, Operator, "ops:admin"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetRole(ctx, a.ID, "root", "ops:admin"); !errors.Is(err, ErrInvalid) {
		t.Errorf("role root: %v, want ErrInvalid", err)
	}
	if err := f.SetPassword(ctx, a.ID, "1234567890", "ops:admin"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("weak new password: %v, want ErrWeakPassword", err)
	}
	const next = "Biển Nha Trang xanh 2027"
	if err := f.SetPassword(ctx, a.ID, next, "ops:admin"); err != nil {
		t.Fatal(err)
	}
	got, err := f.Authenticate(ctx, "do.g", next)
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != Operator {
		t.Errorf("role = %s, want operator", got.Role)
	}
	if _, err := f.Authenticate(ctx, "do.g", goodPassword); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password: %v, want ErrBadCredentials", err)
	}
	if err := f.SetRole(ctx, 999999, Viewer, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown account: %v, want ErrNotFound", err)
	}
}
