package compliance

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"
	"time"
)

func TestReport(t *testing.T) {
	r, err := Parse([]byte(testRules))
	if err != nil {
		t.Fatal(err)
	}
	weeks := Weeks(at("2026-03-04 00:00"), at("2026-03-10 00:00"))
	if len(weeks) != 2 || weeks[0].String() != "2026-W10" || weeks[1].String() != "2026-W11" {
		t.Fatalf("Weeks = %v", weeks)
	}
	tenants := []Tenant{
		{ID: "khanhhoa", Provincial: true, Created: at("2025-01-01 00:00")},
		{ID: "xa-moi", Created: at("2026-03-09 08:00")}, // created in W11
	}
	updates := map[string][]time.Time{"xa-moi": {at("2026-03-10 09:00"), at("2026-03-11 09:00")}}
	as, err := r.Report(tenants, weeks, updates, at("2026-03-11 12:00"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, as); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		CSVHeader,
		{"2026-W10", "khanhhoa", "behind", "5", "0", "5", "2026-03-02 2026-03-03 2026-03-04 2026-03-05 2026-03-06"},
		{"2026-W11", "khanhhoa", "behind", "5", "0", "5", "2026-03-09 2026-03-10"},
		{"2026-W11", "xa-moi", "ok", "2", "2", "4", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %q\nwant %q", rows, want)
	}
}
