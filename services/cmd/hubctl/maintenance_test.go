package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

// ctlEnv runs hubctl commands on a fresh hub database as operator.
func ctlEnv(t *testing.T) (func(args ...string) (int, string, string), *pgxpool.Pool) {
	t.Helper()
	url := testenv.Postgres(t, "hubctl", hubschema.Migrate)
	env := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return url
		case "USER":
			return "operator"
		}
		return ""
	}
	db, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, env, &out, &errOut)
		return code, out.String(), errOut.String()
	}, db
}

func TestHubctlMaintenance(t *testing.T) {
	ctl, db := ctlEnv(t)
	at := func(d time.Duration) string { return time.Now().Add(d).In(gmt7).Format("2006-01-02 15:04") }
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
	if w.State != "scheduled" || w.StartsAt.Sub(w.AnnounceFrom) != 48*time.Hour || w.CreatedBy != "operator" || w.MessageRU != "Обновление портала" {
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
	if code, _, e := ctl("maintenance", "cancel", "--id", itoa(w.ID)); code != 1 || !strings.Contains(e, "already cancelled") {
		t.Errorf("second cancel: %d %q", code, e)
	}
	if code, _, e := ctl("maintenance", "cancel", "--id", "999"); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("cancel unknown: %d %q", code, e)
	}
	code, out, _ = ctl("maintenance", "list")
	if code != 0 || !strings.Contains(out, "cancelled (operator)") || !strings.Contains(out, "ongoing") {
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
	if code, _, e := ctl("maintenance", "cancel", "--id", itoa(now[0].ID)); code != 1 || !strings.Contains(e, "has ended") {
		t.Errorf("cancel an ended window: %d %q", code, e)
	}
	var actions []string
	rows, _ := db.Query(context.Background(), `SELECT action || ' ' || actor FROM audit_log WHERE action LIKE 'maintenance.%' ORDER BY seq`)
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	if want := "[maintenance.scheduled operator maintenance.scheduled operator maintenance.cancelled operator]"; strings.Join(actions, " ") != strings.Trim(want, "[]") {
		t.Errorf("audit %v, want %s", actions, want)
	}
}
