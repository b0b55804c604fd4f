package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/rs/zerolog"
)

// stdout runs fn and returns what it printed.
func stdout(t *testing.T, fn func() error) string {
	t.Helper()
	r, w, _ := os.Pipe()
	old := os.Stdout
	os.Stdout = w
	err := fn()
	w.Close()
	os.Stdout = old
	var buf bytes.Buffer
	io.Copy(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestDemoAccountsIdempotent(t *testing.T) {
	st, _ := storetest.New(t)
	as := accounts.New(st.Pool(), zerolog.Nop())
	ctx := context.Background()
	out := stdout(t, func() error { return demoAccounts(ctx, as, "so-du-lich", "demo-mat-khau-2026") })
	if strings.Count(out, "(created)") != 4 {
		t.Errorf("first run:\n%s", out)
	}
	out = stdout(t, func() error { return demoAccounts(ctx, as, "so-du-lich", "demo-mat-khau-2026") })
	if strings.Count(out, "(exists)") != 4 || !strings.Contains(out, "so-du-lich: demo approver") {
		t.Errorf("second run:\n%s", out)
	}
	for _, d := range demoBoard {
		acc, err := as.Login(ctx, d.username, "demo-mat-khau-2026")
		if err != nil || !acc.Has(d.role) {
			t.Errorf("%s: %v, roles %v", d.username, err, acc.Roles)
		}
	}
}

func TestCookiePrefix(t *testing.T) {
	if got := cookiePrefix("so-du-lich"); got != "ph_so-du-lich" {
		t.Errorf("got %q", got)
	}
	if got := cookiePrefix("a.b c"); got != "ph_a_b_c" {
		t.Errorf("got %q", got)
	}
}

func TestParseRoles(t *testing.T) {
	got, err := parseRoles("author, editor")
	if err != nil || len(got) != 2 || got[1] != accounts.RoleEditor {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := parseRoles("author,boss"); err == nil {
		t.Error("unknown role accepted")
	}
}

// Bad flags are refused before the database is opened: with no
// DATABASE_URL, the error must be about the flag, not the database.
func TestBadFlagsRefusedBeforeTheDatabase(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"users", "create", "--username", "an", "--name", "An", "--password-file", "pw", "--roles", "boss"}, `unknown role "boss"`},
		{[]string{"users", "create", "--username", "an", "--name", "An", "--password-file", "pw"}, "--roles needs at least one role"},
		{[]string{"users", "bootstrap", "--username", "an", "--name", "An", "--password-file", "pw", "--roles", "author"}, "leave --roles out"},
		{[]string{"users", "create", "extra", "--roles", "author"}, `unexpected argument "extra"`},
		{[]string{"publish", "item.json", "--author", "A", "--approver", "B"}, `unexpected argument "item.json"`},
		{[]string{"seed", "--demo", "so-du-lich", "more"}, `unexpected argument "more"`},
	} {
		var err error
		switch tc.args[0] {
		case "users":
			err = users(tc.args[1:])
		case "publish":
			err = publishOne(tc.args[1:])
		case "seed":
			err = seed(tc.args[1:])
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

func TestServeRefusesAnUploadLimitAboveTheHubs(t *testing.T) {
	t.Setenv("SUBPORTAL_TENANT", "so-du-lich")
	t.Setenv("DATABASE_URL", "postgres://unused")
	t.Setenv("SUBPORTAL_HUB_INSECURE", "true")
	for _, v := range []string{"0", "-1", "33"} {
		t.Setenv("SUBPORTAL_UPLOAD_LIMIT_MIB", v)
		if err := serve(nil); err == nil || !strings.Contains(err.Error(), "SUBPORTAL_UPLOAD_LIMIT_MIB must be between 1 and 32") {
			t.Errorf("limit %s: error %v", v, err)
		}
	}
}

// api-tokens list shows times in GMT+7, as the back office does, and says
// so, whatever the server's zone (it printed UTC without a zone: a token
// used at 18:48 in the back office read "last used … 11:48:24").
func TestAPITokensListedInGMT7(t *testing.T) {
	used := time.Date(2026, 12, 2, 11, 48, 24, 0, time.UTC)
	ends := time.Date(2027, 1, 1, 20, 0, 0, 0, time.UTC) // 2 January in GMT+7
	var b strings.Builder
	printAPITokens(&b, []accounts.APIToken{{ID: 1, Name: "nhập từ cổng cũ", ExpiresAt: ends, LastUsedAt: &used}}, used)
	if want := "1\tnhập từ cổng cũ\tactive\tuntil 2027-01-02\tlast used 2026-12-02 18:48 GMT+7\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
