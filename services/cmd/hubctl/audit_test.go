package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// TestHubctlAudit: audit head, list and verify, then tampering as the
// database owner: an altered entry is named; re-hashing the chain after it
// passes verify alone but not verify --head with the head exported before.
func TestHubctlAudit(t *testing.T) {
	ctx := context.Background()
	// The account is entry 1; the session is made here, not by hubctl
	// login, so no login entry moves the numbers.
	h := newHub(t, map[string]opsaccounts.Role{"kiemtoan": opsaccounts.Viewer})
	url := h.url
	acc, err := h.accounts.ByLogin(ctx, "kiemtoan")
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := h.accounts.StartSession(ctx, acc, opsaccounts.Token)
	if err != nil {
		t.Fatal(err)
	}
	h.env["HUBCTL_TOKEN"] = tok
	delete(h.env, "DATABASE_URL") // every audit command goes through the admin API
	ctl := func(args ...string) (int, string, string) { return h.ctl("", args...) }
	for _, step := range []func() error{
		func() error {
			return h.store.AddTenant(ctx, "ops", hubstore.Tenant{ID: "so-gd", Kind: "department", NameVI: "Sở Giáo dục"})
		},
		func() error {
			return h.store.AddTenant(ctx, "alice", hubstore.Tenant{ID: "so-yt", Kind: "department", NameVI: "Sở Y tế"})
		},
		func() error { return h.store.SetTenantStatus(ctx, "ops", "so-gd", hubstore.StatusSuspended) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}

	code, out, e := ctl("audit", "head")
	exported, err := hubstore.ParseAuditHead(out)
	if code != 0 || err != nil || exported.Seq != 4 {
		t.Fatalf("audit head: %d %q %q (%v), want seq 4", code, out, e, err)
	}
	// Through the admin API, as the viewer: the read is entry 5, after the
	// head it exported.
	var head struct {
		Seq  int64
		Hash string
		Head string
	}
	if code, out, _ := ctl("audit", "head", "--json"); code != 0 || json.Unmarshal([]byte(out), &head) != nil ||
		head.Seq != 5 || head.Head != fmt.Sprintf("%d:%s", head.Seq, head.Hash) || len(head.Hash) != 64 {
		t.Errorf("audit head --json: %d %q, want entry 5", code, out)
	}
	if es, err := h.store.ListAudit(ctx, hubstore.AuditFilter{Limit: 2}); err != nil || len(es) != 2 ||
		es[1].Actor != "ops:kiemtoan" || es[1].Action != "ops.call" || !strings.Contains(string(es[1].Detail), "AuditHead") {
		t.Errorf("audit head recorded under the account: %+v %v", es, err)
	}

	if code, out, _ := ctl("audit", "verify"); code != 0 || !strings.Contains(out, "audit log intact: 6 entries, head 6:") {
		t.Errorf("audit verify: %d %q", code, out)
	}
	if code, out, _ := ctl("audit", "verify", "--head", "2026-11-30T02:00:00Z "+exported.String()); code != 0 || !strings.Contains(out, "extends the exported head") {
		t.Errorf("audit verify --head: %d %q", code, out)
	}
	if code, _, e := ctl("audit", "verify", "--head", "3"); code != 2 || !strings.Contains(e, "SEQ:HASH") {
		t.Errorf("audit verify --head 3: %d %q, want 2 and the format", code, e)
	}

	if code, out, _ := ctl("audit", "list", "--by", "alice"); code != 0 || !strings.Contains(out, "alice") || strings.Contains(out, "so-gd") ||
		!strings.HasPrefix(out, "SEQ") {
		t.Errorf("audit list --by alice: %d %q", code, out)
	}
	var entries []struct {
		Seq    int64
		Actor  string
		Action string
		Tenant *string
		Detail map[string]any
		Hash   string
	}
	if code, out, _ := ctl("audit", "list", "--tenant", "so-gd", "--json"); code != 0 || json.Unmarshal([]byte(out), &entries) != nil ||
		len(entries) != 2 || entries[0].Action != "tenant.status" || entries[0].Detail["status"] != "suspended" || len(entries[0].Hash) != 64 {
		t.Errorf("audit list --tenant so-gd --json: %d %q", code, out)
	}
	if code, out, _ := ctl("audit", "list", "--action", "credential.", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("audit list of no entries --json: %d %q, want []", code, out)
	}

	// As the database owner: alter entry 2 with the triggers off.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	owner := func(q string, args ...any) {
		t.Helper()
		for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`, `ALTER TABLE audit_head DISABLE TRIGGER USER`} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, q := range []string{`ALTER TABLE audit_log ENABLE TRIGGER USER`, `ALTER TABLE audit_head ENABLE TRIGGER USER`} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	owner(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`)
	code, out, _ = ctl("audit", "verify")
	t.Logf("hubctl audit verify after altering entry 2:\n%s", out)
	if code != 3 || !strings.Contains(out, "BROKEN at entry 2") ||
		!strings.Contains(out, "was altered") || !strings.Contains(out, "mallory") || !strings.Contains(out, "entries 1..1 hold") {
		t.Errorf("audit verify after altering entry 2: %d %q", code, out)
	}
	var v struct {
		Intact bool
		Broken struct {
			Seq     int64
			Problem string
		}
	}
	if code, out, _ := ctl("audit", "verify", "--json"); code != 3 || json.Unmarshal([]byte(out), &v) != nil || v.Intact ||
		v.Broken.Seq != 2 || v.Broken.Problem != hubstore.AuditAltered {
		t.Errorf("audit verify --json after altering entry 2: %d %q", code, out)
	}

	// Re-hash the whole chain, as an owner covering their tracks would.
	all, err := h.store.ListAudit(ctx, hubstore.AuditFilter{Limit: hubstore.MaxAuditList})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(all)
	prev := make([]byte, 32)
	for _, e := range all {
		e.PrevHash = prev
		prev = e.ComputedHash()
		owner(`UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE seq = $1`, e.Seq, e.PrevHash, prev)
	}
	owner(`UPDATE audit_head SET hash = $1`, prev)
	if code, out, _ := ctl("audit", "verify"); code != 0 {
		t.Errorf("audit verify of the re-hashed chain: %d %q, want 0 (it holds on its own)", code, out)
	}
	if code, out, _ := ctl("audit", "verify", "--head", exported.String()); code != 3 || !strings.Contains(out, "BROKEN at entry 4") ||
		!strings.Contains(out, "the chain was rewritten") {
		t.Errorf("audit verify --head of the re-hashed chain: %d %q, want 3", code, out)
	}
}
