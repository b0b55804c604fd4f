package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

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
