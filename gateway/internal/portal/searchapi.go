package portal

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/search"
)

// searchAPI answers GET /api/v1/search with the parameters of the search
// page (see searchRequest) as JSON: the results of one page with their
// URLs and snippets (plain text, the words found listed apart so a client
// can mark them), the counts of every filter value, the best bets and a
// suggestion. Messages (the problem documents of a 400, the filters' names)
// are in the language of Accept-Language.
func (s *Server) searchAPI(c *gin.Context) {
	lang := i18n.Negotiate(c.GetHeader("Accept-Language"))
	l := s.cfg.Catalog.For(lang)
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Language", lang)
	problem := func(status int, title, detail, field string) {
		p := map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail}
		if field != "" {
			// Named as every answer of the API names a bad parameter.
			p["field"], p["invalid_params"] = field, []map[string]string{{"name": field, "reason": detail}}
		}
		b, _ := json.Marshal(p)
		c.Data(status, "application/problem+json", append(b, '\n'))
	}
	ctx := c.Request.Context()
	tenants, _, err := s.tenantsByID(ctx)
	if err == nil {
		var cats []hubread.Category
		if cats, err = s.categories(ctx); err == nil {
			req, p := s.parseSearchRequest(ctx, c.Request.URL.Query(), lang, tenants, cats)
			if p != nil {
				problem(http.StatusBadRequest, l.T("search.error.title"), l.T(p.id, p.kv...), p.field)
				return
			}
			var res *hubread.SearchResult
			if !req.query.Empty() {
				res, err = s.cfg.Store.Search(ctx, req.params)
			} else {
				res = &hubread.SearchResult{}
			}
			if err == nil {
				if res.Total == 0 && len(res.BestBets) == 0 && !req.query.Empty() {
					s.countMiss(req)
				}
				b, _ := json.Marshal(s.apiAnswer(c, req, res, lang))
				c.Data(http.StatusOK, "application/json", append(b, '\n'))
				return
			}
		}
	}
	if errors.Is(err, hubread.ErrSearchTimeout) {
		c.Header("Retry-After", "5")
		problem(http.StatusServiceUnavailable, l.T("search.busy.title"), l.T("search.busy.text"), "")
		return
	}
	s.cfg.Log.Error().Err(err).Msg("search API failed")
	problem(http.StatusInternalServerError, l.T("error.internal.title"), l.T("error.internal.text"), "")
}

// uriTooLong answers a request whose address is longer than maxURLBytes:
// 414 with a page (or, under /api/, a problem document) explaining it.
func (s *Server) uriTooLong(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		l := s.cfg.Catalog.For(i18n.Negotiate(c.GetHeader("Accept-Language")))
		b, _ := json.Marshal(map[string]any{"type": "about:blank", "title": l.T("error.uri_too_long.title"),
			"status": http.StatusRequestURITooLong, "detail": l.T("error.uri_too_long.text")})
		c.Data(http.StatusRequestURITooLong, "application/problem+json", append(b, '\n'))
		return
	}
	s.errorPage(c, &pageError{status: http.StatusRequestURITooLong, titleID: "error.uri_too_long.title", textID: "error.uri_too_long.text"})
}

type apiSearchAnswer struct {
	Query      string                `json:"query"`
	Total      int                   `json:"total"`
	Capped     bool                  `json:"total_is_lower_bound"`
	Page       int                   `json:"page"`
	PageSize   int                   `json:"page_size"`
	Results    []apiHit              `json:"results"`
	BestBets   []apiHit              `json:"best_bets"`
	Facets     map[string][]apiFacet `json:"facets"`
	Suggestion string                `json:"suggestion,omitempty"`
}

type apiHit struct {
	URL         string    `json:"url"`
	Tenant      string    `json:"tenant"`
	ContentID   string    `json:"content_id"`
	Language    string    `json:"language"`
	Kind        string    `json:"kind"`
	Category    string    `json:"category"`
	Title       string    `json:"title"`
	Snippet     string    `json:"snippet"`
	Matches     []string  `json:"matches"`
	PublishedAt time.Time `json:"published_at"`
}

type apiFacet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func (s *Server) apiAnswer(c *gin.Context, req *searchRequest, res *hubread.SearchResult, lang string) apiSearchAnswer {
	origin := s.origin(c.Request)
	terms := req.query.Terms()
	hit := func(h hubread.Hit) apiHit {
		snip := search.Snippet(h.Body, terms)
		a := apiHit{URL: origin + "/" + h.Locale + "/" + h.Tenant + "/" + h.Slug, Tenant: h.Owner, ContentID: h.ContentID,
			Language: h.Locale, Kind: h.Kind, Category: h.Category, Title: h.Title, Snippet: search.PlainText(snip),
			Matches: []string{}, PublishedAt: h.PublishedAt}
		seen := map[string]bool{}
		for _, seg := range append(search.MarkAll(h.Title, terms), snip...) {
			if seg.Mark && !seen[seg.Text] {
				seen[seg.Text] = true
				a.Matches = append(a.Matches, seg.Text)
			}
		}
		return a
	}
	out := apiSearchAnswer{Query: req.raw, Total: res.Total, Capped: res.Capped, Page: req.params.Page,
		PageSize: hubread.SearchPageSize, Results: []apiHit{}, BestBets: []apiHit{}, Facets: map[string][]apiFacet{}}
	for _, h := range res.Hits {
		out.Results = append(out.Results, hit(h))
	}
	for _, h := range res.BestBets {
		out.BestBets = append(out.BestBets, hit(h))
	}
	for name, values := range map[string][]hubread.FacetValue{"tenant": res.Facets.Tenant, "kind": res.Facets.Kind,
		"category": res.Facets.Category, "lang": res.Facets.Locale, "date": res.Facets.Dates} {
		out.Facets[name] = []apiFacet{}
		for _, v := range values {
			out.Facets[name] = append(out.Facets[name], apiFacet{Value: v.Value, Count: v.Count})
		}
	}
	if res.Total < 3 && !req.query.Empty() {
		if sug, err := s.cfg.Store.Suggest(c.Request.Context(), req.raw, nil, res.Total); err == nil {
			out.Suggestion = sug
		}
	}
	return out
}
