package hubread

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/search"
)

// Search limits. A query is ranked in two steps: every match (up to
// SearchCandidates of them) by its title and summary, the exact-diacritics
// boost, the phrase bonus and recency; then the best SearchRerank of those
// also by where and how closely the words stand in the whole text.
const (
	// SearchCandidates bounds the matches one query counts: a query
	// holding only words found everywhere says "more than" this many.
	// Each is a row read from the table (a bitmap heap scan): at 5,000
	// the counts were the costliest part of a broad query (make bench).
	SearchCandidates = 1000
	// SearchTitleCandidates bounds the matches holding the query in their
	// title or summary that one query ranks, and SearchOtherCandidates the
	// others (see searchQuery). Each is scored (ts_rank of each of the
	// query's alternatives, the exact-diacritics boost): at 50,000 items
	// the 48 bench queries' ranking statements took 3.5-10.9 s in all with
	// 1,000, 2.9-3.2 s with 400 (make bench); a query past 400 title
	// matches ranks 400 of them either way, as it ranked 1,000.
	SearchTitleCandidates = 400
	SearchOtherCandidates = 200
	// SearchRerank is how many of the best are ranked by their whole text.
	SearchRerank = 40
	// SearchPageSize is how many results a page shows.
	SearchPageSize = 20
	// SearchMaxPage is the last page a query can ask for: the last the
	// ranked candidates fill.
	SearchMaxPage = (SearchTitleCandidates + SearchOtherCandidates) / SearchPageSize
	// SearchTimeout is the statement timeout of a search's queries
	// (Store.SetSearchTimeout changes it).
	SearchTimeout = 2 * time.Second
)

// ErrSearchTimeout means a search took longer than SearchTimeout.
var ErrSearchTimeout = errors.New("search timed out")

// SearchParams is one search: the parsed query, filters (empty: any) and
// the page.
type SearchParams struct {
	Query *search.Query
	// Tenant keeps the items of this owner (see tenant_owners: a retired
	// sub-portal's items are its owner's).
	Tenant, Kind, Category string
	// Locale keeps documents in this language.
	Locale string
	// From and To keep items published in [From, To) (zero: open).
	From, To time.Time
	// PageLocale is the language of the page: of an item matching in
	// several languages, its document in this one is shown.
	PageLocale string
	// Page is 1-based.
	Page int
}

// Hit is one result: a document of an item in one locale.
type Hit struct {
	Tenant, Owner, ContentID, Locale string
	Kind, Category                   string
	PublishedAt                      time.Time
	Title, Summary, Slug             string
	// Body is the start of the plain text, for the snippet.
	Body  string
	Score float64
}

// Facets are the counts per filter value.
type Facets struct {
	Tenant, Kind, Category, Locale []FacetValue
	// Dates counts the items published within each of DateRanges.
	Dates []FacetValue
}

// DateRanges are the named date ranges the date facet counts, as days back
// from now.
var DateRanges = []struct {
	Name string
	Days int
}{{"week", 7}, {"month", 31}, {"year", 366}}

// SearchResult is a page of results.
type SearchResult struct {
	// Total is the number of items found; Capped says it is at least that
	// (the query matched more than SearchCandidates documents).
	Total  int
	Capped bool
	Hits   []Hit
	// BestBets are items the ops team chose for this query, shown first
	// on the first page (and not among Hits).
	BestBets []Hit
	Facets   Facets
}

// searchQuery ranks the matches of a query and returns one page. $1 match,
// $2 any, $3 phrase or ”, $4 exact or ”, filters $5 owner, $6 kind,
// $7 category, $8 locale, $9 from, $10 to (NULL: any), $11 page locale,
// $12 limit, $13 offset, $14 title candidates, $15 rerank window, $16 the
// alternatives of the query's groups (search.Query's Alternatives; the
// first pass's groupRank names them), $17 whether a title match is a
// match (no exclusions), $18 other candidates, $19 and $20 the query's
// codes and the rest of it (search.Query's CodeMatch and RestMatch, read
// by matchCondition).
//
// The candidates are the matches whose title or summary match (found
// through their own small index, up to $14), and, when those are fewer
// than $18, up to $18 others: the best results hold the query in their
// title, so they are never lost behind a limit the body's matches fill,
// ranking reads few rows, and a query whose words fill many titles never
// reads the body's long list of matches. The others are those the first
// condition does not hold for (fewer than $14 title matches: ct holds them
// all), so the two sets need no merging, and the columns ranking reads are
// taken from the row that matched, not fetched again by key (a thousand
// index look-ups for a broad query: a third of its time, make bench).
const searchQuery = `
WITH q AS (
    SELECT to_tsquery('portalhub', $1) AS m, to_tsquery('portalhub', $2) AS a,
           CASE WHEN $3 <> '' THEN to_tsquery('portalhub', $3) END AS p,
           CASE WHEN $4 <> '' THEN to_tsquery('portalhub_exact', $4) END AS x,
           ARRAY(SELECT to_tsquery('portalhub', alt) FROM unnest($16::text[]) alt) AS alts,
           CASE WHEN $19 <> '' THEN to_tsquery('portalhub', $19) END AS cm,
           CASE WHEN $20 <> '' THEN to_tsquery('portalhub', $20) END AS rm
), ct AS MATERIALIZED (
    SELECT d.tenant_id, d.content_id, d.locale, d.published_at, d.head, d.exact FROM search_docs d, q
    WHERE d.head @@ q.m AND ($17 OR d.tsv @@ q.m) AND {{filters}}
    LIMIT $14
), m AS (
    SELECT * FROM ct
    UNION ALL
    (SELECT d.tenant_id, d.content_id, d.locale, d.published_at, d.head, d.exact FROM search_docs d, q
     WHERE (SELECT count(*) FROM ct) < $18 AND {{match}} AND {{filters}}
       AND NOT (d.head @@ q.m AND ($17 OR d.tsv @@ q.m))
     LIMIT $18)
), scored AS (
    SELECT m.tenant_id, m.content_id, m.locale,
           {{groupRank}}
           + CASE WHEN q.x IS NOT NULL THEN 0.6 * ts_rank(m.exact, q.x) ELSE 0 END
           + CASE WHEN q.p IS NOT NULL AND m.head @@ q.p THEN 0.5 ELSE 0 END
           + 0.05 / (1 + extract(epoch FROM now() - m.published_at) / 31557600)^2 AS score
    FROM m, q
), best AS (
    SELECT DISTINCT ON (tenant_id, content_id) tenant_id, content_id, locale, score
    FROM scored ORDER BY tenant_id, content_id, score + CASE WHEN locale = $11 THEN 0.001 ELSE 0 END DESC
), ranked AS (
    SELECT b.*, row_number() OVER (ORDER BY score DESC, tenant_id, content_id) AS r, count(*) OVER () AS total
    FROM best b
), final AS (
    SELECT r.tenant_id, r.content_id, r.locale, r.total,
           1000 + r.score + 0.3 * ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.tsv, q.m, 32)
           + CASE WHEN q.p IS NOT NULL AND d.tsv @@ q.p THEN 0.4 ELSE 0 END AS score
    FROM ranked r JOIN search_docs d USING (tenant_id, content_id, locale), q
    WHERE r.r <= $15
    UNION ALL
    SELECT tenant_id, content_id, locale, total, score FROM ranked WHERE r > $15
), page AS (
    SELECT * FROM final ORDER BY score DESC, tenant_id, content_id LIMIT $12 OFFSET $13
)
SELECT p.tenant_id, o.owner_id, p.content_id, p.locale, d.kind, d.category, d.published_at, d.title, d.summary,
       left(d.body, 20000), coalesce(t.slug, v.slug, ''), p.score, p.total
FROM page p
JOIN search_docs d USING (tenant_id, content_id, locale)
JOIN tenant_owners o ON o.tenant_id = p.tenant_id
LEFT JOIN item_translations t ON t.tenant_id = p.tenant_id AND t.content_id = p.content_id AND t.locale = p.locale
LEFT JOIN item_translations v ON v.tenant_id = p.tenant_id AND v.content_id = p.content_id AND v.locale = 'vi'
ORDER BY p.score DESC, p.tenant_id, p.content_id`

// searchFilters are the filters of searchQuery that p sets (d is the
// document; $5 to $10). A filter not set is its parameter's IS NULL, true
// in every plan; one set is a plain condition the planner can serve with
// an index (the owner's tenants through the primary key, a date through
// search_docs_published) and combine with the GIN index's bitmap. Written
// "$5 IS NULL OR ...", a filter by sub-portal or date read every title
// match and filtered them: 390 ms for a sub-portal's "thu tuc hanh chinh"
// at 200,000 items (make bench).
func searchFilters(p SearchParams) string {
	conds := []string{
		"d.tenant_id = ANY (ARRAY(SELECT tenant_id FROM tenant_owners WHERE owner_id = $5))",
		"d.kind = $6", "d.category = $7", "d.locale = $8", "d.published_at >= $9", "d.published_at < $10",
	}
	unset := []string{"$5::text IS NULL", "$6::text IS NULL", "$7::text IS NULL", "$8::text IS NULL",
		"$9::timestamptz IS NULL", "$10::timestamptz IS NULL"}
	for i, set := range []bool{p.Tenant != "", p.Kind != "", p.Category != "", p.Locale != "", !p.From.IsZero(), !p.To.IsZero()} {
		if !set {
			conds[i] = unset[i]
		}
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}

// groupRank is the first pass's score of how well a title holds the query:
// each group ranked by its best alternative (q.alts, 1-based, in the order
// of group), averaged over the groups.
func groupRank(group []int) string {
	var sums []string
	for i := 0; i < len(group); {
		var alts []string
		for j := i; j < len(group) && group[j] == group[i]; j++ {
			alts = append(alts, fmt.Sprintf("ts_rank('{0.1, 0.2, 0.4, 1.0}', m.head, q.alts[%d])", j+1))
		}
		i += len(alts)
		if len(alts) == 1 {
			sums = append(sums, alts[0])
		} else {
			sums = append(sums, "greatest("+strings.Join(alts, ", ")+")")
		}
	}
	if len(sums) == 0 {
		return "0"
	}
	return fmt.Sprintf("(%s) / %d", strings.Join(sums, " + "), len(sums))
}

// facetQuery returns what the counts need of every match (up to $3): its
// owner, kind, category, locale and date, and how many documents the
// phrase check examined (see facetPhraseRest). $1 and $2 are the query's
// codes and the rest of it (see matchCondition), $4 the whole query
// (Match) or "" when it excludes words, $5 its loose form (see
// looseCondition).
//
// The matches are taken from the title and summary's small index first
// (h: a document whose head holds the query matches it, head being a part
// of tsv, unless the query excludes a word the body may hold), and from
// the whole text's index ({{rest}}) only when those are fewer than $3:
// GIN builds a query's whole bitmap before it returns a row, and for
// common words the whole text's is most of the corpus, growing with it,
// where the head's holds the documents naming the subject; a phrase is
// checked in the head, in the row, rather than in each candidate's whole
// vector read from TOAST. A query matching more than $3 documents is
// counted over $3 of them either way ("more than"). At 50,000 items
// UBND's count took 143 ms, du lich's 45 ms (make bench).
const facetQuery = `
WITH q AS (
    SELECT CASE WHEN $1 <> '' THEN to_tsquery('portalhub', $1) END AS cm,
           CASE WHEN $2 <> '' THEN to_tsquery('portalhub', $2) END AS rm,
           CASE WHEN $4 <> '' THEN to_tsquery('portalhub', $4) END AS hm,
           CASE WHEN $5 <> '' THEN to_tsquery('portalhub', $5) END AS lm
), h AS MATERIALIZED (
    SELECT d.tenant_id, d.content_id, d.kind, d.category, d.locale, d.published_at FROM search_docs d, q
    WHERE $4 <> '' AND d.head @@ q.hm LIMIT $3
)
SELECT o.owner_id, d.tenant_id, d.content_id, d.kind, d.category, d.locale, d.published_at, d.examined
FROM (SELECT h.*, 0::bigint AS examined FROM h
      UNION ALL
      SELECT * FROM ({{rest}}) r) d
JOIN tenant_owners o ON o.tenant_id = d.tenant_id
LIMIT $3`

// facetRest is facetQuery's matches beyond the head's: the documents
// matching the query ({{match}}) that the head does not.
const facetRest = `
SELECT d.tenant_id, d.content_id, d.kind, d.category, d.locale, d.published_at, 0::bigint FROM search_docs d, q
WHERE (SELECT count(*) FROM h) < $3 AND {{match}} AND NOT coalesce(d.head @@ q.hm, false)
LIMIT $3`

// matchCondition is the condition that a document d matches the query,
// given q.cm (the codes, search.Query's CodeMatch) and q.rm (the rest): a
// code is matched in the head vector, where Document puts codes with the
// title, through its small index; the rest in the whole text. Matched as a
// phrase in the whole text, a legal document's number (15 <-> 2024 <-> qd
// <-> ubnd, words found everywhere) made PostgreSQL re-read every document
// holding the words anywhere: past the statement timeout at 50,000 items
// (issue 8 point 1).
func matchCondition(q *search.Query) string {
	var conds []string
	if q.CodeMatch() != "" {
		conds = append(conds, "d.head @@ q.cm")
	}
	if q.RestMatch() != "" {
		conds = append(conds, "d.tsv @@ q.rm")
	}
	if len(conds) == 0 {
		return "false"
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}

// facetPhraseRest is facetRest for a query holding a phrase or an
// exclusion, which GIN cannot decide: each candidate's whole vector is read
// to check it. The candidates are the first $6 documents its loose form
// (q.lm) finds; examined says how many there were. At 200,000 items a
// phrase of common syllables ("cải cách hành chính") had the index's
// candidates in most documents, each read to check the phrase: 1.7 s, past
// the statement timeout at times (make bench).
const facetPhraseRest = `
SELECT c.tenant_id, c.content_id, c.kind, c.category, c.locale, c.published_at, c.examined
FROM (SELECT c.*, count(*) OVER () AS examined FROM (
          SELECT d.tenant_id, d.content_id, d.kind, d.category, d.locale, d.published_at, d.tsv FROM search_docs d, q
          WHERE (SELECT count(*) FROM h) < $3 AND {{loose}} AND NOT coalesce(d.head @@ q.hm, false) LIMIT $6) c) c, q
WHERE c.tsv @@ q.rm
LIMIT $3`

// SearchPhraseCandidates bounds the documents a query holding a phrase or
// an exclusion reads to check it (facetPhraseRest): its counts are then
// of the matches among them, and the total says "at least".
const SearchPhraseCandidates = 1000

// looseCondition is matchCondition with the rest in its loose form (q.lm).
func looseCondition(q *search.Query) string {
	var conds []string
	if q.CodeMatch() != "" {
		conds = append(conds, "d.head @@ q.cm")
	}
	if q.LooseRestMatch() != "" {
		conds = append(conds, "d.tsv @@ q.lm")
	}
	if len(conds) == 0 {
		return "false"
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}

// facetSQL is facetQuery for q, with its arguments; with facetPhraseRest
// when the rest of q holds a phrase or an exclusion.
func facetSQL(q *search.Query) (string, []any) {
	head := q.Match()
	if q.Excludes() {
		head = ""
	}
	args := []any{q.CodeMatch(), q.RestMatch(), SearchCandidates, head, q.LooseRestMatch()}
	rest := strings.Replace(facetRest, "{{match}}", matchCondition(q), 1)
	if q.RestMatch() != q.LooseRestMatch() {
		rest = strings.Replace(facetPhraseRest, "{{loose}}", looseCondition(q), 1)
		args = append(args, SearchPhraseCandidates)
	}
	return strings.Replace(facetQuery, "{{rest}}", rest, 1), args
}

// hitsSQL is searchQuery for p, with its arguments.
func hitsSQL(p SearchParams, limit, offset int) (string, []any) {
	q := p.Query
	alts, group := q.Alternatives()
	sql := strings.Replace(searchQuery, "{{groupRank}}", groupRank(group), 1)
	sql = strings.Replace(sql, "{{match}}", matchCondition(q), 1)
	sql = strings.ReplaceAll(sql, "{{filters}}", searchFilters(p))
	return sql, []any{q.Match(), q.Any(), q.Phrase(), q.Exact(),
		nullable(p.Tenant), nullable(p.Kind), nullable(p.Category), nullable(p.Locale),
		nullableTime(p.From), nullableTime(p.To), p.PageLocale, limit, offset, SearchTitleCandidates, SearchRerank, alts,
		!q.Excludes(), SearchOtherCandidates, q.CodeMatch(), q.RestMatch()}
}

// Search runs a search: one page of ranked results, the counts of every
// filter value, and the best bets of the query. Its statements are cut off
// after the search timeout (ErrSearchTimeout).
func (s *Store) Search(ctx context.Context, p SearchParams) (*SearchResult, error) {
	res := &SearchResult{}
	if p.Query == nil || p.Query.Empty() {
		return res, nil
	}
	if p.Page < 1 {
		p.Page = 1
	}
	// The counts and the ranked page do not depend on each other: each
	// runs in a read-only transaction of its own, at once, so a search
	// waits for the longer of the two rather than for both (two of the
	// pool's connections; make bench).
	var facetErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		facetErr = s.searchTx(ctx, func(tx pgx.Tx) error {
			var err error
			res.Facets, res.Total, res.Capped, err = facets(ctx, tx, p)
			return err
		})
	}()
	var total int
	err := s.searchTx(ctx, func(tx pgx.Tx) error {
		var err error
		if p.Page == 1 {
			if res.BestBets, err = bestBets(ctx, tx, p); err != nil {
				return err
			}
		}
		if p.Page > SearchMaxPage {
			return nil
		}
		res.Hits, total, err = hits(ctx, tx, p, SearchPageSize+len(res.BestBets), (p.Page-1)*SearchPageSize)
		return err
	})
	wg.Wait()
	if err == nil {
		err = facetErr
	}
	if err != nil {
		return nil, err
	}
	if total > 0 && total < SearchOtherCandidates {
		// Counted after the filters, where the facets' own count may
		// have stopped at SearchCandidates before them.
		res.Total = total
	}
	// Best bets come first, once.
	if len(res.BestBets) > 0 {
		chosen := map[string]bool{}
		for _, b := range res.BestBets {
			chosen[b.Tenant+"/"+b.ContentID] = true
		}
		kept := res.Hits[:0]
		for _, h := range res.Hits {
			if !chosen[h.Tenant+"/"+h.ContentID] {
				kept = append(kept, h)
			}
		}
		res.Hits = kept
	}
	if len(res.Hits) > SearchPageSize {
		res.Hits = res.Hits[:SearchPageSize]
	}
	return res, nil
}

// SetSearchTimeout sets the statement timeout of searches (SearchTimeout
// when not set). Call it before the store is shared.
func (s *Store) SetSearchTimeout(d time.Duration) { s.searchTimeout = d }

// searchTx runs f in a read-only transaction whose statements time out
// after the search timeout.
func (s *Store) searchTx(ctx context.Context, f func(pgx.Tx) error) error {
	timeout := SearchTimeout
	if s.searchTimeout > 0 {
		timeout = s.searchTimeout
	}
	// The settings go with BEGIN, in one round trip (a search is a few
	// statements; each round trip counts on a loaded machine). The planner
	// prices @@ on a TOASTed tsvector as cheap, so under a LIMIT it prefers
	// a sequential scan that reads every document's vector: ten times
	// slower than the GIN index on 30,000 items (make bench). Search
	// statements always have an index to use.
	begin := fmt.Sprintf("BEGIN READ ONLY; SET LOCAL statement_timeout = %d; SET LOCAL enable_seqscan = off",
		max(timeout.Milliseconds(), 1))
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{BeginQuery: begin}, f)
	var pgErr interface{ SQLState() string }
	if errors.As(err, &pgErr) && pgErr.SQLState() == "57014" { // query_canceled
		return fmt.Errorf("search: %w", ErrSearchTimeout)
	}
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func hits(ctx context.Context, tx pgx.Tx, p SearchParams, limit, offset int) ([]Hit, int, error) {
	sql, args := hitsSQL(p, limit, offset)
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	hs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hit, error) {
		var h Hit
		err := r.Scan(&h.Tenant, &h.Owner, &h.ContentID, &h.Locale, &h.Kind, &h.Category, &h.PublishedAt,
			&h.Title, &h.Summary, &h.Body, &h.Slug, &h.Score, &total)
		return h, err
	})
	return hs, int(total), err
}

// facets counts, per filter value, the items found with the other filters
// applied (GOV.UK's rule: choosing a value never hides the others), and the
// items found with every filter.
func facets(ctx context.Context, tx pgx.Tx, p SearchParams) (Facets, int, bool, error) {
	sql, args := facetSQL(p.Query)
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return Facets{}, 0, false, err
	}
	type doc struct {
		owner, tenant, id, kind, category, locale string
		at                                        time.Time
	}
	var docs []doc
	var examined int64
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.owner, &d.tenant, &d.id, &d.kind, &d.category, &d.locale, &d.at, &examined); err != nil {
			rows.Close()
			return Facets{}, 0, false, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Facets{}, 0, false, err
	}
	now := time.Now()
	const (
		dimTenant = iota
		dimKind
		dimCategory
		dimLocale
		dimDate
		dims
	)
	// counted[dim][value] holds the items counted there.
	var counted [dims]map[string]map[string]bool
	for i := range counted {
		counted[i] = map[string]map[string]bool{}
	}
	total := map[string]bool{}
	add := func(dim int, value, item string) {
		if counted[dim][value] == nil {
			counted[dim][value] = map[string]bool{}
		}
		counted[dim][value][item] = true
	}
	for _, d := range docs {
		pass := [dims]bool{
			p.Tenant == "" || d.owner == p.Tenant,
			p.Kind == "" || d.kind == p.Kind,
			p.Category == "" || d.category == p.Category,
			p.Locale == "" || d.locale == p.Locale,
			(p.From.IsZero() || !d.at.Before(p.From)) && (p.To.IsZero() || d.at.Before(p.To)),
		}
		failed := 0
		for _, ok := range pass {
			if !ok {
				failed++
			}
		}
		item := d.tenant + "/" + d.id
		values := [dims]string{d.owner, d.kind, d.category, d.locale, ""}
		for dim := 0; dim < dims; dim++ {
			if failed > 1 || (failed == 1 && pass[dim]) {
				continue // fails another dimension's filter
			}
			if dim == dimDate {
				for _, r := range DateRanges {
					if now.Sub(d.at) <= time.Duration(r.Days)*24*time.Hour {
						add(dim, r.Name, item)
					}
				}
				continue
			}
			add(dim, values[dim], item)
		}
		if failed == 0 {
			total[item] = true
		}
	}
	list := func(dim int) []FacetValue {
		out := make([]FacetValue, 0, len(counted[dim]))
		for v, items := range counted[dim] {
			out = append(out, FacetValue{Value: v, Count: len(items)})
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Count != out[j].Count {
				return out[i].Count > out[j].Count
			}
			return out[i].Value < out[j].Value
		})
		return out
	}
	f := Facets{Tenant: list(dimTenant), Kind: list(dimKind), Category: list(dimCategory), Locale: list(dimLocale)}
	for _, r := range DateRanges {
		f.Dates = append(f.Dates, FacetValue{Value: r.Name, Count: len(counted[dimDate][r.Name])})
	}
	return f, len(total), len(docs) >= SearchCandidates || examined >= SearchPhraseCandidates, nil
}

// bestBets returns the visible items the ops team chose for the query, in
// their order, each in the page's language when it has it.
func bestBets(ctx context.Context, tx pgx.Tx, p SearchParams) ([]Hit, error) {
	rows, err := tx.Query(ctx, `
		SELECT DISTINCT ON (b.position, b.tenant_id, b.content_id)
		       d.tenant_id, o.owner_id, d.content_id, d.locale, d.kind, d.category, d.published_at, d.title, d.summary,
		       left(d.body, 20000), coalesce(t.slug, '')
		FROM search_bestbets b
		JOIN search_docs d ON d.tenant_id = b.tenant_id AND d.content_id = b.content_id
		JOIN tenant_owners o ON o.tenant_id = d.tenant_id
		LEFT JOIN item_translations t ON t.tenant_id = d.tenant_id AND t.content_id = d.content_id AND t.locale = d.locale
		WHERE b.query = $1 AND ($2::text IS NULL OR d.locale = $2)
		ORDER BY b.position, b.tenant_id, b.content_id, d.locale = $3 DESC, d.locale = 'vi' DESC`,
		p.Query.Normalized(), nullable(p.Locale), p.PageLocale)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hit, error) {
		var h Hit
		err := r.Scan(&h.Tenant, &h.Owner, &h.ContentID, &h.Locale, &h.Kind, &h.Category, &h.PublishedAt,
			&h.Title, &h.Summary, &h.Body, &h.Slug)
		return h, err
	})
}

// Synonyms returns the acronyms and synonyms queries are expanded with.
func (s *Store) Synonyms(ctx context.Context) (*search.Synonyms, error) {
	rows, err := s.pool.Query(ctx, `SELECT from_words, to_words FROM search_synonyms ORDER BY from_words, to_words`)
	if err != nil {
		return nil, fmt.Errorf("search synonyms: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (search.Synonym, error) {
		var syn search.Synonym
		err := r.Scan(&syn.From, &syn.To)
		return syn, err
	})
	if err != nil {
		return nil, fmt.Errorf("search synonyms: %w", err)
	}
	return search.NewSynonyms(list), nil
}

// Suggest returns a spelling of raw that finds more: each word of it that no
// title or summary holds replaced by the closest one that does (trigram
// similarity), or "" when there is none or it finds no more than found.
func (s *Store) Suggest(ctx context.Context, raw string, syn *search.Synonyms, found int) (string, error) {
	toks, text := search.Tokens(raw)
	if len(toks) == 0 || len(toks) > 6 {
		return "", nil
	}
	var out string
	err := s.searchTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL pg_trgm.similarity_threshold = 0.45`); err != nil {
			return err
		}
		var b strings.Builder
		at, changed := 0, false
		for _, t := range toks {
			var known bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM search_vocabulary WHERE word = $1)`, t.Folded).Scan(&known); err != nil {
				return err
			}
			if known || len([]rune(t.Folded)) < 3 {
				continue
			}
			var display string
			err := tx.QueryRow(ctx, `SELECT display FROM search_vocabulary WHERE word % $1
				ORDER BY similarity(word, $1) DESC, word LIMIT 1`, t.Folded).Scan(&display)
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			b.WriteString(text[at:t.Start])
			b.WriteString(display)
			at, changed = t.End, true
		}
		if !changed {
			return nil
		}
		b.WriteString(text[at:])
		q, err := search.Parse(b.String(), syn)
		if err != nil || q.Empty() {
			return nil
		}
		// Counted as Search counts (facetSQL): found is its count.
		var n int
		sql, args := facetSQL(q)
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM (`+sql+`) m`, args...).Scan(&n); err != nil {
			return err
		}
		if n > found && n >= 3 {
			out = b.String()
		}
		return nil
	})
	return out, err
}
