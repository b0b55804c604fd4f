package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// The register of legal documents (category "legal", Article 8.4): the
// columns a Vietnamese reader expects (số ký hiệu, ngày ban hành, trích
// yếu, cơ quan ban hành, hiệu lực), filters with their counts, sortable,
// 20 a page by keyset. Validity is computed for the day the page is served
// (Config.Now in Vietnam), so the page expires at the next midnight.
//
//	q         words of the abstract (trích yếu) and summary
//	number    part of the number (số ký hiệu)
//	type      a document type (Quyết định, ...)
//	issuer    an issuer's code (the hub's code list)
//	field     a field (lĩnh vực)
//	signer    part of the signer's name
//	from, to  the date of issue, both included (YYYY-MM-DD)
//	year      the year of issue
//	validity  in_force, partly_in_force, not_yet_in_force, expired
//	sort      issued-desc (default), issued-asc, effective-desc, effective-asc
//	page      a cursor
var legalParams = []string{"q", "number", "type", "issuer", "field", "signer", "from", "to", "year", "validity", "sort", pageParam}

// parseLegalForm reads the register's parameters into a query for today.
func parseLegalForm(sec section, today time.Time) (*finderForm, hubread.LegalQuery) {
	f := newFinderForm(legalParams, sec.Query)
	q := hubread.LegalQuery{Today: today}
	if sec.Tenant != nil {
		q.Tenant = sec.Tenant.ID
	}
	q.Keyword, q.Number, q.Type = f.text("q"), f.text("number"), f.text("type")
	q.Issuer = f.choice("issuer", contentrules.ValidIssuerCode)
	q.Field, q.Signer = f.text("field"), f.text("signer")
	q.From, q.To = f.date("from"), f.date("to")
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		f.bad("to", "finder.error.range")
		q.To = time.Time{}
		f.values.Del("to")
	}
	q.Year = f.year("year")
	if v := f.choice("validity", func(v string) bool { _, ok := hubread.ParseValidity(v); return ok }); v != "" {
		q.Validity = hubread.Validity(v)
	}
	q.Sort, _ = hubread.ParseLegalSort(f.choice("sort", func(v string) bool { _, ok := hubread.ParseLegalSort(v); return ok }))
	q.Cursor = f.cursor(hubread.LegalKeyFields)
	return f, q
}

// legalSection renders the register of a section (a sub-portal's, or the
// province's: every sub-portal's documents).
func (s *Server) legalSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	now := s.now()
	f, q := parseLegalForm(sec, now.In(hcmc))
	reg, err := fetchFinder(f, &q.Cursor, func() (hubread.LegalRegister, error) { return s.cfg.Store.LegalRegister(ctx, q) })
	if err != nil {
		return nil, err
	}
	tenants, err := s.sectionTenants(ctx, sec)
	if err != nil {
		return nil, err
	}
	v := s.legalRegisterView(sec, f, q, reg, tenants)
	r, err := s.sectionPageRender("legalregister", v, sec, f.problem())
	if err != nil {
		return nil, err
	}
	// Validities, and the counts of the validity filter, change with the day.
	r.ExpiresAt = startOfNextDay(now)
	return r, nil
}

// legalRegisterView is the register's page.
type legalRegisterView struct {
	finderView
	Rows       []legalRowView
	Provincial bool
	// The date column's header sorts by date of issue: its link and
	// label, and its aria-sort (ascending, descending or none).
	IssuedSortURL, IssuedSortLabel, IssuedSort string
}

// legalRowView is one document of the register.
type legalRowView struct {
	Href, Number, Title, TitleLang string
	Issued, IssuedISO              string
	Issuer, IssuerLang             string
	Validity, ValidityCode         string
	TenantName                     string
}

func (s *Server) legalRegisterView(sec section, f *finderForm, q hubread.LegalQuery, reg hubread.LegalRegister,
	tenants map[string]hubread.Tenant) legalRegisterView {
	lang := sec.Lang
	v := legalRegisterView{finderView: s.newFinderView(sec, f, q.Cursor, reg.Prev, reg.Next, "legal"), Provincial: sec.Tenant == nil}
	l := v.L
	textLang := ownWordsLang(lang)
	v.field(f, "search", "q")
	v.field(f, "text", "number")
	v.selectField("type", facetOptions(reg.Facets.Types, q.Type, asIs), textLang)
	v.selectField("validity", facetOptions(reg.Facets.Validities, string(q.Validity),
		func(fv hubread.FacetValue) (string, string) { return l.T("validity." + fv.Value), "" }), "")
	v.selectField("issuer", facetOptions(reg.Facets.Issuers, q.Issuer, func(fv hubread.FacetValue) (string, string) {
		if fv.Names.VI == "" {
			return fv.Value, ""
		}
		return fv.Names.In(lang), ""
	}), "")
	v.selectField("field", facetOptions(reg.Facets.Fields, q.Field, asIs), textLang)
	v.field(f, "text", "signer")
	v.field(f, "date", "from")
	v.field(f, "date", "to")
	year := ""
	if q.Year != 0 {
		year = f.values.Get("year")
	}
	v.selectField("year", facetOptions(reg.Facets.Years, year, nil), "")
	var sorts []optionView
	for _, o := range hubread.LegalSorts[1:] {
		sorts = append(sorts, optionView{Value: string(o), Label: l.T("legal.sort." + string(o)), Selected: o == q.Sort, Count: -1})
	}
	v.selectField("sort", sorts, "")
	v.Fields[len(v.Fields)-1].Any = l.T("legal.sort." + string(hubread.NewestIssued))
	v.fold(4) // words, number, type and validity; the rest under "more filters"
	v.Total = l.N("legal.total", reg.Facets.Total, "Total", formatNumber(lang, int64(reg.Facets.Total)))

	for _, d := range reg.Rows {
		text, fallback := d.In(lang)
		row := legalRowView{Href: itemPath(lang, d.Tenant, text.Slug), Number: d.Number, Title: text.Title,
			Validity: l.T("validity." + string(d.Validity)), ValidityCode: string(d.Validity)}
		if fallback {
			row.TitleLang = i18n.Default
		}
		if !d.IssuedOn.IsZero() {
			row.Issued, row.IssuedISO = d.IssuedOn.Format(l.T("format.date")), d.IssuedOn.Format(time.DateOnly)
		}
		// In Vietnamese the document's own words (UBND phường Nha Trang);
		// in another language the code list's name, which is translated.
		row.Issuer = d.IssuerName(lang)
		if lang == i18n.Default && d.Issuer != "" {
			row.Issuer = d.Issuer
		} else if d.IssuerNames.VI == "" || row.Issuer == d.IssuerNames.VI {
			row.IssuerLang = textLang
		}
		if t, ok := tenants[d.Tenant]; ok && sec.Tenant == nil {
			row.TenantName = t.Name(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Empty, v.TableClass = len(v.Rows) == 0, "legal"
	v.PastEnd = v.Empty && q.Cursor != nil

	// The date column's header sorts by date of issue, newest first, and
	// the other way round once it does.
	base := v.Action
	switch q.Sort {
	case hubread.NewestIssued:
		v.IssuedSort, v.IssuedSortURL, v.IssuedSortLabel = "descending", f.link(base, "sort", string(hubread.OldestIssued)), l.T("legal.sort.issued-asc")
	case hubread.OldestIssued:
		v.IssuedSort, v.IssuedSortURL, v.IssuedSortLabel = "ascending", f.link(base, "sort", ""), l.T("legal.sort.issued-desc")
	default:
		v.IssuedSort, v.IssuedSortURL, v.IssuedSortLabel = "none", f.link(base, "sort", ""), l.T("legal.sort.issued-desc")
	}
	return v
}
