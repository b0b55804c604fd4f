package compliance

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Weeks lists the ISO weeks (GMT+7) from the one holding from to the one
// holding to.
func Weeks(from, to time.Time) []Week {
	var ws []Week
	for w := WeekOf(from); !w.Start().After(to); w = w.Next() {
		ws = append(ws, w)
	}
	return ws
}

// Report assesses each tenant in each week (Assess), by week then by the
// order of tenants; a tenant is left out of the weeks that ended before it
// was created. updates are the counted update times per tenant id.
func (r *Rules) Report(tenants []Tenant, weeks []Week, updates map[string][]time.Time, now time.Time) ([]Assessment, error) {
	out := make([]Assessment, 0, len(weeks)*len(tenants))
	for _, w := range weeks {
		days := r.weekDays(w)
		for _, t := range tenants {
			if !t.Created.Before(w.End()) {
				continue
			}
			a, err := r.assess(t, w, days, updates[t.ID], now)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// CSVHeader is the first row of WriteCSV.
var CSVHeader = []string{"week", "tenant", "status", "required", "counted", "working_days", "missed"}

// WriteCSV writes the assessments as CSV (RFC 4180), missed days joined by
// spaces.
func WriteCSV(w io.Writer, as []Assessment) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, a := range as {
		if err := cw.Write([]string{a.Week, a.Tenant, string(a.Status), strconv.Itoa(a.Required),
			strconv.Itoa(a.Counted), strconv.Itoa(a.WorkingDays), strings.Join(a.Missed, " ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// StatusVI names a status in Vietnamese, for reports an operator reads.
func StatusVI(s Status) string {
	switch s {
	case StatusOK:
		return "đạt"
	case StatusBehind:
		return "chậm cập nhật"
	case StatusNotYetDue:
		return "chưa đến hạn"
	}
	return fmt.Sprint(s)
}

// Period reads a report's period, an ISO week (2026-W48) or a range of
// days (from and to, YYYY-MM-DD, GMT+7: every ISO week touching it, three
// years at most), into ISO weeks; neither means the week holding now. Its
// errors are bilingual, for the person who typed the period.
func Period(week, from, to string, now time.Time) ([]Week, error) {
	switch {
	case week != "" && (from != "" || to != ""):
		return nil, errors.New("--week hoặc --from/--to, không cả hai / --week or --from/--to, not both")
	case week != "":
		w, err := ParseWeek(week)
		if err != nil {
			return nil, err
		}
		return []Week{w}, nil
	case from == "" && to == "":
		return []Week{WeekOf(now)}, nil
	case from == "" || to == "":
		return nil, errors.New("--from và --to đi cùng nhau / --from and --to go together")
	}
	f, err1 := time.ParseInLocation(time.DateOnly, from, Zone)
	t, err2 := time.ParseInLocation(time.DateOnly, to, Zone)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("--from/--to: ngày dạng YYYY-MM-DD / dates as YYYY-MM-DD: %w", err)
	}
	if t.Before(f) {
		return nil, errors.New("--to trước --from / --to is before --from")
	}
	if t.Sub(f) > 3*366*24*time.Hour {
		return nil, errors.New("tối đa ba năm / three years at most")
	}
	return Weeks(f, t), nil
}
