package console

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/chart"
	"github.com/portalhub/portalhub/services/internal/compliance"
)

// Bounds of the compliance page.
const (
	defaultComplianceWeeks = 4
	maxComplianceWeeks     = 53
	complianceRowsPerPage  = 100
)

type complianceData struct {
	Rules      bool
	Decree     string
	From, To   string // ISO weeks
	Kind       string
	Status     string
	Kinds      []string
	Weeks      []string
	Summary    []weekSummary
	Rows       []complianceRow
	Next, Prev string
	CSV        string
	Error      string
	// One tenant's view: its heatmap and days.
	Tenant  *hubread.Tenant
	Heatmap chart.Heatmap
	Days    []dayRow
	// Alerts are the Article 11.3 alerts of the last alertDays.
	Alerts []hubread.ComplianceAlert
}

// alertDays is how far back the compliance page lists alerts; the tenant
// list tells of those of the last week.
const (
	alertDays       = 14
	alertBannerDays = 7
	maxAlertsShown  = 50
)

// dayRow is a day of a tenant's heatmap and its table: what kind of day
// it was (working, off, a holiday's name, before registration).
type dayRow struct {
	chart.Day
	What string
}

type weekSummary struct {
	Week                  string
	OK, Behind, NotYetDue int
}

type complianceRow struct {
	Tenant hubread.Tenant
	Weeks  []*compliance.Assessment // one per week of the period; nil before the tenant existed
}

// compliance is the Article 11 report: per tenant and ISO week of a period,
// the status (compliance.Rules.Report), filterable by kind and status,
// with a CSV export; with ?tenant=, one tenant's calendar heatmap of the
// period's days.
func (s *Server) compliance(c *gin.Context) error {
	l := s.loc(c)
	d := complianceData{Rules: s.cfg.Rules != nil, Kinds: hubread.TenantKinds, Kind: c.Query("kind"), Status: c.Query("status")}
	if s.cfg.Rules == nil {
		return s.show(c, http.StatusOK, "compliance", s.newPage(c, l.T("compliance.title"), "compliance", d))
	}
	d.Decree = s.cfg.Rules.Decree
	ctx := c.Request.Context()
	now := s.cfg.Now()
	alerts, err := s.read.ComplianceAlerts(ctx, now.AddDate(0, 0, -alertDays), maxAlertsShown)
	if err != nil {
		return err
	}
	d.Alerts = alerts
	last := compliance.WeekOf(now)
	first := compliance.WeekOf(last.Start().AddDate(0, 0, -7*(defaultComplianceWeeks-1)))
	if f := c.Query("from"); f != "" {
		if first, err = compliance.ParseWeek(f); err != nil {
			return errBadInput
		}
	}
	if t := c.Query("to"); t != "" {
		if last, err = compliance.ParseWeek(t); err != nil {
			return errBadInput
		}
	}
	weeks := compliance.Weeks(first.Start(), last.Start())
	if len(weeks) == 0 || len(weeks) > maxComplianceWeeks {
		return errBadInput
	}
	if (d.Kind != "" && !slices.Contains(hubread.TenantKinds, d.Kind)) ||
		(d.Status != "" && !slices.Contains([]string{"ok", "behind", "not_yet_due"}, d.Status)) {
		return errBadInput
	}
	d.From, d.To = first.String(), last.String()
	for _, w := range weeks {
		d.Weeks = append(d.Weeks, w.String())
	}
	all, err := s.read.Tenants(ctx)
	if err != nil {
		return err
	}
	var tenants []hubread.Tenant
	only := c.Query("tenant")
	for _, t := range all {
		if t.Status == "retired" || (d.Kind != "" && t.Kind != d.Kind) || (only != "" && t.ID != only) {
			continue
		}
		tenants = append(tenants, t)
	}
	slices.SortFunc(tenants, func(a, b hubread.Tenant) int { return strings.Compare(a.ID, b.ID) })
	if only != "" && len(tenants) == 0 {
		return errNotFound
	}
	// One tenant's view reads its own updates only ("" reads every tenant's).
	updates, err := s.cfg.Store.TenantComplianceUpdates(ctx, only, first.Start(), last.End(), s.cfg.Rules.Counting.BulkImportAgeDays)
	if err != nil {
		return err
	}
	cts := make([]compliance.Tenant, len(tenants))
	for i, t := range tenants {
		cts[i] = complianceTenant(t)
	}
	as, err := s.cfg.Rules.Report(cts, weeks, updates, now)
	if err != nil {
		// The rules file's calendar does not cover the period: say so.
		d.Error = err.Error()
		return s.show(c, http.StatusBadRequest, "compliance", s.newPage(c, l.T("compliance.title"), "compliance", d))
	}
	if d.Status != "" {
		// A tenant is kept when any of its weeks has the status.
		keep := map[string]bool{}
		for _, a := range as {
			if string(a.Status) == d.Status {
				keep[a.Tenant] = true
			}
		}
		tenants = slices.DeleteFunc(tenants, func(t hubread.Tenant) bool { return !keep[t.ID] })
		as = slices.DeleteFunc(as, func(a compliance.Assessment) bool { return !keep[a.Tenant] })
	}
	if c.Query("format") == "csv" {
		var b bytes.Buffer
		if err := compliance.WriteCSV(&b, as); err != nil {
			return err
		}
		name := fmt.Sprintf("tuan-thu-%s-%s.csv", d.From, d.To)
		c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		return nil
	}
	byTenant := map[string][]*compliance.Assessment{}
	weekIndex := map[string]int{}
	for i, w := range d.Weeks {
		weekIndex[w] = i
		d.Summary = append(d.Summary, weekSummary{Week: w})
	}
	for i := range as {
		a := &as[i]
		row := byTenant[a.Tenant]
		if row == nil {
			row = make([]*compliance.Assessment, len(weeks))
			byTenant[a.Tenant] = row
		}
		wi := weekIndex[a.Week]
		row[wi] = a
		switch a.Status {
		case compliance.StatusOK:
			d.Summary[wi].OK++
		case compliance.StatusBehind:
			d.Summary[wi].Behind++
		default:
			d.Summary[wi].NotYetDue++
		}
	}
	// Rows are paged by tenant id (the report itself is computed whole:
	// its cost is the updates' query, not the rows shown).
	after := c.Query("after")
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(tenants, after, func(t hubread.Tenant, id string) int { return strings.Compare(t.ID, id) })
		for start < len(tenants) && tenants[start].ID <= after {
			start++
		}
	}
	end := min(start+complianceRowsPerPage, len(tenants))
	for _, t := range tenants[start:end] {
		d.Rows = append(d.Rows, complianceRow{Tenant: t, Weeks: byTenant[t.ID]})
	}
	q := c.Request.URL.Query()
	q.Del("after")
	q.Del("lang")
	if end < len(tenants) {
		q.Set("after", tenants[end-1].ID)
		d.Next = "/tuan-thu?" + q.Encode()
		q.Del("after")
	}
	if start > 0 {
		d.Prev = "/tuan-thu?" + q.Encode()
	}
	q.Set("format", "csv")
	d.CSV = "/tuan-thu?" + q.Encode()
	if only != "" {
		t := tenants[0]
		d.Tenant = &t
		if d.Days, err = s.days(l, first.Start(), last.End(), t.CreatedAt, updates[t.ID], now); err != nil {
			d.Error = err.Error()
			return s.show(c, http.StatusBadRequest, "compliance", s.newPage(c, l.T("compliance.title"), "compliance", d))
		}
		d.Heatmap = chart.Heatmap{ID: "heatmap", Title: l.T("compliance.heatmap_title", t.Name(l.Lang), d.From, d.To),
			Desc: heatmapDesc(l, d.Days), Days: cells(d.Days),
			DayNames: [7]string{l.T("day.1"), l.T("day.2"), l.T("day.3"), l.T("day.4"), l.T("day.5"), l.T("day.6"), l.T("day.0")},
			Legend:   [5]string{l.T("legend.off"), l.T("legend.none"), "1", "2–3", "4+"}}
	}
	title := l.T("compliance.title")
	if d.Tenant != nil {
		title = l.T("compliance.tenant_title", d.Tenant.Name(l.Lang))
	}
	return s.show(c, http.StatusOK, "compliance", s.newPage(c, title, "compliance", d))
}

// days are the period's days with their counted updates, for the heatmap
// and its table. Days before the tenant's obligations began (the day after
// it was registered) are drawn as days off: nothing was owed.
func (s *Server) days(l *Localizer, from, to, created time.Time, updates []time.Time, now time.Time) ([]dayRow, error) {
	count := map[time.Time]int{}
	for _, u := range updates {
		count[compliance.Day(u)]++
	}
	today := compliance.Day(now)
	owed := compliance.Day(created).AddDate(0, 0, 1)
	var out []dayRow
	for d := compliance.Day(from); d.Before(to); d = d.AddDate(0, 0, 1) {
		if d.Before(owed) {
			what := l.T("legend.before")
			out = append(out, dayRow{chart.Day{Date: d, Count: count[d], Off: true,
				Tip: l.T("compliance.day_tip", l.Date(d), what, count[d])}, what})
			continue
		}
		working, err := s.cfg.Rules.Calendar.WorkingDay(d)
		if err != nil {
			return nil, err
		}
		day := chart.Day{Date: d, Count: count[d], Off: !working, Future: d.After(today)}
		what := l.T("legend.working")
		if h := s.cfg.Rules.Calendar.Holiday(d); h != "" {
			what = h
		} else if !working {
			what = l.T("legend.off")
		}
		day.Tip = l.T("compliance.day_tip", l.Date(d), what, day.Count)
		out = append(out, dayRow{day, what})
	}
	return out, nil
}

func cells(rows []dayRow) []chart.Day {
	out := make([]chart.Day, len(rows))
	for i, r := range rows {
		out[i] = r.Day
	}
	return out
}

// heatmapDesc says in a sentence what the heatmap shows.
func heatmapDesc(l *Localizer, days []dayRow) string {
	total, missed, working := 0, 0, 0
	for _, d := range days {
		total += d.Count
		if !d.Off && !d.Future {
			working++
			if d.Count == 0 {
				missed++
			}
		}
	}
	return l.T("compliance.heatmap_desc", total, working, missed)
}
