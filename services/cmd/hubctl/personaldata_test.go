package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/personaldata"
)

// hubctl personal-data rewrap moves the data keys to the aggregator's
// current key, through the admin API (the keys stay on the aggregator), as
// an administrator, which the audit log records; reshred destroys again
// what a shred log names.
func TestPersonalData(t *testing.T) {
	ctx := context.Background()
	h, ctl := siteEnv(t, "vanhanh")
	pool := h.store.Pool()
	for _, id := range []string{"sub-1", "sub-2"} {
		if _, err := personaldata.NewStore(pool, h.oldKeys).Create(ctx, id, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, e := ctl("personal-data", "rewrap"); code != 5 || !strings.Contains(e, "administrator") {
		t.Errorf("an operator rewraps: %d %q, want 5 naming the administrator role", code, e)
	}
	h.login(t, "quantri")
	code, out, e := ctl("personal-data", "rewrap")
	if code != 0 || !strings.Contains(out, "2 data keys rewrapped under k2") {
		t.Fatalf("rewrap: %d %q %q", code, out, e)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_keys WHERE kek_id = 'k2'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("keys under k2: got %d (%v), want 2", n, err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'personal_data.rewrap'
		AND actor = 'ops:quantri' AND detail = '{"kek": "k2", "moved": 2}'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries: got %d (%v), want 1", n, err)
	}

	log := filepath.Join(t.TempDir(), "shred.log")
	if err := os.WriteFile(log, []byte("2026-11-30T10:00:00Z sub-1\n2026-11-30T10:01:00Z gone-already\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, e = ctl("personal-data", "reshred", "--log", log)
	if code != 0 || !strings.Contains(out, "1 data keys destroyed again (2 in the shred log)") {
		t.Fatalf("reshred: %d %q %q", code, out, e)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_keys`).Scan(&n); err != nil || n != 1 {
		t.Errorf("keys left: got %d (%v), want 1 (sub-2)", n, err)
	}
	if got, want := auditOf(t, pool, "^personal_data"), "personal_data.rewrap ops:quantri personal_data.reshred ops:quantri"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}
