package portal

import (
	"context"
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/search"
)

// searchPage answers /{lang}/search: the search form, and for a query its
// results, filters with their counts, best bets, a spelling suggestion and
// pages. Search pages are rendered for each request, never cached (the
// query is the visitor's own, and results follow every publish); bad input
// is a 400 page in the page's language with the form to try again.
func (s *Server) searchPage(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	tenants, _, err := s.tenantsByID(ctx)
	if err != nil {
		return err
	}
	cats, err := s.categories(ctx)
	if err != nil {
		return err
	}
	base := "/" + lang + "/search"
	v := searchView{base: s.newBase(s.origin(c.Request), lang, func(l string) string { return "/" + l + "/search" }, nil)}
	v.Title, v.NoIndex, v.Canonical, v.Alternates = v.L.T("search.title"), true, "", nil
	v.Action = base

	req, problem := s.parseSearchRequest(ctx, c.Request.URL.Query(), lang, tenants, cats)
	status := http.StatusOK
	if problem != nil {
		status = http.StatusBadRequest
		v.Problem = v.L.T(problem.id, problem.kv...)
		v.Query = validOrEmpty(c.Query("q"))
		return s.writeSearch(c, status, v)
	}
	v.Query = req.raw
	for i, l := range v.Languages {
		v.Languages[i].Href = req.pageLink("/"+l.Lang+"/search", req.params.Page)
	}
	if t, ok := tenants[req.params.Tenant]; ok {
		v.Scope = t.Name(lang)
		v.WidenURL = req.link(base, "tenant", "")
		v.ScopeTenant = t.ID
	}
	if req.query.Empty() {
		v.Empty = req.raw != ""
		return s.writeSearch(c, status, v)
	}
	res, err := s.cfg.Store.Search(ctx, req.params)
	if errors.Is(err, hubread.ErrSearchTimeout) {
		s.cfg.Log.Warn().Err(err).Msg("search timed out")
		return &pageError{status: http.StatusServiceUnavailable, titleID: "search.busy.title", textID: "search.busy.text", err: err}
	}
	if err != nil {
		return err
	}
	s.fillResults(ctx, &v, req, res, tenants, cats, base)
	if res.Total == 0 && len(res.BestBets) == 0 {
		s.countMiss(req)
	}
	return s.writeSearch(c, status, v)
}

// fillResults puts a search's answer into the page's view.
func (s *Server) fillResults(ctx context.Context, v *searchView, req *searchRequest, res *hubread.SearchResult,
	tenants map[string]hubread.Tenant, cats []hubread.Category, base string) {
	lang, l := v.Lang, v.L
	terms := req.query.Terms()
	v.Searched = true
	v.Total, v.Capped = res.Total, res.Capped
	count := formatNumber(lang, int64(res.Total))
	if res.Capped {
		v.TotalText = l.N("search.results_capped", res.Total, "Total", count)
	} else {
		v.TotalText = l.N("search.results", res.Total, "Total", count)
	}
	v.Page = req.params.Page
	v.Pages = min((res.Total+hubread.SearchPageSize-1)/hubread.SearchPageSize, hubread.SearchMaxPage)
	for _, h := range res.BestBets {
		r := s.resultView(lang, h, terms, tenants, cats)
		r.BestBet = l.T("search.best_bet")
		v.BestBets = append(v.BestBets, r)
	}
	for _, h := range res.Hits {
		v.Results = append(v.Results, s.resultView(lang, h, terms, tenants, cats))
	}
	if v.Page > 1 {
		v.PrevURL, v.FirstURL = req.pageLink(base, v.Page-1), req.pageLink(base, 1)
	}
	if v.Page < v.Pages {
		v.NextURL = req.pageLink(base, v.Page+1)
	}
	if v.Page > v.Pages && v.Pages > 0 {
		v.PastEnd, v.FirstURL = true, req.pageLink(base, 1)
	}
	if res.Total < 3 {
		if sug, err := s.cfg.Store.Suggest(ctx, req.raw, nil, res.Total); err != nil {
			s.cfg.Log.Warn().Err(err).Msg("search suggestion failed")
		} else if sug != "" {
			v.Suggestion, v.SuggestionURL = sug, req.link(base, "q", sug)
		}
	}

	// Filters: each value with its count and a link that sets it; the
	// chosen value first, with a link that removes it.
	group := func(name, title string, values []hubread.FacetValue, label func(string) (string, string)) {
		g := facetGroup{Name: name, Title: title, AnyURL: req.link(base, name, "")}
		chosen := req.values.Get(name)
		g.Any = chosen == ""
		for _, fv := range values {
			text, textLang := label(fv.Value)
			if text == "" {
				continue
			}
			g.Values = append(g.Values, facetValue{Label: text, Lang: textLang, Count: fv.Count,
				URL: req.link(base, name, fv.Value), Chosen: fv.Value == chosen})
		}
		if len(g.Values) > 0 || !g.Any {
			v.Facets = append(v.Facets, g)
		}
	}
	group("tenant", l.T("search.filter.tenant"), res.Facets.Tenant, func(id string) (string, string) {
		t, ok := tenants[id]
		if !ok {
			return "", ""
		}
		name := t.Name(lang)
		if name == t.NameVI && lang != i18n.Default {
			return name, i18n.Default
		}
		return name, ""
	})
	group("kind", l.T("search.filter.kind"), res.Facets.Kind, func(w string) (string, string) {
		return l.T("kind." + contentrules.KindOfWord(w).String()), ""
	})
	group("category", l.T("search.filter.category"), res.Facets.Category, func(code string) (string, string) {
		for _, c := range cats {
			if c.Code == code {
				return c.Name(lang), ""
			}
		}
		return "", ""
	})
	group("lang", l.T("search.filter.lang"), res.Facets.Locale, func(loc string) (string, string) {
		return s.cfg.Catalog.For(loc).T("language.name"), loc
	})
	group("date", l.T("search.filter.date"), res.Facets.Dates, func(r string) (string, string) {
		return l.T("search.date." + r), ""
	})
	v.From, v.To = req.values.Get("from"), req.values.Get("to")
	v.Hidden = nil
	for _, name := range []string{"tenant", "kind", "category", "lang"} {
		if x := req.values.Get(name); x != "" {
			v.Hidden = append(v.Hidden, hiddenField{Name: name, Value: x})
		}
	}
}

// resultView is how a page shows one hit.
func (s *Server) resultView(lang string, h hubread.Hit, terms map[string]bool, tenants map[string]hubread.Tenant, cats []hubread.Category) resultView {
	l := s.cfg.Catalog.For(lang)
	r := resultView{Href: "/" + h.Locale + "/" + h.Tenant + "/" + h.Slug,
		Title: search.MarkAll(h.Title, terms), Snippet: search.Snippet(h.Body, terms),
		Kind: l.T("kind." + contentrules.KindOfWord(h.Kind).String()),
		Date: formatDate(l, h.PublishedAt), DateISO: h.PublishedAt.In(hcmc).Format(time.RFC3339)}
	if len(r.Snippet) == 0 && h.Summary != "" {
		r.Snippet = search.Snippet(h.Summary, terms)
	}
	if h.Locale != lang {
		r.ContentLang = h.Locale
	}
	if t, ok := tenants[h.Owner]; ok {
		r.Tenant = t.Name(lang)
	}
	if h.Owner != h.Tenant {
		if t, ok := tenants[h.Tenant]; ok {
			r.Formerly = l.T("search.formerly", "Name", t.Name(lang))
		}
	}
	for _, c := range cats {
		if c.Code == h.Category {
			r.Category = c.Name(lang)
		}
	}
	return r
}

// writeSearch renders the search page; it is never stored by any cache.
func (s *Server) writeSearch(c *gin.Context, status int, v searchView) error {
	b, err := s.renderer.Render("search", v)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(status, "text/html; charset=utf-8", b)
	return nil
}

// validOrEmpty returns s when it is valid UTF-8 of sensible length, for
// showing back in the form of an error page.
func validOrEmpty(s string) string {
	r := []rune(s)
	if len(r) > search.MaxQueryRunes || !utf8.ValidString(s) {
		return ""
	}
	return s
}

// searchView is the search page.
type searchView struct {
	base
	Action                     string
	Query                      string
	Problem                    string // a 400's explanation
	Empty                      bool   // a query with no words
	Searched                   bool
	Total                      int
	TotalText                  string
	Capped                     bool
	Page, Pages                int
	PastEnd                    bool
	Results                    []resultView
	BestBets                   []resultView
	Facets                     []facetGroup
	Suggestion                 string
	SuggestionURL              string
	PrevURL, NextURL, FirstURL string
	// Scope is the sub-portal the search is limited to; WidenURL searches
	// all of them.
	Scope, ScopeTenant, WidenURL string
	From, To                     string
	Hidden                       []hiddenField
}

type hiddenField struct{ Name, Value string }

type resultView struct {
	Href          string
	Title         []search.Segment
	Snippet       []search.Segment
	ContentLang   string
	Tenant        string
	Formerly      string // "formerly <tenant>" when the item's tenant merged into Tenant
	BestBet       string // the best bet's label, for a best bet
	Kind          string
	Category      string
	Date, DateISO string
}

type facetGroup struct {
	Name, Title string
	Any         bool
	AnyURL      string
	Values      []facetValue
}

type facetValue struct {
	Label, Lang, URL string
	Count            int
	Chosen           bool
}
