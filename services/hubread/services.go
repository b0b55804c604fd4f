package hubread

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// The catalogue of online public services (Article 8.5): the visible
// PUBLIC_SERVICE items in Vietnamese alphabetical order of their names,
// with filters by agency, field, online level and handling level, each
// counted as finders count (see finder.go).

// ServiceQuery selects a page of the catalogue. Empty fields do not filter.
type ServiceQuery struct {
	Tenant string // "" for every tenant's services
	// Keyword matches every word in the Vietnamese name and summary.
	Keyword                      string
	Agency, Field, HandlingLevel string
	Level                        int // online level, 1 or 2; 0: any
	// Cursor is the page's place (ParseCursor(s, ServiceKeyFields)).
	Cursor *Cursor
	Limit  int
}

// ServiceKeyFields is the number of fields of a catalogue cursor's key:
// the Vietnamese name, the tenant and the content id.
const ServiceKeyFields = 3

// Service is a public service as the catalogue lists it.
type Service struct {
	Tenant, ContentID                  string
	Code, Agency, Field, HandlingLevel string
	ProcessingTime, Fee, URL           string
	Level                              int
	Texts                              map[string]Text
}

// In returns the text in locale, or the Vietnamese one.
func (sv Service) In(locale string) (Text, bool) { return Listed{Texts: sv.Texts}.In(locale) }

// ServiceCatalogue is a page of the catalogue with its facets.
type ServiceCatalogue struct {
	Page[Service]
	Agencies, Fields, Levels, HandlingLevels []FacetValue
	Total                                    int
}

// serviceDocs is the visible public services passing the base filters.
const serviceDocs = `WITH docs AS %s (
	SELECT i.tenant_id, i.content_id, t.title COLLATE "vi-x-icu" AS name,
	       coalesce(i.doc #>> '{publicService,code}', '') AS code,
	       coalesce(i.doc #>> '{publicService,agency}', '') AS agency,
	       coalesce(i.doc #>> '{publicService,field}', '') AS field,
	       coalesce(i.doc #>> '{publicService,level}', '') AS level,
	       coalesce(i.doc #>> '{publicService,handlingLevel}', '') AS handling_level,
	       coalesce(i.doc #>> '{publicService,processingTime}', '') AS processing_time,
	       coalesce(i.doc #>> '{publicService,fee}', '') AS fee,
	       coalesce(i.doc #>> '{publicService,url}', '') AS url
	FROM items i JOIN item_translations t ON t.tenant_id = i.tenant_id AND t.content_id = i.content_id AND t.locale = 'vi'
	WHERE i.kind = 'public_service' AND ` + visibleItems + ` AND %s
)`

func newServiceFilter(q ServiceQuery) *finderQuery {
	f := newFinderQuery("agency", "field", "level", "handling_level")
	if q.Tenant != "" {
		f.where("i.tenant_id = " + f.arg(q.Tenant))
	}
	for _, w := range strings.FieldsFunc(q.Keyword, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		f.where("hub_fold(t.title || ' ' || t.summary) LIKE " + f.contains(w))
	}
	if q.Agency != "" {
		f.choose("agency", q.Agency)
	}
	if q.Field != "" {
		f.choose("field", q.Field)
	}
	if q.Level != 0 {
		f.choose("level", strconv.Itoa(q.Level))
	}
	if q.HandlingLevel != "" {
		f.choose("handling_level", q.HandlingLevel)
	}
	return f
}

// Services answers a page of the catalogue with its facets in two queries.
func (s *Store) Services(ctx context.Context, q ServiceQuery) (ServiceCatalogue, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = PageSize
	}
	f := newServiceFilter(q)
	counts, total, err := s.finderCounts(ctx, fmt.Sprintf(serviceDocs, "MATERIALIZED", f.baseSQL())+`
		SELECT c.facet, c.value, c.n, '', '', '' FROM `+f.countsSQL()+`
		ORDER BY c.facet, c.value COLLATE "vi-x-icu"`, f.args)
	if err != nil {
		return ServiceCatalogue{}, fmt.Errorf("public services: %w", err)
	}
	out := ServiceCatalogue{Agencies: counts["agency"], Fields: counts["field"], Total: total,
		Levels: withCounts([]string{"2", "1"}, counts["level"]), HandlingLevels: withCounts([]string{"province", "commune"}, counts["handling_level"])}

	f = newServiceFilter(q)
	if c := q.Cursor; c != nil && len(c.Key) != ServiceKeyFields {
		return ServiceCatalogue{}, fmt.Errorf("public services: %w", ErrBadCursor)
	}
	after, order, outer := f.keyset([]string{"name", "tenant_id", "content_id"}, []string{"", "", ""}, q.Cursor, false)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(serviceDocs, "", f.baseSQL())+fmt.Sprintf(`
		SELECT d.tenant_id, d.content_id, d.code, d.agency, d.field, d.level, d.handling_level, d.processing_time, d.fee, d.url, d.name,
		       tr.locales, tr.slugs, tr.titles, tr.summaries
		FROM (SELECT * FROM docs WHERE %s AND %s ORDER BY %s LIMIT %s) d %s
		ORDER BY %s`, f.except(""), after, order, f.arg(limit+1), translationsOf("d"), outer), f.args...)
	if err != nil {
		return ServiceCatalogue{}, fmt.Errorf("public services: %w", err)
	}
	type row struct {
		sv   Service
		name string
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var level string
		var locales, slugs, titles, summaries []string
		err := r.Scan(&x.sv.Tenant, &x.sv.ContentID, &x.sv.Code, &x.sv.Agency, &x.sv.Field, &level, &x.sv.HandlingLevel,
			&x.sv.ProcessingTime, &x.sv.Fee, &x.sv.URL, &x.name, &locales, &slugs, &titles, &summaries)
		x.sv.Level, _ = strconv.Atoi(level)
		x.sv.Texts = texts(locales, slugs, titles, summaries)
		return x, err
	})
	if err != nil {
		return ServiceCatalogue{}, fmt.Errorf("public services: %w", err)
	}
	page := paginate(rs, limit, q.Cursor, func(x row) []string { return []string{x.name, x.sv.Tenant, x.sv.ContentID} })
	out.Prev, out.Next = page.Prev, page.Next
	for _, x := range page.Rows {
		out.Rows = append(out.Rows, x.sv)
	}
	return out, nil
}
