package main

import (
	"context"
	"strings"
	"testing"
)

func TestHubctlStatsReport(t *testing.T) {
	h, ctl := siteEnv(t, "xem")
	if _, err := h.store.Pool().Exec(context.Background(), `INSERT INTO page_views (day, tenant_id, lang, path, views, bot_views) VALUES
		('2026-11-30', '', 'vi', '/vi/', 7, 1), ('2026-11-30', 'so-a', 'en', '/en/so-a/', 3, 9)`); err != nil {
		t.Fatal(err)
	}
	code, out, e := ctl("stats", "report", "--from", "2026-11-30", "--to", "2026-11-30", "--csv")
	if want := "day,tenant,lang,views,bot_views\n2026-11-30,,vi,7,1\n2026-11-30,so-a,en,3,9\n"; code != 0 || out != want {
		t.Errorf("stats report --csv: %d %q %s, want %q", code, out, e, want)
	}
	code, out, _ = ctl("stats", "report", "--from", "2026-11-30", "--to", "2026-11-30", "--tenant", "-", "--by", "page")
	if code != 0 || !strings.Contains(out, "(cổng tỉnh/provincial)") || strings.Contains(out, "so-a") {
		t.Errorf("the provincial portal's pages: %d %q", code, out)
	}
	if code, _, e := ctl("stats", "report", "--by", "week"); code != 2 || !strings.Contains(e, "day, page or activity") {
		t.Errorf("--by week: %d %q", code, e)
	}
	if code, _, e := ctl("stats", "report", "--from", "2026-12-01", "--to", "2026-11-01"); code != 2 || !strings.Contains(e, "before the first") {
		t.Errorf("reversed: %d %q", code, e)
	}
	if code, out, _ := ctl("stats", "report", "--to", "2026-11-30", "--json"); code != 0 || !strings.Contains(out, `"bot_views": 9`) {
		t.Errorf("stats report --json: %d %q", code, out)
	}
	// Logged out, nothing is read (exit status 4): no database path is left.
	if code, _, _ := ctl("logout"); code != 0 {
		t.Fatal("logout")
	}
	if code, _, e := ctl("stats", "report"); code != 4 {
		t.Errorf("logged out: %d %q, want exit status 4", code, e)
	}
}
