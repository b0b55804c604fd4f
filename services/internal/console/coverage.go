package console

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"

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
	got, err := s.ops(c).Coverage(c.Request.Context(), &pb.CoverageRequest{Query: d.Filter.Query, TenantKind: d.Filter.Kind,
		PageToken: c.Query("page"), PageSize: tenantsPageSize})
	if err != nil {
		return err
	}
	d.Kinds, d.English = got.GetRequiredKinds(), got.GetEnglishKinds()
	for _, t := range got.GetTenants() {
		row := coverageRow{Tenant: hubread.Tenant{ID: t.GetTenantId(), NameVI: t.GetNameVi(), NameEN: t.GetNameEn(), NameRU: t.GetNameRu()}}
		cov := map[string]*pb.KindCoverage{}
		for _, k := range t.GetKinds() {
			cov[k.GetKind()] = k
			row.Items += int(k.GetItems())
			row.English += int(k.GetEnglish())
			row.Russian += int(k.GetRussian())
		}
		for _, kind := range d.Kinds {
			k := cov[kind]
			row.Cells = append(row.Cells, coverageCell{Kind: kind, Items: int(k.GetItems()), English: int(k.GetEnglish()),
				WantEN: slices.Contains(d.English, kind)})
		}
		row.Missing, row.EnglishMissing = len(t.GetMissing()), t.GetEnglishMissing()
		d.Rows = append(d.Rows, row)
	}
	q := url.Values{"q": {d.Filter.Query}, "kind": {d.Filter.Kind}}
	d.Prev, d.Next = pageLink("/pham-vi", q, got.GetPrevPageToken()), pageLink("/pham-vi", q, got.GetNextPageToken())
	return s.show(c, http.StatusOK, "coverage", s.newPage(c, s.loc(c).T("coverage.title"), "coverage", d))
}
