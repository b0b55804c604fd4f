package portal

import (
	"context"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// The catalogue of public services (category "public-services", Article
// 8.5): the services in Vietnamese alphabetical order, filtered by agency,
// field, online level and handling level with their counts, each with a
// link to where it is performed.
//
//	q         words of the name and summary
//	agency    the agency that performs it
//	field     its field (lĩnh vực)
//	level     the online level: 2 (toàn trình, full) or 1 (một phần, partial)
//	handling  the level that handles it: province or commune
//	page      a cursor
var serviceParams = []string{"q", "agency", "field", "level", "handling", pageParam}

// nationalServicePortal is where a service is performed when its agency
// gives no address of its own: the national public-service portal.
const nationalServicePortal = "https://dichvucong.gov.vn"

// serviceLevels and handlingLevels are the values of the catalogue's
// closed filters.
var (
	serviceLevels  = []string{"2", "1"}
	handlingLevels = []string{"province", "commune"}
)

func parseServiceForm(sec section) (*finderForm, hubread.ServiceQuery) {
	f := newFinderForm(serviceParams, sec.Query)
	q := hubread.ServiceQuery{}
	if sec.Tenant != nil {
		q.Tenant = sec.Tenant.ID
	}
	q.Keyword, q.Agency, q.Field = f.text("q"), f.text("agency"), f.text("field")
	if v := f.choice("level", func(v string) bool { return contains(serviceLevels, v) }); v != "" {
		q.Level = int(v[0] - '0')
	}
	q.HandlingLevel = f.choice("handling", func(v string) bool { return contains(handlingLevels, v) })
	q.Cursor = f.cursor(hubread.ServiceKeyFields)
	return f, q
}

// servicesSection renders the catalogue of a section.
func (s *Server) servicesSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	f, q := parseServiceForm(sec)
	cat, err := fetchFinder(f, &q.Cursor, func() (hubread.ServiceCatalogue, error) { return s.cfg.Store.Services(ctx, q) })
	if err != nil {
		return nil, err
	}
	tenants, err := s.sectionTenants(ctx, sec)
	if err != nil {
		return nil, err
	}
	return s.sectionPageRender("services", s.servicesView(sec, f, q, cat, tenants), sec, f.problem())
}

// servicesView is the catalogue's page.
type servicesView struct {
	finderView
	Rows       []serviceRowView
	Provincial bool
	Perform    string // the label of a service's link to where it is performed
}

// serviceRowView is one service of the catalogue.
type serviceRowView struct {
	Href, Name, NameLang string
	Code, Field, Agency  string
	Level, Handling      string
	// URL is where it is performed; National says it is the national
	// portal's address.
	URL        string
	National   bool
	TenantName string
	TextLang   string // "vi" on another language's page: field and agency are the tenant's words
}

func (s *Server) servicesView(sec section, f *finderForm, q hubread.ServiceQuery, cat hubread.ServiceCatalogue,
	tenants map[string]hubread.Tenant) servicesView {
	lang := sec.Lang
	v := servicesView{finderView: s.newFinderView(sec, f, q.Cursor, cat.Prev, cat.Next, "service"), Provincial: sec.Tenant == nil}
	l := v.L
	textLang := ownWordsLang(lang)
	level := ""
	if q.Level != 0 {
		level = f.values.Get("level")
	}
	v.field(f, "search", "q")
	v.selectField("agency", facetOptions(cat.Agencies, q.Agency, asIs), textLang)
	v.selectField("field", facetOptions(cat.Fields, q.Field, asIs), textLang)
	v.selectField("level", facetOptions(cat.Levels, level, func(fv hubread.FacetValue) (string, string) {
		return l.T("service.level." + fv.Value), ""
	}), "")
	v.selectField("handling", facetOptions(cat.HandlingLevels, q.HandlingLevel,
		func(fv hubread.FacetValue) (string, string) { return l.T("service.handling." + fv.Value), "" }), "")
	v.Total = l.N("service.total", cat.Total, "Total", formatNumber(lang, int64(cat.Total)))
	v.Perform = l.T("service.perform")
	for _, sv := range cat.Rows {
		text, fallback := sv.In(lang)
		row := serviceRowView{Href: itemPath(lang, sv.Tenant, text.Slug), Name: text.Title, Code: sv.Code,
			Field: sv.Field, Agency: sv.Agency, URL: sv.URL, TextLang: textLang}
		if fallback {
			row.NameLang = i18n.Default
		}
		if sv.Level != 0 {
			row.Level = l.T("service.level." + string(rune('0'+sv.Level)))
		}
		if contains(handlingLevels, sv.HandlingLevel) {
			row.Handling = l.T("service.handling." + sv.HandlingLevel)
		}
		if row.URL == "" {
			row.URL, row.National = nationalServicePortal, true
		}
		if t, ok := tenants[sv.Tenant]; ok && sec.Tenant == nil {
			row.TenantName = t.Name(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Empty, v.TableClass = len(v.Rows) == 0, "services"
	v.PastEnd = v.Empty && q.Cursor != nil
	return v
}
