package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// hubctl compliance report: each tenant's Article 11 status in a past week
// of the deployed rules file, as CSV, JSON and a table; a bulk import does
// not count.
func TestComplianceReport(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"xem": opsaccounts.Viewer})
	ctx := context.Background()
	store := h.store
	for _, tn := range [][]string{{"khanhhoa", "province"}, {"so-gd", "department"}, {"xa-moi", "commune"}} {
		if err := store.AddTenant(ctx, "test", hubstore.Tenant{ID: tn[0], Kind: tn[1], NameVI: "Đơn vị " + tn[0]}); err != nil {
			t.Fatal(err)
		}
	}
	h.login(t, "xem")
	ctl := func(args ...string) (int, string, string) { return h.ctl("", args...) }
	// 2026-W17: Mon 20 to Fri 24 April, five working days (GMT+7).
	for _, q := range []string{
		`UPDATE tenants SET created_at = '2025-01-01T00:00:00+07'`,
		`UPDATE tenants SET created_at = '2026-04-21T15:00:00+07' WHERE id = 'xa-moi'`, // Tuesday: Wed-Fri owed
		`INSERT INTO compliance_updates (tenant_id, content_id, version, applied_at, new_item, published_at) VALUES
			('khanhhoa', 'a', 1, '2026-04-20T08:00:00+07', true,  '2026-04-20T08:00:00+07'),
			('khanhhoa', 'a', 2, '2026-04-21T08:00:00+07', false, '2026-04-20T08:00:00+07'),
			('khanhhoa', 'b', 1, '2026-04-22T08:00:00+07', true,  '2026-04-22T08:00:00+07'),
			('khanhhoa', 'c', 1, '2026-04-23T08:00:00+07', true,  '2026-04-23T08:00:00+07'),
			('khanhhoa', 'd', 1, '2026-04-24T23:59:00+07', true,  '2026-04-24T23:59:00+07'),
			('so-gd',    'x', 1, '2026-04-20T09:00:00+07', true,  '2026-04-20T09:00:00+07'),
			('so-gd',    'y', 1, '2026-04-22T09:00:00+07', true,  '2025-01-01T09:00:00+07'),
			('xa-moi',   'z', 1, '2026-04-24T16:59:00Z',   false, '2026-04-20T09:00:00+07')`,
	} {
		if _, err := store.Pool().Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	code, out, e := ctl("compliance", "report", "--week", "2026-W17", "--csv")
	if code != 0 {
		t.Fatalf("report --csv: %d %s", code, e)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		compliance.CSVHeader,
		{"2026-W17", "khanhhoa", "ok", "5", "5", "5", ""},
		// y is a bulk import (first published in 2025): one update of two.
		{"2026-W17", "so-gd", "behind", "2", "1", "5", ""},
		// created on Tuesday: 2 × 3/5 rounds to 1; 16:59 UTC Friday is 23:59 GMT+7.
		{"2026-W17", "xa-moi", "ok", "1", "1", "3", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %q\nwant %q", rows, want)
	}

	code, out, e = ctl("compliance", "report", "--from", "2026-04-20", "--to", "2026-04-28", "--tenant", "so-gd", "--json")
	var as []compliance.Assessment
	if code != 0 || json.Unmarshal([]byte(out), &as) != nil {
		t.Fatalf("report --json: %d %q %s", code, out, e)
	}
	// W18 has the Hùng Kings' compensatory Monday 27 April and 30 April, 1 May.
	if len(as) != 2 || as[1].Week != "2026-W18" || as[1].WorkingDays != 2 || as[1].Required != 1 || as[1].Status != compliance.StatusBehind {
		t.Errorf("report --json: %+v", as)
	}

	if code, out, _ := ctl("compliance", "report", "--week", "2026-W17"); code != 0 || !strings.Contains(out, "chậm cập nhật / behind") {
		t.Errorf("report table: %d %q", code, out)
	}
	for _, bad := range [][]string{
		{"--week", "2026-W17", "--from", "2026-04-20"},
		{"--from", "2026-04-20"},
		{"--week", "2026-17"},
		{"--week", "2026-W17", "--json", "--csv"},
	} {
		if code, _, e := ctl(append([]string{"compliance", "report"}, bad...)...); code != 2 {
			t.Errorf("report %v: exit %d, want 2 (%s)", bad, code, e)
		}
	}
	if code, _, e := ctl("compliance", "report", "--week", "2026-W17", "--tenant", "khong-co"); code != 1 || !strings.Contains(e, "khong-co") {
		t.Errorf("report of an unknown tenant: %d %q", code, e)
	}
	if code, _, e := ctl("compliance", "report", "--week", "2028-W10"); code != 1 || !strings.Contains(e, "2028") {
		t.Errorf("report in a year without a calendar: %d %q", code, e)
	}
}
