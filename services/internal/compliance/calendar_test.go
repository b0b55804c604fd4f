package compliance

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// deployed is the rules file of the Khánh Hòa deployment.
const deployed = "../../../deploy/rules/khanhhoa.toml"

func date(s string) time.Time {
	d, err := time.ParseInLocation(dateLayout, s, Zone)
	if err != nil {
		panic(err)
	}
	return d
}

func TestDeployedCalendar(t *testing.T) {
	r, err := Load(deployed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day     string
		working bool
	}{
		{"2026-01-01", false}, // Tết Dương lịch, a Thursday
		{"2026-01-02", true},
		{"2026-02-13", true},  // the Friday before Tết Bính Ngọ
		{"2026-02-16", false}, // 29 tháng Chạp
		{"2026-02-17", false}, // mùng 1 Tết Bính Ngọ
		{"2026-02-20", false}, // mùng 4
		{"2026-02-23", true},  // back at work
		{"2026-04-26", false}, // Hùng Kings, a Sunday
		{"2026-04-27", false}, // its compensatory Monday
		{"2026-04-30", false},
		{"2026-05-01", false},
		{"2026-09-02", false},
		{"2026-11-30", true},
		{"2026-11-28", false}, // a Saturday
		{"2027-02-05", false}, // 29 tháng Chạp Đinh Mùi
		{"2027-02-06", false}, // mùng 1 Tết Đinh Mùi, a Saturday
		{"2027-02-11", false}, // compensatory
		{"2027-02-12", true},
		{"2027-04-16", false}, // Hùng Kings, 10/3 âm lịch
		{"2027-05-03", false}, // 1 May on a Saturday, off the Monday
	} {
		got, err := r.Calendar.WorkingDay(date(tc.day))
		if err != nil || got != tc.working {
			t.Errorf("WorkingDay(%s) = %v, %v; want %v", tc.day, got, err, tc.working)
		}
	}
	if _, err := r.Calendar.WorkingDay(date("2028-01-03")); !errors.Is(err, ErrYearNotConfigured) {
		t.Errorf("2028: err = %v, want ErrYearNotConfigured", err)
	}
	if r.Thresholds != (Thresholds{ProvincialPerWorkingDay: 1, SubportalPerWeek: 2}) || r.Counting.BulkImportAgeDays != 7 {
		t.Errorf("thresholds %+v, counting %+v", r.Thresholds, r.Counting)
	}
}

// testRules is a small rules file with a swapped Saturday.
const testRules = `
decree = "test"
[thresholds]
provincial_per_working_day = 1
subportal_per_week = 2
[counting]
bulk_import_age_days = 7
[calendar]
weekend = ["saturday", "sunday"]
years = [2026]
[[calendar.holiday]]
date = "2026-02-16"
name = "Tết"
[[calendar.holiday]]
date = "2026-02-17"
name = "Tết"
[[calendar.holiday]]
date = "2026-02-18"
name = "Tết"
[[calendar.holiday]]
date = "2026-02-19"
name = "Tết"
[[calendar.holiday]]
date = "2026-02-20"
name = "Tết"
[[calendar.holiday]]
date = "2026-01-02"
name = "nghỉ, làm bù thứ Bảy 10/1"
[[calendar.working_day]]
date = "2026-01-10"
name = "làm bù cho 2/1"
`

func TestSwappedSaturday(t *testing.T) {
	r, err := Parse([]byte(testRules))
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]bool{"2026-01-02": false, "2026-01-09": true, "2026-01-10": true, "2026-01-11": false} {
		if got, _ := r.Calendar.WorkingDay(date(day)); got != want {
			t.Errorf("WorkingDay(%s) = %v, want %v", day, got, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ edit, want string }{
		"misspelt key":     {`subportal_per_week = 2`, "subportal_per_wek = 2"},
		"zero threshold":   {`subportal_per_week = 2`, "subportal_per_week = 0"},
		"bad date":         {`date = "2026-01-10"`, `date = "10/1/2026"`},
		"year not listed":  {`date = "2026-01-10"`, `date = "2027-01-10"`},
		"holiday and work": {`date = "2026-01-10"`, `date = "2026-01-02"`},
		"bad weekday":      {`"sunday"]`, `"sun"]`},
	} {
		text := strings.Replace(testRules, tc.edit, tc.want, 1)
		if _, err := Parse([]byte(text)); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}

func TestWeek(t *testing.T) {
	for _, tc := range []struct {
		s, monday string
	}{
		{"2026-W01", "2025-12-29"},
		{"2026-W08", "2026-02-16"},
		{"2026-W48", "2026-11-23"},
		{"2026-W53", "2026-12-28"},
		{"2027-W06", "2027-02-08"},
	} {
		w, err := ParseWeek(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Start().Format(dateLayout); got != tc.monday || w.String() != tc.s {
			t.Errorf("%s: Start %s, String %s; want %s", tc.s, got, w, tc.monday)
		}
	}
	for _, bad := range []string{"2027-W53", "2026-W00", "2026W48", "2026-W4"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted it", bad)
		}
	}
	// A push at 23:30 UTC on Sunday is Monday in GMT+7: the next week.
	if got := WeekOf(time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)); got.String() != "2026-W49" {
		t.Errorf("WeekOf = %s, want 2026-W49", got)
	}
}
