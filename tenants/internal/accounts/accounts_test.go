package accounts

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	*Store
	clock *fakeClock

	mu     sync.Mutex
	delays []time.Duration
}

func (f *fixture) Delays() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.delays...)
}

// newFixture returns a store over a fresh database, with a fake clock and a
// failure delay that records instead of sleeping.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, _ := storetest.New(t)
	f := &fixture{
		Store: New(st.Pool(), zerolog.Nop()),
		clock: &fakeClock{now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
	}
	f.SetClock(f.clock.Now)
	f.SetFailureDelay(func(_ context.Context, d time.Duration) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.delays = append(f.delays, d)
	})
	return f
}

const goodPassword = "Ngựa ô chạy trên đồi 2026"

func (f *fixture) mustCreate(t *testing.T, username string, roles ...Role) Account {
	t.Helper()
	acc, err := f.Create(context.Background(), "admin", NewAccount{
		Username: username, DisplayName: "Người dùng " + username, Password: goodPassword + username, Roles: roles,
	})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return acc
}

func kindOf(t *testing.T, err error, want errs.Kind) {
	t.Helper()
	e := errs.As(err)
	if e == nil {
		t.Fatalf("error %v is not an *errs.Error", err)
	}
	if e.Kind != want {
		t.Errorf("kind of %v = %v, want %v", err, e.Kind, want)
	}
	if e.MessageVI == "" {
		t.Errorf("error %v has no Vietnamese message", err)
	}
}

func TestCreateAndGet(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)

	acc, err := f.Create(ctx, "admin", NewAccount{
		Username:    "  Nguyen.Van-A_1 ",
		DisplayName: norm.NFD.String(" Nguyễn Văn Ánh "),
		Password:    goodPassword,
		Roles:       []Role{RoleApprover, RoleAuthor, RoleAuthor},
	})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Username != "nguyen.van-a_1" {
		t.Errorf("username = %q, want it lower-cased and trimmed", acc.Username)
	}
	if acc.DisplayName != "Nguyễn Văn Ánh" || !norm.NFC.IsNormalString(acc.DisplayName) {
		t.Errorf("display name = %q, want trimmed NFC", acc.DisplayName)
	}
	if got, want := strings.Join(rolesStrings(acc.Roles), ","), "author,approver"; got != want {
		t.Errorf("roles = %s, want %s", got, want)
	}
	if !acc.Has(RoleApprover) || acc.Has(RoleAdmin) {
		t.Errorf("Has: roles %v", acc.Roles)
	}
	if acc.LastLoginAt != nil || acc.Disabled || !acc.CreatedAt.Equal(f.clock.Now()) {
		t.Errorf("new account = %+v", acc)
	}
	got, err := f.Get(ctx, acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != acc.Username || got.DisplayName != acc.DisplayName || len(got.Roles) != 2 {
		t.Errorf("Get = %+v, want %+v", got, acc)
	}
	if _, err := f.Get(ctx, acc.ID+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
	}
	f.mustCreate(t, "b.tran", RoleEditor)
	list, err := f.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Username != "b.tran" || list[1].Username != "nguyen.van-a_1" {
		t.Errorf("List = %+v, want b.tran, nguyen.van-a_1", list)
	}
}

func rolesStrings(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func TestCreateRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.mustCreate(t, "tran.thi.b", RoleAuthor)

	for _, tc := range []struct {
		name string
		in   NewAccount
		kind errs.Kind
		is   error
		vi   string
	}{
		{"short username", NewAccount{Username: "ab", DisplayName: "A", Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, nil, "3 đến 64"},
		{"long username", NewAccount{Username: strings.Repeat("a", 65), DisplayName: "A", Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, nil, "3 đến 64"},
		{"username with diacritics", NewAccount{Username: "nguyễn", DisplayName: "A", Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, nil, "a-z"},
		{"username with space", NewAccount{Username: "tran thi", DisplayName: "A", Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, nil, "a-z"},
		{"username taken, other case", NewAccount{Username: "Tran.Thi.B", DisplayName: "A", Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.Conflict, ErrUsernameTaken, "đã được sử dụng"},
		{"empty display name", NewAccount{Username: "abc", DisplayName: "  ", Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, nil, "Tên hiển thị"},
		{"display name of 201", NewAccount{Username: "abc", DisplayName: strings.Repeat("ệ", 201), Password: goodPassword, Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, nil, "Tên hiển thị"},
		{"no role", NewAccount{Username: "abc", DisplayName: "A", Password: goodPassword},
			errs.InvalidArgument, nil, "vai trò"},
		{"unknown role", NewAccount{Username: "abc", DisplayName: "A", Password: goodPassword, Roles: []Role{"root"}},
			errs.InvalidArgument, nil, "Vai trò không hợp lệ"},
		{"weak password", NewAccount{Username: "abc", DisplayName: "A", Password: "short", Roles: []Role{RoleAuthor}},
			errs.InvalidArgument, ErrWeakPassword, "ít nhất 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Create(ctx, "admin", tc.in)
			if err == nil {
				t.Fatal("created, want refused")
			}
			kindOf(t, err, tc.kind)
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if vi := errs.As(err).MessageVI; !strings.Contains(vi, tc.vi) {
				t.Errorf("Vietnamese message %q does not contain %q", vi, tc.vi)
			}
		})
	}
	list, _ := f.List(ctx)
	if len(list) != 1 {
		t.Errorf("%d accounts after refusals, want 1", len(list))
	}
}

func TestSetRoles(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	admin := f.mustCreate(t, "quan.tri", RoleAdmin)
	a := f.mustCreate(t, "phong.vien", RoleAuthor)

	if err := f.SetRoles(ctx, "quan.tri", a.ID, []Role{RoleEditor, RoleApprover}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.Get(ctx, a.ID)
	if got.Has(RoleAuthor) || !got.Has(RoleEditor) || !got.Has(RoleApprover) {
		t.Errorf("roles after SetRoles = %v, want editor, approver", got.Roles)
	}

	for _, tc := range []struct {
		name  string
		id    int64
		roles []Role
		is    error
		kind  errs.Kind
	}{
		{"unknown account", a.ID + 100, []Role{RoleAuthor}, ErrNotFound, errs.NotFound},
		{"no roles", a.ID, nil, nil, errs.InvalidArgument},
		{"bad role", a.ID, []Role{"superuser"}, nil, errs.InvalidArgument},
		{"last admin loses admin", admin.ID, []Role{RoleEditor}, ErrLastAdmin, errs.Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.SetRoles(ctx, "quan.tri", tc.id, tc.roles)
			if err == nil {
				t.Fatal("no error")
			}
			kindOf(t, err, tc.kind)
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}

	// With a second administrator, the first may step down.
	if err := f.SetRoles(ctx, "quan.tri", a.ID, []Role{RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetRoles(ctx, "quan.tri", admin.ID, []Role{RoleEditor}); err != nil {
		t.Errorf("step down with another admin: %v", err)
	}
	if err := f.SetDisabled(ctx, "quan.tri", a.ID, true); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("disable the last admin: %v, want ErrLastAdmin", err)
	}
}

func TestBootstrapOnlyOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.mustCreate(t, "phong.vien", RoleAuthor) // other accounts do not count

	acc, err := Bootstrap(ctx, f.Store, "Quan.Tri", "Quản trị viên", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Username != "quan.tri" || len(acc.Roles) != 1 || !acc.Has(RoleAdmin) {
		t.Errorf("bootstrapped %+v, want quan.tri with admin only", acc)
	}
	_, err = Bootstrap(ctx, f.Store, "quan.tri.2", "Quản trị viên 2", goodPassword)
	if !errors.Is(err, ErrBootstrapDone) {
		t.Fatalf("second bootstrap: %v, want ErrBootstrapDone", err)
	}
	kindOf(t, err, errs.Conflict)
	if _, err := f.Login(ctx, "quan.tri", goodPassword); err != nil {
		t.Errorf("bootstrapped admin cannot log in: %v", err)
	}
}
