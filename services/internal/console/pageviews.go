package console

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/chart"
	"github.com/portalhub/portalhub/services/internal/compliance"
)

// viewsTop is how many sites and pages the page views page lists.
const viewsTop = 20

type viewsData struct {
	From, To string
	Tenant   string // "" all sites, "-" the provincial portal's own pages, else a tenant id
	Name     string
	Total    hubread.ViewCount
	Days     []viewDay
	Chart    chart.Bars
	Sites    []viewSite
	Langs    []hubread.ViewCount
	Paths    []hubread.ViewCount
	CSV      string
}

type viewDay struct {
	Date        time.Time
	Views, Bots int64
}

type viewSite struct {
	hubread.ViewCount
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
	var site *string
	switch d.Tenant {
	case "":
	case "-":
		site, d.Name = new(string), l.T("views.portal")
	default:
		t, err := s.read.Tenant(ctx, d.Tenant)
		if err != nil {
			return err
		}
		site, d.Name = &t.ID, t.Name(l.Lang)
	}
	if c.Query("format") == "csv" {
		rows, err := s.read.PageViewRows(ctx, site, from, to)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{"date", "tenant", "lang", "views", "bot_views"})
		for _, r := range rows {
			w.Write([]string{r.Day, r.Tenant, r.Lang, strconv.FormatInt(r.Views, 10), strconv.FormatInt(r.Bots, 10)})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		c.Header("Content-Disposition", `attachment; filename="luot-xem-`+d.From+`-`+d.To+`.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		return nil
	}
	byDay, err := s.read.PageViews(ctx, site, from, to, "day", 0)
	if err != nil {
		return err
	}
	counts := map[string]hubread.ViewCount{}
	for _, v := range byDay {
		counts[v.Key] = v
		d.Total.Views += v.Views
		d.Total.Bots += v.Bots
	}
	busiest := viewDay{Date: from}
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		v := counts[day.Format(time.DateOnly)]
		vd := viewDay{Date: day, Views: v.Views, Bots: v.Bots}
		d.Days = append(d.Days, vd)
		if vd.Views > busiest.Views {
			busiest = vd
		}
		d.Chart.Bars = append(d.Chart.Bars, chart.Bar{Label: day.Format("02/01"), Value: int(v.Views),
			Tip: l.T("views.bar_tip", l.Date(day), v.Views, v.Bots)})
	}
	who := l.T("views.all_sites")
	if d.Name != "" {
		who = d.Name
	}
	d.Chart.ID = "views"
	d.Chart.Title = l.T("views.chart_title", who, l.Date(from), l.Date(to))
	d.Chart.Desc = l.T("views.chart_desc", d.Total.Views, len(d.Days), l.Date(busiest.Date), busiest.Views, d.Total.Bots)
	if site == nil {
		sites, err := s.read.PageViews(ctx, nil, from, to, "tenant", viewsTop)
		if err != nil {
			return err
		}
		all, err := s.read.Tenants(ctx)
		if err != nil {
			return err
		}
		names := map[string]string{"": l.T("views.portal")}
		for _, t := range all {
			names[t.ID] = t.Name(l.Lang)
		}
		for _, v := range sites {
			d.Sites = append(d.Sites, viewSite{v, names[v.Key]})
		}
	}
	if d.Langs, err = s.read.PageViews(ctx, site, from, to, "lang", 0); err != nil {
		return err
	}
	if d.Paths, err = s.read.PageViews(ctx, site, from, to, "path", viewsTop); err != nil {
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
