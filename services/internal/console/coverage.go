package console

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
)

type coverageData struct {
	Rules       bool
	Kinds       []string // the rules' required kinds (Article 8)
	English     []string // kinds wanted in English
	Filter      hubread.OpsTenantFilter
	TenantKinds []string
	Rows        []coverageRow
	Prev, Next  string
}

type coverageRow struct {
	Tenant  hubread.Tenant
	Cells   []coverageCell // one per required kind
	Missing int            // required kinds with nothing published
	// EnglishMissing are the kinds wanted in English that have items but
	// none in English.
	EnglishMissing          []string
	Items, English, Russian int
}

type coverageCell struct {
	Kind    string
	Items   int
	English int
	WantEN  bool
}

// coverage shows, per tenant, which of the Article 8 kinds the rules file
// requires it has published and in which languages (Decree 42/2022 wants
// the organisation in English), a page of tenants at a time.
func (s *Server) coverage(c *gin.Context) error {
	d := coverageData{Rules: s.cfg.Rules != nil, TenantKinds: hubread.TenantKinds,
		Filter: hubread.OpsTenantFilter{Query: c.Query("q"), Kind: c.Query("kind"), Status: "active"}}
	if d.Filter.Kind != "" && !slices.Contains(hubread.TenantKinds, d.Filter.Kind) {
		return errBadInput
	}
	if s.cfg.Rules == nil {
		return s.show(c, http.StatusOK, "coverage", s.newPage(c, s.loc(c).T("coverage.title"), "coverage", d))
	}
	d.Kinds, d.English = s.cfg.Rules.Coverage.RequiredKinds, s.cfg.Rules.Coverage.English
	cur, err := cursorOf(c, hubread.TenantsKeyFields)
	if err != nil {
		return err
	}
	pg, err := s.read.OpsTenants(c.Request.Context(), d.Filter, cur, tenantsPageSize)
	if err != nil {
		return err
	}
	ids := make([]string, len(pg.Rows))
	for i, t := range pg.Rows {
		ids[i] = t.ID
	}
	cov, err := s.read.Coverage(c.Request.Context(), ids)
	if err != nil {
		return err
	}
	for _, t := range pg.Rows {
		row := coverageRow{Tenant: t.Tenant}
		for _, k := range cov[t.ID] {
			row.Items += k.Items
			row.English += k.English
			row.Russian += k.Russian
		}
		for _, kind := range d.Kinds {
			k := cov[t.ID][kind]
			cell := coverageCell{Kind: kind, Items: k.Items, English: k.English, WantEN: slices.Contains(d.English, kind)}
			if k.Items == 0 {
				row.Missing++
			}
			row.Cells = append(row.Cells, cell)
		}
		for _, kind := range d.English {
			if k := cov[t.ID][kind]; k.Items > 0 && k.English == 0 {
				row.EnglishMissing = append(row.EnglishMissing, kind)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	q := url.Values{"q": {d.Filter.Query}, "kind": {d.Filter.Kind}}
	d.Prev, d.Next = pageLink("/pham-vi", q, pg.Prev), pageLink("/pham-vi", q, pg.Next)
	return s.show(c, http.StatusOK, "coverage", s.newPage(c, s.loc(c).T("coverage.title"), "coverage", d))
}
