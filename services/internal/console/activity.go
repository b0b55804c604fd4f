package console

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/chart"
	"github.com/portalhub/portalhub/services/internal/compliance"
)

// Bounds of the activity page.
const (
	defaultActivityDays = 30
	maxActivityDays     = 366
	activityTopTenants  = 20
)

type activityData struct {
	From, To string // yyyy-mm-dd, both included
	Tenant   string
	Name     string
	Total    int
	Days     []activityDay
	Chart    chart.Bars
	Top      []tenantCount
	CSV      string
}

type activityDay struct {
	Date  time.Time
	Count int
}

type tenantCount struct {
	Tenant hubread.Tenant
	Count  int
}

// activity is publishing activity: the updates that count (Article 11's
// rule: hubstore.ComplianceUpdates) per day of a period, for every tenant
// or one, as an SVG bar chart with a table and a CSV; across tenants, the
// most active ones.
func (s *Server) activity(c *gin.Context) error {
	ctx := c.Request.Context()
	l := s.loc(c)
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	d := activityData{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Tenant: strings.TrimSpace(c.Query("tenant"))}
	var tenant hubread.Tenant
	if d.Tenant != "" {
		if tenant, err = s.read.Tenant(ctx, d.Tenant); err != nil {
			return err
		}
		d.Name = tenant.Name(l.Lang)
	}
	bulk := 7
	if s.cfg.Rules != nil {
		bulk = s.cfg.Rules.Counting.BulkImportAgeDays
	}
	updates, err := s.cfg.Store.ComplianceUpdates(ctx, from, to.AddDate(0, 0, 1), bulk)
	if err != nil {
		return err
	}
	perDay := map[time.Time]int{}
	perTenant := map[string]int{}
	for t, us := range updates {
		if d.Tenant != "" && t != d.Tenant {
			continue
		}
		for _, u := range us {
			perDay[compliance.Day(u)]++
		}
		perTenant[t] += len(us)
	}
	if c.Query("format") == "csv" {
		return s.activityCSV(c, d, from, to, updates)
	}
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		n := perDay[day]
		d.Days = append(d.Days, activityDay{Date: day, Count: n})
		d.Total += n
		d.Chart.Bars = append(d.Chart.Bars, chart.Bar{Label: day.Format("02/01"), Value: n,
			Tip: l.T("activity.bar_tip", l.Date(day), n)})
	}
	busiest := slices.MaxFunc(d.Days, func(a, b activityDay) int { return a.Count - b.Count })
	who := l.T("activity.all_tenants")
	if d.Tenant != "" {
		who = d.Name
	}
	d.Chart.ID = "activity"
	d.Chart.Title = l.T("activity.chart_title", who, l.Date(from), l.Date(to))
	d.Chart.Desc = l.T("activity.chart_desc", d.Total, len(d.Days), l.Date(busiest.Date), busiest.Count)
	if d.Total == 0 {
		d.Chart.Desc = l.T("activity.chart_empty", len(d.Days))
	}
	if d.Tenant == "" {
		all, err := s.read.Tenants(ctx)
		if err != nil {
			return err
		}
		for _, t := range all {
			if n := perTenant[t.ID]; n > 0 {
				d.Top = append(d.Top, tenantCount{Tenant: t, Count: n})
			}
		}
		slices.SortFunc(d.Top, func(a, b tenantCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Tenant.ID, b.Tenant.ID)
		})
		d.Top = d.Top[:min(len(d.Top), activityTopTenants)]
	}
	q := c.Request.URL.Query()
	q.Del("lang")
	q.Set("format", "csv")
	d.CSV = "/hoat-dong?" + q.Encode()
	return s.show(c, http.StatusOK, "activity", s.newPage(c, l.T("activity.title"), "activity", d))
}

// activityCSV writes date,tenant,updates: one row per tenant and day with
// updates (or every day, with 0, for one tenant).
func (s *Server) activityCSV(c *gin.Context, d activityData, from, to time.Time, updates map[string][]time.Time) error {
	type key struct {
		day    time.Time
		tenant string
	}
	counts := map[key]int{}
	var tenants []string
	for t, us := range updates {
		if d.Tenant != "" && t != d.Tenant {
			continue
		}
		tenants = append(tenants, t)
		for _, u := range us {
			counts[key{compliance.Day(u), t}]++
		}
	}
	if d.Tenant != "" {
		tenants = []string{d.Tenant}
	}
	slices.Sort(tenants)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"date", "tenant", "updates"})
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		for _, t := range tenants {
			n := counts[key{day, t}]
			if n == 0 && d.Tenant == "" {
				continue
			}
			w.Write([]string{day.Format(time.DateOnly), t, strconv.Itoa(n)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="hoat-dong-`+d.From+`-`+d.To+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
	return nil
}
