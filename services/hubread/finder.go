package hubread

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// A finder is a list with filters and facet counts (the legal register,
// the public-service catalogue, the questions and answers), built on a CTE
// named docs: one row per item, with a column per facet. Filters that are
// no facet (a text, a date range) go into docs' WHERE and apply to every
// count; a facet's choice applies to every count but its own, as GOV.UK's
// finders count, so that each value says how many items choosing it shows.

// FacetValue is one value of a filter with the number of items it would
// show, given the other filters (applying them, not its own): the finders'
// and the search's.
type FacetValue struct {
	Value string
	Names Names // the value's names when it is a code (issuers); else empty
	Count int
}

// Names is a name in the portal's three languages.
type Names struct{ VI, EN, RU string }

// In is the name in locale, falling back to Vietnamese.
func (n Names) In(locale string) string {
	switch {
	case locale == "en" && n.EN != "":
		return n.EN
	case locale == "ru" && n.RU != "":
		return n.RU
	}
	return n.VI
}

// finderQuery collects a finder's conditions and their arguments.
type finderQuery struct {
	args []any
	// base are the conditions of docs (every count).
	base []string
	// facets are docs' facet columns, in the order their counts are
	// asked; chosen holds the condition of each facet given a value.
	facets []string
	chosen map[string]string
}

func newFinderQuery(facets ...string) *finderQuery {
	return &finderQuery{facets: facets, chosen: map[string]string{}}
}

// arg adds an argument and returns its placeholder.
func (f *finderQuery) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

// where adds a condition of every count.
func (f *finderQuery) where(cond string) { f.base = append(f.base, cond) }

// choose restricts facet column col to v.
func (f *finderQuery) choose(col string, v any) { f.chosen[col] = col + " = " + f.arg(v) }

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// contains is a LIKE pattern matching s anywhere in a folded text (see
// hub_fold: lower case, without diacritics), LIKE's wildcards in s escaped.
func (f *finderQuery) contains(s string) string {
	return "'%' || hub_fold(" + f.arg(likeEscaper.Replace(s)) + ") || '%'"
}

// baseSQL is the conditions of docs.
func (f *finderQuery) baseSQL() string {
	if len(f.base) == 0 {
		return "true"
	}
	return strings.Join(f.base, " AND ")
}

// except is the chosen facets' conditions but col's ("" for all).
func (f *finderQuery) except(col string) string {
	conds := []string{"true"}
	for _, c := range f.facets {
		if cond, ok := f.chosen[c]; ok && c != col {
			conds = append(conds, cond)
		}
	}
	return strings.Join(conds, " AND ")
}

// countsSQL is a subquery (facet, value, n) over docs: each facet's
// values counted without its own choice, and the total (facet and value
// empty). One pass over docs: a grouping set per facet, each counting the
// rows its filters keep, over the rows that fail at most one choice (the
// only ones any count keeps). A query per facet read docs six times: the
// provincial legal register's counts took 230 ms over 30,000 documents
// (make bench, issue 7 point 8).
func (f *finderQuery) countsSQL() string {
	var facet, value, n, sets, keep []string
	for _, c := range f.facets {
		facet = append(facet, fmt.Sprintf("WHEN GROUPING(%[1]s) = 0 THEN '%[1]s'", c))
		value = append(value, fmt.Sprintf("WHEN GROUPING(%[1]s) = 0 THEN coalesce(%[1]s::text, '')", c))
		n = append(n, fmt.Sprintf("WHEN GROUPING(%s) = 0 THEN count(*) FILTER (WHERE %s)", c, f.except(c)))
		sets = append(sets, "("+c+")")
		keep = append(keep, "("+f.except(c)+")")
	}
	return fmt.Sprintf(`(SELECT * FROM (
	SELECT CASE %s ELSE '' END, CASE %s ELSE '' END, CASE %s ELSE count(*) FILTER (WHERE %s) END
	FROM docs WHERE %s
	GROUP BY GROUPING SETS (%s, ())) c0 (facet, value, n)
	WHERE n > 0 OR facet = '') c (facet, value, n)`,
		strings.Join(facet, " "), strings.Join(value, " "), strings.Join(n, " "), f.except(""),
		strings.Join(append(keep, "("+f.except("")+")"), " OR "), strings.Join(sets, ", "))
}

// chooseWhere restricts facet col with cond, a condition over docs'
// columns equivalent to col = the chosen value that an index can serve.
func (f *finderQuery) chooseWhere(col, cond string) { f.chosen[col] = cond }

// keyset is the condition of the rows after (or before) cursor c in the
// order of the key columns cols of docs, all ascending or all descending;
// that order for the query over docs (reversed for a Before cursor:
// paginate turns the rows back); and the same order for the query around
// it, whose rows of docs are named d. Key fields are compared as cast
// says (e.g. "::date"; "" for text).
func (f *finderQuery) keyset(cols, casts []string, c *Cursor, desc bool) (cond, order, outer string) {
	if c != nil && c.Dir == Before {
		desc = !desc
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	inner, around := make([]string, len(cols)), make([]string, len(cols))
	for i, col := range cols {
		inner[i], around[i] = col+dir, "d."+col+dir
	}
	order, outer = strings.Join(inner, ", "), strings.Join(around, ", ")
	if c == nil {
		return "true", order, outer
	}
	vals := make([]string, len(cols))
	for i := range cols {
		vals[i] = f.arg(c.Key[i]) + casts[i]
	}
	cmp := ">"
	if desc {
		cmp = "<"
	}
	return fmt.Sprintf("(%s) %s (%s)", strings.Join(cols, ", "), cmp, strings.Join(vals, ", ")), order, outer
}

// finderCounts runs a query answering (facet, value, n, name_vi, name_en,
// name_ru) rows (see countsSQL) and returns each facet's values that are
// not empty, in the query's order, and the total.
func (s *Store) finderCounts(ctx context.Context, sql string, args []any) (map[string][]FacetValue, int, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := map[string][]FacetValue{}
	total := 0
	for rows.Next() {
		var facet string
		var v FacetValue
		if err := rows.Scan(&facet, &v.Value, &v.Count, &v.Names.VI, &v.Names.EN, &v.Names.RU); err != nil {
			return nil, 0, err
		}
		switch {
		case facet == "":
			total = v.Count
		case v.Value != "": // items without a value of the facet are not a value
			out[facet] = append(out[facet], v)
		}
	}
	return out, total, rows.Err()
}

// withCounts lists every value of values in order, with the counts found
// (0 for those not found).
func withCounts(values []string, found []FacetValue) []FacetValue {
	out := make([]FacetValue, 0, len(values))
	for _, v := range values {
		fv := FacetValue{Value: v}
		for _, f := range found {
			if f.Value == v {
				fv.Count = f.Count
			}
		}
		out = append(out, fv)
	}
	return out
}
