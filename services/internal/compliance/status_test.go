package compliance

import (
	"reflect"
	"testing"
	"time"
)

// at is a time in GMT+7.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAssess(t *testing.T) {
	r, err := Parse([]byte(testRules))
	if err != nil {
		t.Fatal(err)
	}
	old := at("2025-06-01 09:00")
	sub := Tenant{ID: "so-tu-phap", Created: old}
	prov := Tenant{ID: "khanhhoa", Provincial: true, Created: old}
	w := func(s string) Week {
		w, err := ParseWeek(s)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for _, tc := range []struct {
		name    string
		tenant  Tenant
		week    string
		updates []time.Time
		now     time.Time
		want    Assessment
	}{
		{"sub-portal, two updates", sub, "2026-W10", []time.Time{at("2026-03-02 08:00"), at("2026-03-06 16:00")},
			at("2026-03-09 10:00"), Assessment{WorkingDays: 5, Required: 2, Counted: 2, Status: StatusOK}},
		{"sub-portal, one update, week over", sub, "2026-W10", []time.Time{at("2026-03-02 08:00")},
			at("2026-03-09 00:00"), Assessment{WorkingDays: 5, Required: 2, Counted: 1, Status: StatusBehind}},
		{"sub-portal, one update, week running", sub, "2026-W10", []time.Time{at("2026-03-02 08:00")},
			at("2026-03-08 23:59"), Assessment{WorkingDays: 5, Required: 2, Counted: 1, Status: StatusNotYetDue}},
		{"updates of other weeks ignored; Sunday 23:30 UTC is Monday GMT+7", sub, "2026-W10",
			[]time.Time{at("2026-03-01 23:59"), time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC)},
			at("2026-03-20 00:00"), Assessment{WorkingDays: 5, Required: 2, Counted: 0, Status: StatusBehind}},
		{"sub-portal, Tết week owes nothing", sub, "2026-W08", nil,
			at("2026-03-01 00:00"), Assessment{WorkingDays: 0, Required: 0, Status: StatusOK}},
		{"provincial, Tết week owes nothing", prov, "2026-W08", nil,
			at("2026-03-01 00:00"), Assessment{WorkingDays: 0, Required: 0, Status: StatusOK}},
		{"provincial, swapped Saturday 10 Jan owed", prov, "2026-W02",
			[]time.Time{at("2026-01-05 09:00"), at("2026-01-06 09:00"), at("2026-01-07 09:00"), at("2026-01-08 09:00"), at("2026-01-09 09:00")},
			at("2026-01-12 09:00"), Assessment{WorkingDays: 6, Required: 6, Counted: 5, Missed: []string{"2026-01-10"}, Status: StatusBehind}},
		{"provincial, today not yet due", prov, "2026-W10",
			[]time.Time{at("2026-03-02 09:00"), at("2026-03-03 09:00")},
			at("2026-03-04 11:00"), Assessment{WorkingDays: 5, Required: 5, Counted: 2, Status: StatusNotYetDue}},
		{"provincial, an update on Saturday does not cover Friday", prov, "2026-W10",
			[]time.Time{at("2026-03-02 09:00"), at("2026-03-03 09:00"), at("2026-03-04 09:00"), at("2026-03-05 09:00"), at("2026-03-07 09:00")},
			at("2026-03-09 00:00"), Assessment{WorkingDays: 5, Required: 5, Counted: 5, Missed: []string{"2026-03-06"}, Status: StatusBehind}},
		{"sub-portal created on Tuesday: Wed-Fri, 2×3/5 rounds to 1", Tenant{ID: "xa-moi", Created: at("2026-03-03 15:00")}, "2026-W10",
			[]time.Time{at("2026-03-05 10:00")},
			at("2026-03-09 00:00"), Assessment{WorkingDays: 3, Required: 1, Counted: 1, Status: StatusOK}},
		{"sub-portal created on Thursday: Friday only, 2×1/5 rounds to 0", Tenant{ID: "xa-moi", Created: at("2026-03-05 08:00")}, "2026-W10",
			nil, at("2026-03-09 00:00"), Assessment{WorkingDays: 1, Required: 0, Status: StatusOK}},
		{"sub-portal created after the week", Tenant{ID: "xa-moi", Created: at("2026-03-10 08:00")}, "2026-W10",
			nil, at("2026-03-20 00:00"), Assessment{WorkingDays: 0, Required: 0, Status: StatusOK}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Assess(tc.tenant, w(tc.week), tc.updates, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Tenant, tc.want.Week = tc.tenant.ID, tc.week
			if len(tc.want.Missed) == 0 {
				tc.want.Missed = nil
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestAssessUnconfiguredYear(t *testing.T) {
	r, _ := Parse([]byte(testRules))
	if _, err := r.Assess(Tenant{ID: "x"}, Week{2027, 10}, nil, at("2027-03-20 00:00")); err == nil {
		t.Error("Assess in a year without a calendar: no error")
	}
}
