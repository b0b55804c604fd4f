package backoffice

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/editorial"
)

type royaltiesView struct {
	Period  string // "month" or "quarter"
	Month   string // YYYY-MM
	Year    string
	Quarter string
	Label   string
	From    time.Time
	To      time.Time
	Lines   []editorial.RoyaltyLine
	Totals  []editorial.RoyaltyTotal
	CSVURL  string
	Points  float64
	Amount  int64
	Years   []int
}

// period reads the chosen period from the query, defaulting to the current
// month in Viet Nam.
func (s *Server) period(r *http.Request, l *Localizer, fe *FormErrors) royaltiesView {
	q := r.URL.Query()
	now := time.Now().In(vnZone)
	v := royaltiesView{Period: q.Get("period"), Month: q.Get("month"), Year: q.Get("year"), Quarter: q.Get("quarter")}
	if v.Period != "quarter" {
		v.Period = "month"
	}
	if v.Month == "" {
		v.Month = now.Format("2006-01")
	}
	if v.Year == "" {
		v.Year = strconv.Itoa(now.Year())
	}
	if v.Quarter == "" {
		v.Quarter = strconv.Itoa((int(now.Month())-1)/3 + 1)
	}
	for y := now.Year(); y >= now.Year()-5; y-- {
		v.Years = append(v.Years, y)
	}
	switch v.Period {
	case "month":
		t, err := time.ParseInLocation("2006-01", v.Month, vnZone)
		if err != nil {
			fe.Add("month", l.T("royalties.month_invalid"))
			t = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, vnZone)
			v.Month = t.Format("2006-01")
		}
		v.From, v.To = editorial.Month(t.Year(), t.Month())
		v.Label = l.T("royalties.month_label", int(t.Month()), t.Year())
	case "quarter":
		y, err1 := strconv.Atoi(v.Year)
		qn, err2 := strconv.Atoi(v.Quarter)
		if err1 != nil || y < 2000 || y > 2100 {
			fe.Add("year", l.T("royalties.year_invalid"))
			y = now.Year()
		}
		if err2 != nil || qn < 1 || qn > 4 {
			fe.Add("quarter", l.T("royalties.quarter_invalid"))
			qn = 1
		}
		v.From, v.To = editorial.Quarter(y, qn)
		v.Label = l.T("royalties.quarter_label", qn, y)
	}
	v.CSVURL = "/nhuan-but.csv?" + q.Encode()
	return v
}

func (s *Server) royalties(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	fe := &FormErrors{}
	v := s.period(r, l, fe)
	if fe.Any() {
		return s.render(w, r, http.StatusBadRequest, "royalties", &Page{Title: l.T("royalties.title"), Data: v, Errors: fe})
	}
	lines, err := s.cfg.Editorial.Royalties(r.Context(), v.From, v.To)
	if err != nil {
		return err
	}
	v.Lines = lines
	v.Totals = editorial.RoyaltyTotals(lines)
	for _, t := range v.Totals {
		v.Points += t.Points
		v.Amount += t.AmountVND
	}
	return s.render(w, r, http.StatusOK, "royalties", &Page{Title: l.T("royalties.title"), Data: v, Wide: true})
}

func (s *Server) royaltiesCSV(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	fe := &FormErrors{}
	v := s.period(r, l, fe)
	if fe.Any() {
		return s.render(w, r, http.StatusBadRequest, "royalties", &Page{Title: l.T("royalties.title"), Data: v, Errors: fe})
	}
	lines, err := s.cfg.Editorial.Royalties(r.Context(), v.From, v.To)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := editorial.RoyaltiesCSV(&buf, lines); err != nil {
		return err
	}
	name := fmt.Sprintf("nhuan-but-%s-%s.csv", s.cfg.Tenant, strings.ReplaceAll(v.From.In(vnZone).Format("2006-01"), "/", "-"))
	if v.Period == "quarter" {
		name = fmt.Sprintf("nhuan-but-%s-%d-q%s.csv", s.cfg.Tenant, v.From.In(vnZone).Year(), v.Quarter)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}
