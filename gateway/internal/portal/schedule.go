package portal

import (
	"sort"
	"strconv"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// The leadership's weekly work schedule (lịch công tác, Article 8.2) is
// shown as provincial portals publish it: a table of the week by day,
// Monday to Friday always (a day without engagements says so), Saturday
// and Sunday when something is planned, each engagement with its time,
// who attends, what, where and who prepares it; and links to the previous
// and the next week's schedule (the leadership section with ?week=).

// scheduleView is a week's schedule as a table by day.
type scheduleView struct {
	L         *i18n.Localizer
	Heading   string
	Lang      string // "vi" when Heading is the Vietnamese fallback
	Href      string // the schedule's item page; empty on that page itself
	WeekLabel string
	Days      []scheduleDay
	// Earlier says the week shown is not the one asked for: no schedule
	// of that week is published, this is the latest before it.
	Earlier            bool
	PrevHref, NextHref string
}

type scheduleDay struct {
	Label, DateISO string
	Entries        []*pb.ScheduleEntry
}

// weekday ids of the catalogue, Monday first.
var weekdays = []string{"weekday.monday", "weekday.tuesday", "weekday.wednesday", "weekday.thursday", "weekday.friday",
	"weekday.saturday", "weekday.sunday"}

// mondayOf is the Monday of the week of t (in Vietnam), at midnight there.
func mondayOf(t time.Time) time.Time {
	t = t.In(hcmc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, hcmc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// weekLinks are the links to the weeks before and after monday on the
// leadership section at path; the next week at most one week after the
// current one (offices publish next week's provisional schedule).
func weekLinks(path string, monday, today time.Time) (prev, next string) {
	prev = path + "?week=" + monday.AddDate(0, 0, -7).Format(time.DateOnly)
	if n := monday.AddDate(0, 0, 7); !n.After(mondayOf(today).AddDate(0, 0, 7)) {
		next = path + "?week=" + n.Format(time.DateOnly)
	}
	return prev, next
}

// newSchedule lays a week's engagements out by day.
func newSchedule(l *i18n.Localizer, w *pb.WorkSchedule) *scheduleView {
	sv := &scheduleView{L: l}
	monday, err := time.ParseInLocation(time.DateOnly, w.GetWeekOf(), hcmc)
	if err != nil {
		return sv
	}
	sunday := monday.AddDate(0, 0, 6)
	sv.WeekLabel = l.T("schedule.week", "From", formatDate(l, monday), "To", formatDate(l, sunday))
	byDate := map[string][]*pb.ScheduleEntry{}
	var others []string // dates outside the week, as published
	for _, e := range w.GetEntries() {
		if _, ok := byDate[e.GetDate()]; !ok {
			d, err := time.ParseInLocation(time.DateOnly, e.GetDate(), hcmc)
			if err != nil || d.Before(monday) || d.After(sunday) {
				others = append(others, e.GetDate())
			}
		}
		byDate[e.GetDate()] = append(byDate[e.GetDate()], e)
	}
	for i := range 7 {
		d := monday.AddDate(0, 0, i)
		iso := d.Format(time.DateOnly)
		es := byDate[iso]
		if len(es) == 0 && i >= 5 {
			continue
		}
		sortByTime(es)
		sv.Days = append(sv.Days, scheduleDay{Label: l.T(weekdays[i]) + ", " + formatDate(l, d), DateISO: iso, Entries: es})
	}
	sort.Strings(others)
	for _, iso := range others {
		es := byDate[iso]
		sortByTime(es)
		sv.Days = append(sv.Days, scheduleDay{Label: iso, DateISO: iso, Entries: es})
	}
	return sv
}

// sortByTime orders a day's engagements by their time, all-day ones
// first, keeping the published order otherwise.
func sortByTime(es []*pb.ScheduleEntry) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].GetTime() < es[j].GetTime() })
}

// weekParam reads ?week=: a Monday, "YYYY-MM-DD".
func weekParam(s string) (time.Time, *paramProblem) {
	d, err := time.ParseInLocation(time.DateOnly, s, hcmc)
	if err != nil || d.Weekday() != time.Monday || d.Year() < 2000 || strconv.Itoa(d.Year()) != s[:4] {
		return time.Time{}, errBadWeek
	}
	return d, nil
}

// errBadWeek is a ?week= that is not a Monday's date.
var errBadWeek = &paramProblem{Param: "week", ID: "schedule.bad_week"}
