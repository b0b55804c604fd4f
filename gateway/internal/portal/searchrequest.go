package portal

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/search"
)

// searchRequest is a search as the page and /api/v1/search take it:
// the query string's parameters, checked.
//
//	q         the query (at most search.MaxQueryRunes characters)
//	tenant    a sub-portal's id (its items and those of the units it took over)
//	kind      a kind of content (article, legal_document, ...)
//	category  a category code
//	lang      the language of the text found (vi, en, ru)
//	date      week, month or year: published within the last 7, 31 or 366 days
//	from, to  published on or after from, on or before to (YYYY-MM-DD, Vietnam's time)
//	page      1 to hubread.SearchMaxPage
//
// Other parameters are ignored.
type searchRequest struct {
	raw    string // q as given (NFC)
	query  *search.Query
	params hubread.SearchParams
	// values are the filters as given, to build links that keep them.
	values url.Values
}

// searchParams are the parameters a search keeps in its links, in order.
var searchParams = []string{"q", "tenant", "kind", "category", "lang", "date", "from", "to"}

// searchProblem is a request the search cannot run: its message (a
// catalogue id and values) is shown on a 400 page or in a problem document.
type searchProblem struct {
	field string
	id    string
	kv    []any
}

func (p *searchProblem) Error() string { return p.field + ": " + p.id }

// parseSearchRequest reads and checks a search's parameters. tenants and
// cats are the known sub-portals and categories.
func (s *Server) parseSearchRequest(ctx context.Context, values url.Values, pageLang string,
	tenants map[string]hubread.Tenant, cats []hubread.Category) (*searchRequest, *searchProblem) {
	r := &searchRequest{values: url.Values{}, params: hubread.SearchParams{PageLocale: pageLang, Page: 1}}
	get := func(name string) string { return strings.TrimSpace(values.Get(name)) }
	raw := values.Get("q")
	syn, err := s.searchSynonyms(ctx)
	if err != nil {
		s.cfg.Log.Warn().Err(err).Msg("search synonyms unavailable; searching without them")
	}
	q, perr := search.Parse(raw, syn)
	switch perr {
	case nil:
	case search.ErrInvalidUTF8:
		return nil, &searchProblem{field: "q", id: "search.error.utf8"}
	case search.ErrTooLong:
		return nil, &searchProblem{field: "q", id: "search.error.too_long", kv: []any{"Max", search.MaxQueryRunes}}
	default:
		return nil, &searchProblem{field: "q", id: "search.error.query"}
	}
	r.raw, r.query, r.params.Query = strings.TrimSpace(raw), q, q
	if r.raw != "" {
		r.values.Set("q", r.raw)
	}
	for _, name := range searchParams[1:] {
		v := get(name)
		if v == "" {
			continue
		}
		if len(v) > 100 {
			return nil, &searchProblem{field: name, id: "search.error.filter", kv: []any{"Name", name}}
		}
		switch name {
		case "tenant":
			if _, ok := tenants[v]; !ok {
				return nil, &searchProblem{field: name, id: "search.error.tenant"}
			}
			r.params.Tenant = v
		case "kind":
			if contentrules.KindOfWord(v) == pb.ContentKind_CONTENT_KIND_UNSPECIFIED || v != strings.ToLower(v) {
				return nil, &searchProblem{field: name, id: "search.error.filter", kv: []any{"Name", name}}
			}
			r.params.Kind = v
		case "category":
			known := false
			for _, c := range cats {
				known = known || c.Code == v
			}
			if !known {
				return nil, &searchProblem{field: name, id: "search.error.filter", kv: []any{"Name", name}}
			}
			r.params.Category = v
		case "lang":
			if !contains(hubread.Locales, v) {
				return nil, &searchProblem{field: name, id: "search.error.filter", kv: []any{"Name", name}}
			}
			r.params.Locale = v
		case "date":
			days := 0
			for _, dr := range hubread.DateRanges {
				if dr.Name == v {
					days = dr.Days
				}
			}
			if days == 0 {
				return nil, &searchProblem{field: name, id: "search.error.filter", kv: []any{"Name", name}}
			}
			r.params.From = time.Now().Add(-time.Duration(days) * 24 * time.Hour)
		case "from", "to":
			d, err := time.ParseInLocation("2006-01-02", v, hcmc)
			if err != nil || d.Year() < 1900 || d.Year() > 2200 {
				return nil, &searchProblem{field: name, id: "search.error.date", kv: []any{"Name", name}}
			}
			if name == "from" && (r.params.From.IsZero() || d.After(r.params.From)) {
				r.params.From = d
			}
			if name == "to" {
				r.params.To = d.AddDate(0, 0, 1)
			}
		}
		r.values.Set(name, v)
	}
	if p := get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > hubread.SearchMaxPage {
			return nil, &searchProblem{field: "page", id: "search.error.page", kv: []any{"Max", hubread.SearchMaxPage}}
		}
		r.params.Page = n
	}
	return r, nil
}

// link is the search's address with its filters, name set to value (or
// removed when value is ""), on page 1.
func (r *searchRequest) link(base, name, value string) string {
	v := url.Values{}
	for k, vs := range r.values {
		v[k] = vs
	}
	if name == "date" || name == "from" || name == "to" {
		// A date range replaces the other kind of range.
		v.Del("date")
		v.Del("from")
		v.Del("to")
	}
	if name != "" {
		if value == "" {
			v.Del(name)
		} else {
			v.Set(name, value)
		}
	}
	if e := encodeOrdered(v); e != "" {
		return base + "?" + e
	}
	return base
}

// pageLink is the search's address for page n.
func (r *searchRequest) pageLink(base string, n int) string {
	l := r.link(base, "", "")
	if n <= 1 {
		return l
	}
	sep := "?"
	if strings.Contains(l, "?") {
		sep = "&"
	}
	return l + sep + "page=" + strconv.Itoa(n)
}

// encodeOrdered encodes v with q first and the filters in searchParams'
// order, so that every link to one search is the same URL.
func encodeOrdered(v url.Values) string {
	var parts []string
	for _, k := range searchParams {
		if x := v.Get(k); x != "" {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(x))
		}
	}
	return strings.Join(parts, "&")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// synonymCache keeps the hub's acronyms and synonyms (changed only when the
// hub migrates) for a minute.
type synonymCache struct {
	mu  sync.Mutex
	syn *search.Synonyms
	at  time.Time
}

func (s *Server) searchSynonyms(ctx context.Context) (*search.Synonyms, error) {
	c := &s.synonyms
	c.mu.Lock()
	syn, at := c.syn, c.at
	c.mu.Unlock()
	if syn != nil && time.Since(at) < s.cfg.CategoryRefresh {
		return syn, nil
	}
	syn, err := s.cfg.Store.Synonyms(ctx)
	if err != nil {
		return c.syn, err
	}
	c.mu.Lock()
	c.syn, c.at = syn, time.Now()
	c.mu.Unlock()
	return syn, nil
}
