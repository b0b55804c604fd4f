package console

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/internal/chart"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/stats"
)

// viewsTop is how many sites and pages the page views page lists.
const viewsTop = 20

type viewsData struct {
	From, To string
	Tenant   string // "" all sites, "-" the provincial portal's own pages, else a tenant id
	Name     string
	Total    stats.Total
	Days     []viewDay
	Chart    chart.Bars
	Sites    []viewSite
	Langs    []stats.Total
	Paths    []stats.PageViews
	CSV      string
}

type viewDay struct {
	Date        time.Time
	Views, Bots int64
}

type viewSite struct {
	stats.Total
	Name string
}

// pageViews is the statistics of page views (Article 5.2.h): views per day
// of a period, people and bots apart, for every site or one, as a bar chart
// with its table and a CSV, with the most viewed sites, languages and pages.
func (s *Server) pageViews(c *gin.Context) error {
	ctx := c.Request.Context()
	l := s.loc(c)
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	d := viewsData{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Tenant: strings.TrimSpace(c.Query("tenant"))}
	// The site in stats' terms: "*" every site, stats.Provincial the
	// provincial portal's own pages, else a tenant.
	site := "*"
	switch d.Tenant {
	case "":
	case "-":
		site, d.Name = stats.Provincial, l.T("views.portal")
	default:
		t, err := s.read.Tenant(ctx, d.Tenant)
		if err != nil {
			return err
		}
		site, d.Name = t.ID, t.Name(l.Lang)
	}
	st, r := stats.New(s.cfg.Store.Pool()), stats.Range{From: from, To: to}
	if c.Query("format") == "csv" {
		rows, err := st.Views(ctx, r, site)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := stats.WriteViewsCSV(&b, rows); err != nil {
			return err
		}
		c.Header("Content-Disposition", `attachment; filename="luot-xem-`+d.From+`-`+d.To+`.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		return nil
	}
	byDay, err := st.Totals(ctx, r, site, stats.ByDay, 0)
	if err != nil {
		return err
	}
	counts := map[string]stats.Total{}
	for _, v := range byDay {
		counts[v.Key] = v
		d.Total.Views += v.Views
		d.Total.BotViews += v.BotViews
	}
	busiest := viewDay{Date: from}
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		v := counts[day.Format(time.DateOnly)]
		vd := viewDay{Date: day, Views: v.Views, Bots: v.BotViews}
		d.Days = append(d.Days, vd)
		if vd.Views > busiest.Views {
			busiest = vd
		}
		d.Chart.Bars = append(d.Chart.Bars, chart.Bar{Label: day.Format("02/01"), Value: int(v.Views),
			Tip: l.T("views.bar_tip", l.Date(day), v.Views, v.BotViews)})
	}
	who := l.T("views.all_sites")
	if d.Name != "" {
		who = d.Name
	}
	d.Chart.ID = "views"
	d.Chart.Title = l.T("views.chart_title", who, l.Date(from), l.Date(to))
	d.Chart.Desc = l.T("views.chart_desc", d.Total.Views, len(d.Days), l.Date(busiest.Date), busiest.Views, d.Total.BotViews)
	if d.Total.Views == 0 {
		d.Chart.Desc = l.T("views.chart_empty", len(d.Days), d.Total.BotViews)
	}
	if site == "*" {
		sites, err := st.Totals(ctx, r, site, stats.ByTenant, viewsTop)
		if err != nil {
			return err
		}
		all, err := s.read.Tenants(ctx)
		if err != nil {
			return err
		}
		names := map[string]string{stats.Provincial: l.T("views.portal")}
		for _, t := range all {
			names[t.ID] = t.Name(l.Lang)
		}
		for _, v := range sites {
			d.Sites = append(d.Sites, viewSite{v, names[v.Key]})
		}
	}
	if d.Langs, err = st.Totals(ctx, r, site, stats.ByLang, 0); err != nil {
		return err
	}
	if d.Paths, err = st.TopPages(ctx, r, site, viewsTop); err != nil {
		return err
	}
	q := c.Request.URL.Query()
	q.Del("lang")
	q.Set("format", "csv")
	d.CSV = "/luot-xem?" + q.Encode()
	return s.show(c, http.StatusOK, "pageviews", s.newPage(c, l.T("views.title"), "views", d))
}

// period reads a page's ?from= and ?to= days (GMT+7, both included): the
// last defaultActivityDays by default, at most maxActivityDays.
func (s *Server) period(c *gin.Context) (from, to time.Time, err error) {
	today := compliance.Day(s.cfg.Now())
	from, to = today.AddDate(0, 0, -(defaultActivityDays-1)), today
	if v := c.Query("from"); v != "" {
		if from, err = time.ParseInLocation(time.DateOnly, v, compliance.Zone); err != nil {
			return from, to, errBadInput
		}
	}
	if v := c.Query("to"); v != "" {
		if to, err = time.ParseInLocation(time.DateOnly, v, compliance.Zone); err != nil {
			return from, to, errBadInput
		}
	}
	if days := int(to.Sub(from).Hours()/24+0.5) + 1; days < 1 || days > maxActivityDays {
		return from, to, errBadInput
	}
	return from, to, nil
}
