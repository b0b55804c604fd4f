package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/opsaccounts"
)

// TestOpsAccountsAdd: the first administrator is made over the database
// (ops-accounts bootstrap, signed with $USER), which then refuses while an
// administrator exists, unless --recover; every other account is added
// through the admin API by an administrator and recorded under them.
func TestOpsAccountsAdd(t *testing.T) {
	ctx := context.Background()
	h := newHub(t, nil)
	h.env["USER"] = "root"
	const pw = "Đèo Cả mây trắng 2026"
	if code, out, e := h.ctl(pw+"\n", "ops-accounts", "bootstrap", "--login", "Nguyen.Van.A", "--name", "Nguyễn Văn A"); code != 0 || !strings.Contains(out, "nguyen.van.a") {
		t.Fatalf("ops-accounts bootstrap: %d %q %q", code, out, e)
	}
	a, err := h.accounts.Authenticate(ctx, "nguyen.van.a", pw)
	if err != nil {
		t.Fatalf("log in as the administrator hubctl made: %v", err)
	}
	if a.Role != opsaccounts.Administrator || a.DisplayName != "Nguyễn Văn A" {
		t.Errorf("account %+v", a)
	}
	if code, _, e := h.ctl(pw+"\n", "ops-accounts", "bootstrap", "--login", "tran.van.d"); code != 2 || !strings.Contains(e, "nguyen.van.a") ||
		!strings.Contains(e, "hubctl ops-accounts add") {
		t.Errorf("a second bootstrap: %d %q, want 2 naming the administrator and ops-accounts add", code, e)
	}
	if code, _, e := h.ctl(pw+"\n", "ops-accounts", "bootstrap", "--login", "tran.van.d", "--recover"); code != 0 {
		t.Errorf("bootstrap --recover: %d %q", code, e)
	}

	// The others, through the admin API, as the administrator.
	if code, _, e := h.ctl(pw+"\n", "ops-accounts", "add", "--login", "b.b", "--role", "viewer"); code != exitLogin {
		t.Errorf("add before logging in: %d %q, want %d", code, e, exitLogin)
	}
	delete(h.env, "DATABASE_URL")
	if code, out, e := h.ctl(pw+"\n", "login", "--login", "nguyen.van.a"); code != 0 {
		t.Fatalf("login: %d %q %q", code, out, e)
	}
	if code, out, e := h.ctl(pw+"\n", "ops-accounts", "add", "--login", "Tran.Thi.B", "--role", "operator", "--name", "Trần Thị B"); code != 0 ||
		!strings.Contains(out, "tran.thi.b") {
		t.Fatalf("ops-accounts add: %d %q %q", code, out, e)
	}
	var added struct {
		Login string `json:"login"`
		Role  string `json:"role"`
	}
	if code, out, e := h.ctl(pw+"\n", "ops-accounts", "add", "--login", "le.van.c", "--role", "viewer", "--json"); code != 0 ||
		json.Unmarshal([]byte(out), &added) != nil || added.Login != "le.van.c" || added.Role != "viewer" {
		t.Errorf("ops-accounts add --json: %d %q %q", code, out, e)
	}
	for _, tc := range []struct {
		name, in string
		args     []string
		code     int
		stderr   string
	}{
		{"taken", pw, []string{"--login", "tran.thi.b", "--role", "viewer"}, 1, "Đã tồn tại"},
		{"weak password", "1234567890\n", []string{"--login", "b.b", "--role", "viewer"}, 2, "quá phổ biến"},
		{"no password", "", []string{"--login", "b.b", "--role", "viewer"}, 2, "standard input"},
		{"unknown role", pw, []string{"--login", "b.b", "--role", "root"}, 2, "administrator"},
		{"no role", pw, []string{"--login", "b.b"}, 2, "--role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := h.ctl(tc.in, append([]string{"ops-accounts", "add"}, tc.args...)...)
			if code != tc.code || !strings.Contains(e, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, e, tc.code, tc.stderr)
			}
		})
	}
	if _, err := h.accounts.Authenticate(ctx, "tran.thi.b", pw); err != nil {
		t.Errorf("log in as the account added through the API: %v", err)
	}
	rows, err := h.store.Pool().Query(ctx, `SELECT actor || ' ' || subject FROM audit_log WHERE action = 'ops.account_add' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"root ops:nguyen.van.a", "root ops:tran.van.d", "ops:nguyen.van.a ops:tran.thi.b", "ops:nguyen.van.a ops:le.van.c"}; err != nil ||
		strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ops.account_add entries %q (%v), want %q", got, err, want)
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
