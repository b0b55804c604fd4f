package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestOpsAccountsAdd(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hubctl", hubschema.Migrate)
	env := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return url
		case "USER":
			return "root"
		}
		return ""
	}
	ctl := func(in string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		stdin = strings.NewReader(in)
		code := run(ctx, args, env, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	const pw = "Đèo Cả mây trắng 2026"
	if code, out, e := ctl(pw+"\n", "ops-accounts", "add", "--login", "Nguyen.Van.A", "--role", "administrator", "--name", "Nguyễn Văn A"); code != 0 || !strings.Contains(out, "nguyen.van.a") {
		t.Fatalf("ops-accounts add: %d %q %q", code, out, e)
	}
	for _, tc := range []struct {
		name, in string
		args     []string
		code     int
		stderr   string
	}{
		{"taken", pw, []string{"--login", "nguyen.van.a", "--role", "viewer"}, 1, "đã tồn tại"},
		{"weak password", "1234567890\n", []string{"--login", "b.b", "--role", "viewer"}, 1, "quá phổ biến"},
		{"no password", "", []string{"--login", "b.b", "--role", "viewer"}, 2, "standard input"},
		{"unknown role", pw, []string{"--login", "b.b", "--role", "root"}, 2, "administrator"},
		{"no role", pw, []string{"--login", "b.b"}, 2, "--role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := ctl(tc.in, append([]string{"ops-accounts", "add"}, tc.args...)...)
			if code != tc.code || !strings.Contains(e, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, e, tc.code, tc.stderr)
			}
		})
	}

	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	a, err := opsaccounts.New(pool).Authenticate(ctx, "nguyen.van.a", pw)
	if err != nil {
		t.Fatalf("log in as the account hubctl added: %v", err)
	}
	if a.Role != opsaccounts.Administrator || a.DisplayName != "Nguyễn Văn A" {
		t.Errorf("account %+v", a)
	}
	var actor string
	if err := pool.QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'ops.account_add'`).Scan(&actor); err != nil || actor != "root" {
		t.Errorf("ops.account_add recorded by %q (%v), want root", actor, err)
	}
}

func TestOpsAccountsOverTheAPI(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"quantri": opsaccounts.Administrator, "nhanvien": opsaccounts.Operator})
	h.login(t, "quantri")
	if code, out, e := h.ctl("", "ops-accounts", "list"); code != 0 || !strings.Contains(out, "nhanvien") || !strings.Contains(out, "operator") {
		t.Fatalf("ops-accounts list: %d %q %q", code, out, e)
	}
	if code, _, e := h.ctl("", "ops-accounts", "update", "--login", "nhanvien"); code != 2 || !strings.Contains(e, "nothing to change") {
		t.Errorf("update without a change: %d %q", code, e)
	}
	if code, out, e := h.ctl("", "ops-accounts", "update", "--login", "nhanvien", "--role", "viewer", "--disable"); code != 0 || !strings.Contains(out, "viewer") {
		t.Fatalf("update: %d %q %q", code, out, e)
	}
	var listed struct {
		Accounts []struct {
			Login    string `json:"login"`
			Disabled bool   `json:"disabled"`
		} `json:"accounts"`
	}
	if code, out, _ := h.ctl("", "ops-accounts", "list", "--json"); code != 0 || json.Unmarshal([]byte(out), &listed) != nil ||
		len(listed.Accounts) != 2 || listed.Accounts[0].Login != "nhanvien" || !listed.Accounts[0].Disabled {
		t.Errorf("list --json after disabling: %d %q", code, out)
	}
	if code, _, e := h.ctl("", "ops-accounts", "update", "--login", "quantri", "--disable"); code != 1 || !strings.Contains(e, "chính mình") {
		t.Errorf("disabling oneself: %d %q", code, e)
	}
	const next = "Hòn Tre sóng êm 2027"
	if code, _, e := h.ctl(next+"\n", "ops-accounts", "update", "--login", "nhanvien", "--enable", "--password"); code != 0 {
		t.Fatalf("enable with a new password: %d %q", code, e)
	}
	if _, err := h.accounts.Authenticate(context.Background(), "nhanvien", next); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}
