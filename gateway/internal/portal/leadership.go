package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The leadership section (Article 8.2): the leadership's weekly work
// schedule of the week (?week=, a Monday; this week by default) as a table
// by day with links to the weeks before and after, then the activities,
// newest first, paged (the generic list). On the provincial portal the
// table is the province's schedule (the first of hubread.CurrentSchedules)
// and the other agencies' schedules of the week are linked below it.
//
// The page of this week stops being true when the week ends (next week's
// schedule becomes the one to show): it expires then. A week still to come
// expires when it begins (the link to the week after appears).

// leadershipView is the leadership section's page.
type leadershipView struct {
	sectionView
	Schedule *scheduleView
	// Others are the other agencies' schedules of the week (provincial).
	Others []unitLink
	// NoSchedule: no schedule of the week (or before it) is published.
	NoSchedule bool
	ThisWeek   string // the link back to this week, on another week's page
}

func (s *Server) leadershipSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	now := s.now()
	monday := mondayOf(now)
	var problem *paramProblem
	if w := sec.Query.Get("week"); w != "" {
		if monday, problem = weekParam(w); problem != nil {
			monday = mondayOf(now)
		}
	}
	list, listProblem, err := s.sectionList(ctx, sec)
	if err != nil {
		return nil, err
	}
	if problem == nil {
		problem = listProblem
	}
	v := leadershipView{sectionView: list}
	v.Problem = problem.text(v.L)
	// The latest schedule up to the week's Sunday: the week's own, or
	// the latest before it.
	schedules, err := s.cfg.Store.CurrentSchedules(ctx, sec.TenantID(), monday.AddDate(0, 0, 6))
	if err != nil {
		return nil, err
	}
	path := sec.Path(sec.Lang)
	if sec.Query.Get("week") != "" {
		v.ThisWeek = path
	}
	for i, sc := range schedules {
		text, fallback := sc.In(sec.Lang)
		link := unitLink{Name: text.Title, Href: "/" + sec.Lang + "/" + sc.Tenant + "/" + text.Slug}
		if fallback {
			link.Lang = i18n.Default
		}
		if i > 0 {
			if sc.WeekOf.Equal(weekDate(monday)) {
				v.Others = append(v.Others, link)
			}
			continue
		}
		v.Schedule = newSchedule(v.L, sc.Week)
		v.Schedule.Heading, v.Schedule.Lang, v.Schedule.Href = link.Name, link.Lang, link.Href
		v.Schedule.Earlier = !sc.WeekOf.Equal(weekDate(monday))
	}
	if v.Schedule == nil {
		v.NoSchedule = true
		v.Schedule = &scheduleView{L: v.L}
	}
	v.Schedule.PrevHref, v.Schedule.NextHref = weekLinks(path, monday, now)
	r, err := s.sectionPageRender("leadership", v, sec, problem)
	if err != nil {
		return nil, err
	}
	if !r.NoStore {
		switch next := monday.AddDate(0, 0, 7); {
		case monday.After(now):
			r.ExpiresAt = monday
		case next.After(now):
			r.ExpiresAt = next
		}
	}
	return r, nil
}

// weekDate is a Monday as the store gives a week_of date (midnight UTC).
func weekDate(monday time.Time) time.Time {
	return time.Date(monday.Year(), monday.Month(), monday.Day(), 0, 0, 0, 0, time.UTC)
}
