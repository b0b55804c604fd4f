// Command pagebench measures the portal's page renders on a seeded hub
// database (issue 7 point 8), each beside a reference from the same run:
//
//   - an uncached item page, beside a primary-key fetch of the item's row;
//   - an uncached section page (a category's newest items, provincial or a
//     sub-portal's), beside a primary-key fetch of the 20 rows it shows;
//   - the legal register with two filters (type and year of issue,
//     provincial or a sub-portal's), beside a primary-key fetch of the rows
//     it shows;
//   - the gateway's memory with 10,000 item pages in its page cache,
//     beside the bytes of those pages.
//
// Beside each page type it prints the most queries one uncached render
// sent (TestQueriesPerPage in gateway/internal/portal holds them to 1-2).
//
// Pages are rendered by the portal's own handler (portal.New over
// hubread), in process, with the page cache off for the render timings.
// `make bench` runs it on the database its services part seeds (200,000
// items over 50 tenants); it can also be pointed at any hub database.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/hubread"
)

type settings struct {
	DatabaseURL string
	Samples     int
	Cached      int
}

func main() {
	var s settings
	set := config.New("pagebench", "measures the portal's page renders on a seeded hub database (make bench)")
	set.Secret(&s.DatabaseURL, "DATABASE_URL", "", "the hub database to read (required)")
	set.Int(&s.Samples, "PAGEBENCH_SAMPLES", 300, "renders measured per page type")
	set.Int(&s.Cached, "PAGEBENCH_CACHED", 10000, "item pages put in the page cache for the memory figure")
	set.MustParse(os.Args[1:])
	if s.DatabaseURL == "" || s.Samples < 1 || s.Cached < 1 {
		fmt.Fprintln(os.Stderr, "pagebench: DATABASE_URL is required; PAGEBENCH_SAMPLES and PAGEBENCH_CACHED at least 1")
		os.Exit(2)
	}
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "pagebench:", err)
		os.Exit(1)
	}
}

// sample is a page to render and the keys of the rows it shows.
type sample struct {
	path              string
	tenants, contents []string
}

func run(s settings) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	cfg, err := pgxpool.ParseConfig(s.DatabaseURL)
	if err != nil {
		return err
	}
	var queries queryCounter
	cfg.ConnConfig.Tracer = &queries
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := hubread.New(pool)
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	cache := pagecache.New(pagecache.Config{MaxBytes: 4 << 30})
	p, err := portal.New(portal.Config{Store: store, Cache: cache, Catalog: catalog, Log: zerolog.Nop()})
	if err != nil {
		return err
	}
	var items, tenants int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT tenant_id) FROM items`).Scan(&items, &tenants); err != nil {
		return err
	}
	fmt.Printf("pages: %d items over %d tenants; %d renders a page type...\n", items, tenants, s.Samples)

	itemSamples, err := itemSamples(ctx, pool, s.Samples)
	if err != nil {
		return err
	}
	sections, err := sectionSamples(ctx, pool, store, s.Samples)
	if err != nil {
		return err
	}
	registers, err := registerSamples(ctx, pool, store, s.Samples)
	if err != nil {
		return err
	}
	if len(itemSamples) == 0 || len(sections) == 0 || len(registers) == 0 {
		return fmt.Errorf("the database has too little content: %d items, %d sections, %d registers sampled",
			len(itemSamples), len(sections), len(registers))
	}

	cache.SetEnabled(false) // every render misses
	serve := func(path string) error {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = "localhost"
		p.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("GET %s: %d", path, rec.Code)
		}
		return nil
	}
	fmt.Printf("%-46s %9s %9s %8s   %-34s %9s %9s %7s\n", "measurement (uncached)", "p50", "p95", "queries", "reference (same run)", "p50", "p95", "ratio")
	for _, part := range []struct {
		name, ref string
		samples   []sample
	}{
		{"item page", "primary-key fetch of the item", itemSamples},
		{"section page (20 items)", "primary-key fetch of its 20 rows", sections},
		{"legal register, type and year", "primary-key fetch of its rows", registers},
	} {
		var pages, keyed []time.Duration
		most := int64(0)                     // queries of the render that made most
		for round := 0; round < 2; round++ { // the first round warms the caches
			for _, sm := range part.samples {
				before := queries.n.Load()
				start := time.Now()
				if err := serve(sm.path); err != nil {
					return err
				}
				took := time.Since(start)
				if round == 1 {
					most = max(most, queries.n.Load()-before)
				}
				start = time.Now()
				if err := fetchByKey(ctx, pool, sm); err != nil {
					return err
				}
				if round == 1 {
					pages, keyed = append(pages, took), append(keyed, time.Since(start))
				}
			}
		}
		pg, ky := summarize(pages), summarize(keyed)
		fmt.Printf("%-46s %9s %9s %8s   %-34s %9s %9s %7s\n", part.name, ms(pg.p50), ms(pg.p95), fmt.Sprintf("≤ %d", most), part.ref, ms(ky.p50), ms(ky.p95),
			fmt.Sprintf("×%.1f", float64(pg.p95)/float64(max(ky.p95, 1))))
	}

	// Memory with s.Cached item pages in the cache.
	cache.SetEnabled(true)
	paths, err := itemPaths(ctx, pool, s.Cached)
	if err != nil {
		return err
	}
	before := heap()
	var pageBytes int64
	for _, path := range paths {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = "localhost"
		p.ServeHTTP(rec, req)
		pageBytes += int64(rec.Body.Len())
	}
	after := heap()
	n := cache.Len()
	fmt.Printf("gateway memory with %d cached pages: heap %s more (%s a page), beside the pages' bytes %s (%s a page); heap in use %s\n",
		n, mib(after-before), kib((after-before)/int64(max(n, 1))), mib(pageBytes), kib(pageBytes/int64(max(len(paths), 1))), mib(after))
	return nil
}

// heap is the live heap after a collection.
func heap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// itemSamples picks n visible items spread over the table, as their
// Vietnamese pages.
func itemSamples(ctx context.Context, pool *pgxpool.Pool, n int) ([]sample, error) {
	rows, err := pool.Query(ctx, `SELECT t.tenant_id, t.content_id, t.slug FROM item_translations t
		JOIN items i ON i.tenant_id = t.tenant_id AND i.content_id = t.content_id
		WHERE t.locale = 'vi' AND i.state = 'published' AND i.taken_down_at IS NULL
		ORDER BY md5(t.content_id) LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sample
	for rows.Next() {
		var tenant, id, slug string
		if err := rows.Scan(&tenant, &id, &slug); err != nil {
			return nil, err
		}
		out = append(out, sample{path: "/vi/" + tenant + "/" + url.PathEscape(slug), tenants: []string{tenant}, contents: []string{id}})
	}
	return out, rows.Err()
}

// itemPaths are n distinct item pages (in any language).
func itemPaths(ctx context.Context, pool *pgxpool.Pool, n int) ([]string, error) {
	rows, err := pool.Query(ctx, `SELECT t.locale, t.tenant_id, t.slug FROM item_translations t
		JOIN items i ON i.tenant_id = t.tenant_id AND i.content_id = t.content_id
		WHERE i.state = 'published' AND i.taken_down_at IS NULL ORDER BY md5(t.content_id || t.locale) LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var lang, tenant, slug string
		if err := rows.Scan(&lang, &tenant, &slug); err != nil {
			return nil, err
		}
		out = append(out, "/"+lang+"/"+tenant+"/"+url.PathEscape(slug))
	}
	return out, rows.Err()
}

// sectionSamples are n generic sections (categories listed newest first),
// provincial and of the tenants in turn, with the rows each shows.
func sectionSamples(ctx context.Context, pool *pgxpool.Pool, store *hubread.Store, n int) ([]sample, error) {
	cats, err := store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	var tenants []string
	rows, err := pool.Query(ctx, `SELECT id FROM tenants WHERE status = 'active' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		tenants = append(tenants, id)
	}
	rows.Close()
	generic := map[string]bool{"news": true, "tourism": true, "policy": true, "investment": true}
	var out []sample
	for i := 0; len(out) < n && i < 4*n; i++ {
		c := cats[i%len(cats)]
		if !generic[c.Code] {
			continue
		}
		q := hubread.SectionQuery{Category: c.Code}
		path := "/vi/" + c.SlugVI + "/"
		if i%2 == 1 && len(tenants) > 0 {
			q.Tenant = tenants[(i/2)%len(tenants)]
			path = "/vi/" + q.Tenant + "/" + c.SlugVI + "/"
		}
		page, err := store.Section(ctx, q)
		if err != nil {
			return nil, err
		}
		sm := sample{path: path}
		for _, r := range page.Rows {
			sm.tenants, sm.contents = append(sm.tenants, r.Tenant), append(sm.contents, r.ContentID)
		}
		out = append(out, sm)
	}
	return out, nil
}

// registerSamples are n legal registers filtered by type and year,
// provincial and of the tenants in turn, with the rows each shows.
func registerSamples(ctx context.Context, pool *pgxpool.Pool, store *hubread.Store, n int) ([]sample, error) {
	rows, err := pool.Query(ctx, `SELECT tenant_id, document_type, extract(year FROM issued_on)::int, count(*)
		FROM legal_documents WHERE visible AND issued_on IS NOT NULL AND document_type <> ''
		GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 200`)
	if err != nil {
		return nil, err
	}
	type choice struct {
		tenant, typ string
		year        int
	}
	var choices []choice
	for rows.Next() {
		var c choice
		var count int
		if err := rows.Scan(&c.tenant, &c.typ, &c.year, &count); err != nil {
			return nil, err
		}
		choices = append(choices, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []sample
	today := time.Now()
	for i := 0; i < n && len(choices) > 0; i++ {
		c := choices[i%len(choices)]
		q := hubread.LegalQuery{Type: c.typ, Year: c.year, Today: today}
		path := "/vi/van-ban-phap-luat/"
		if i%2 == 1 {
			q.Tenant = c.tenant
			path = "/vi/" + c.tenant + "/van-ban-phap-luat/"
		}
		path += "?type=" + url.QueryEscape(c.typ) + "&year=" + fmt.Sprint(c.year)
		reg, err := store.LegalRegister(ctx, q)
		if err != nil {
			return nil, err
		}
		sm := sample{path: path}
		for _, d := range reg.Rows {
			sm.tenants, sm.contents = append(sm.tenants, d.Tenant), append(sm.contents, d.ContentID)
		}
		out = append(out, sm)
	}
	return out, nil
}

// fetchByKey is the reference: the rows a page shows, fetched by primary
// key with their translations, in one query.
func fetchByKey(ctx context.Context, pool *pgxpool.Pool, sm sample) error {
	rows, err := pool.Query(ctx, `SELECT i.doc, tr.title, tr.summary
		FROM unnest($1::text[], $2::text[]) k (t, c)
		JOIN items i ON i.tenant_id = k.t AND i.content_id = k.c
		JOIN item_translations tr ON tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id AND tr.locale = 'vi'`,
		sm.tenants, sm.contents)
	if err != nil {
		return err
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		got++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if got != len(sm.contents) {
		return fmt.Errorf("%s: %d of %d rows fetched by key", sm.path, got, len(sm.contents))
	}
	return nil
}

// queryCounter counts the queries sent on the pool's connections (a pgx
// tracer): the renders are measured one at a time, so the count between
// two reads is one render's (the rows it was compared with are fetched
// after it).
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

type stats struct{ p50, p95 time.Duration }

func summarize(d []time.Duration) stats {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return stats{p50: at(0.50), p95: at(0.95)}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
func mib(b int64) string        { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
func kib(b int64) string        { return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10)) }
