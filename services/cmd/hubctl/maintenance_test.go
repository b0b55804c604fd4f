package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/stafftext"
)

// siteEnv is a hub with a viewer (xem), an operator (vanhanh) and an
// administrator (quantri), and hubctl logged in as login, without
// DATABASE_URL: the site's commands talk to the admin API only.
func siteEnv(t *testing.T, login string) (*hub, func(args ...string) (int, string, string)) {
	t.Helper()
	h := newHub(t, map[string]opsaccounts.Role{"xem": opsaccounts.Viewer, "vanhanh": opsaccounts.Operator, "quantri": opsaccounts.Administrator})
	h.login(t, login)
	delete(h.env, "DATABASE_URL")
	return h, func(args ...string) (int, string, string) { return h.ctl("", args...) }
}

// auditOf is the audit log's "action actor" entries whose action matches
// the regular expression re, in order.
func auditOf(t *testing.T, db *pgxpool.Pool, re string) string {
	t.Helper()
	var got *string
	if err := db.QueryRow(context.Background(), `SELECT string_agg(action || ' ' || actor, ' ' ORDER BY seq) FROM audit_log WHERE action ~ $1`, re).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got == nil {
		return ""
	}
	return *got
}

func TestHubctlMaintenance(t *testing.T) {
	h, ctl := siteEnv(t, "vanhanh")
	db := h.store.Pool()
	at := func(d time.Duration) string { return time.Now().Add(d).In(stafftext.Zone).Format("2006-01-02 15:04") }
	msgs := []string{"--message-vi", "Cổng bảo trì nâng cấp", "--message-en", "Portal upgrade", "--message-ru", "Обновление портала"}

	code, out, e := ctl(append([]string{"maintenance", "schedule", "--start", at(72 * time.Hour), "--end", at(74 * time.Hour), "--json"}, msgs...)...)
	if code != 0 {
		t.Fatalf("schedule: %d %s", code, e)
	}
	var got []windowJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 {
		t.Fatalf("schedule output %q: %v", out, err)
	}
	w := got[0]
	if w.State != "scheduled" || w.StartsAt.Sub(w.AnnounceFrom) != 48*time.Hour || w.CreatedBy != "ops:vanhanh" || w.MessageRU != "Обновление портала" {
		t.Errorf("scheduled window %+v", w)
	}
	// Refusals say what is wrong in both languages; nothing is written.
	for _, c := range []struct {
		args []string
		want string
	}{
		{append([]string{"maintenance", "schedule", "--start", at(2 * time.Hour), "--end", at(time.Hour)}, msgs...), "the end must come after the start"},
		{append([]string{"maintenance", "schedule", "--start", at(-3 * time.Hour), "--end", at(-time.Hour)}, msgs...), "already ended"},
		{[]string{"maintenance", "schedule", "--start", at(time.Hour), "--end", at(2 * time.Hour), "--message-vi", "x", "--message-en", "y", "--message-ru", "  "}, "--message-ru is required"},
		{append([]string{"maintenance", "schedule", "--start", "ngày mai", "--end", at(2 * time.Hour)}, msgs...), "YYYY-MM-DD HH:MM"},
	} {
		code, _, e := ctl(c.args...)
		if code == 0 || !strings.Contains(e, c.want) {
			t.Errorf("%v: %d %q, want a refusal naming %q", c.args, code, e, c.want)
		}
	}
	// Announced at once (the default would be in the past) and under way.
	code, out, e = ctl(append([]string{"maintenance", "schedule", "--start", at(-time.Minute), "--end", at(time.Hour), "--json"}, msgs...)...)
	if code != 0 {
		t.Fatalf("schedule now: %d %s", code, e)
	}
	var now []windowJSON
	_ = json.Unmarshal([]byte(out), &now)
	if len(now) != 1 || now[0].State != "ongoing" {
		t.Fatalf("window under way: %q", out)
	}
	if code, _, e := ctl("maintenance", "cancel", "--id", itoa(w.ID)); code != 0 {
		t.Fatalf("cancel: %d %s", code, e)
	}
	if code, _, e := ctl("maintenance", "cancel", "--id", itoa(w.ID)); code != 2 || !strings.Contains(e, "already cancelled") || !strings.Contains(e, "đã bị hủy") {
		t.Errorf("second cancel: %d %q", code, e)
	}
	if code, _, e := ctl("maintenance", "cancel", "--id", "999"); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("cancel unknown: %d %q", code, e)
	}
	code, out, _ = ctl("maintenance", "list")
	if code != 0 || !strings.Contains(out, "cancelled (ops:vanhanh)") || !strings.Contains(out, "ongoing") {
		t.Errorf("list: %d %q", code, out)
	}
	// History keeps everything; the audit log has each change.
	if _, err := db.Exec(context.Background(), `UPDATE maintenance_windows SET announce_from = now() - interval '3 hours',
		starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1`, now[0].ID); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := ctl("maintenance", "list"); code != 0 || strings.Contains(out, "ended") || strings.Contains(out, "ongoing") {
		t.Errorf("list without history shows an ended window: %q", out)
	}
	if code, out, _ := ctl("maintenance", "list", "--history"); code != 0 || !strings.Contains(out, "ended") || !strings.Contains(out, "cancelled") {
		t.Errorf("history: %q", out)
	}
	if code, _, e := ctl("maintenance", "cancel", "--id", itoa(now[0].ID)); code != 2 || !strings.Contains(e, "has ended") {
		t.Errorf("cancel an ended window: %d %q", code, e)
	}
	if got, want := auditOf(t, db, "^maintenance"), "maintenance.scheduled ops:vanhanh maintenance.scheduled ops:vanhanh maintenance.cancelled ops:vanhanh"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
	// A viewer lists the windows but may not schedule one (exit status 5).
	h.login(t, "xem")
	if code, out, e := ctl("maintenance", "list", "--history"); code != 0 || !strings.Contains(out, "ended") {
		t.Errorf("the viewer's list: %d %q %s", code, out, e)
	}
	if code, _, e := ctl(append([]string{"maintenance", "schedule", "--start", at(72 * time.Hour), "--end", at(74 * time.Hour)}, msgs...)...); code != 5 || !strings.Contains(e, "operator") {
		t.Errorf("the viewer schedules: %d %q, want exit status 5 naming the role needed", code, e)
	}
}
