package compliance

import (
	"math"
	"time"
)

// Status is where a tenant stands in a period.
type Status string

const (
	// StatusOK: the period's updates are all there.
	StatusOK Status = "ok"
	// StatusBehind: a deadline of the period passed without its updates.
	StatusBehind Status = "behind"
	// StatusNotYetDue: no deadline has passed unmet, and the period still
	// owes updates (it is running, or the tenant did not exist yet).
	StatusNotYetDue Status = "not_yet_due"
)

// Tenant is what Assess needs to know of a tenant.
type Tenant struct {
	ID string
	// Provincial marks the provincial portal, which owes updates per
	// working day; every other tenant owes them per week.
	Provincial bool
	// Created is when the hub registered the tenant: obligations start on
	// the day after (GMT+7), so the week it was created is prorated.
	Created time.Time
}

// Assessment is a tenant's standing in one ISO week.
type Assessment struct {
	Tenant string `json:"tenant"`
	Week   string `json:"week"`
	// WorkingDays are the week's working days the tenant owed updates on.
	WorkingDays int `json:"working_days"`
	// Required is the least number of updates the week asks for, Counted
	// the updates the hub counted in it.
	Required int `json:"required"`
	Counted  int `json:"counted"`
	// Missed lists the provincial portal's working days (yyyy-mm-dd) that
	// ended without their update.
	Missed []string `json:"missed,omitempty"`
	Status Status   `json:"status"`
}

// Assess says where t stands in week w at time now, given the times the hub
// counted its updates (docs/ARCHITECTURE.md, "Article 11 compliance"):
//
//   - The provincial portal owes ProvincialPerWorkingDay updates on each
//     working day it existed for; a working day's deadline is its end.
//   - A sub-portal owes SubportalPerWeek updates in a week of
//     Calendar.NormalWeek working days, prorated (rounded half up) to the
//     working days of the week it existed for: a Tết week owes none, a
//     week with a swapped Saturday no more than two, the week a tenant was
//     created in part. The deadline is the end of the week.
//
// Updates outside w are ignored.
func (r *Rules) Assess(t Tenant, w Week, updates []time.Time, now time.Time) (Assessment, error) {
	return r.assess(t, w, r.weekDays(w), updates, now)
}

// weekDays are the days of a week, Monday first: whether each is a working
// day, or why the calendar cannot say (a year it does not hold), which
// matters only for a day a tenant existed on.
type weekDays struct {
	working [7]bool
	err     [7]error
}

func (r *Rules) weekDays(w Week) weekDays {
	var wd weekDays
	d := w.Start()
	for i := range wd.working {
		wd.working[i], wd.err[i] = r.Calendar.WorkingDay(d)
		d = d.AddDate(0, 0, 1)
	}
	return wd
}

// assess is Assess with w's days (weekDays) given, so that a report over
// many tenants reads the calendar once a week, not once a tenant.
func (r *Rules) assess(t Tenant, w Week, wd weekDays, updates []time.Time, now time.Time) (Assessment, error) {
	a := Assessment{Tenant: t.ID, Week: w.String()}
	start, end := w.Start(), w.End()
	var perDay [7]int
	for _, u := range updates {
		if !u.Before(start) && u.Before(end) {
			a.Counted++
			perDay[int(Day(u).Sub(start)/(24*time.Hour))]++ // Zone keeps no daylight saving: days are 24 h
		}
	}
	firstDay := Day(t.Created).AddDate(0, 0, 1)
	allMet, pastDue := true, false
	d := start
	for i := range wd.working {
		day := d
		d = d.AddDate(0, 0, 1)
		if day.Before(firstDay) {
			continue
		}
		if wd.err[i] != nil {
			return Assessment{}, wd.err[i]
		}
		if !wd.working[i] {
			continue
		}
		a.WorkingDays++
		if !t.Provincial {
			continue
		}
		if perDay[i] >= r.Thresholds.ProvincialPerWorkingDay {
			continue
		}
		allMet = false
		if !now.Before(d) {
			pastDue = true
			a.Missed = append(a.Missed, day.Format(dateLayout))
		}
	}
	if t.Provincial {
		a.Required = a.WorkingDays * r.Thresholds.ProvincialPerWorkingDay
	} else {
		a.Required = int(math.Floor(float64(r.Thresholds.SubportalPerWeek*a.WorkingDays)/float64(r.Calendar.NormalWeek()) + 0.5))
		allMet = a.Counted >= a.Required
		pastDue = !allMet && !now.Before(end)
	}
	switch {
	case pastDue:
		a.Status = StatusBehind
	case allMet:
		a.Status = StatusOK
	default:
		a.Status = StatusNotYetDue
	}
	return a, nil
}
