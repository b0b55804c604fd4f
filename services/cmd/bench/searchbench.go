package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/pgcluster"
	"github.com/portalhub/portalhub/services/search"
)

// The search benchmark (issue 8 point 6): a private hub database seeded
// with generated items through the hub's write path, its index built as
// `hubctl search reindex` builds it, then measured beside references from
// the same run:
//
//   - ranked top-20 search (hubread.Search, as the page and the API run
//     it) over a fixed mixed query set, beside fetching the same 20 rows by
//     primary key;
//   - the index build per item, beside storing the items without it;
//   - the index's size per item, beside the size of the items themselves;
//   - publish throughput (hubstore.Apply) with the index, beside without.

// searchSettings are the search benchmark's settings.
type searchSettings struct {
	Items, Tenants, Rounds, Publishes, Workers int
	Keep                                       bool
	// Database, when set, is a database an earlier run kept: search is
	// measured again on it (remeasureSearch).
	Database string
	// After, when set, runs on the seeded database before it is dropped
	// (the pages part measures on it rather than seeding its own).
	After func(ctx context.Context, url string) error
	// Check collects the ratios below their aims (BENCH_CHECK).
	Check *checks
}

// searchAim and searchKeyAim are issue 8's aims for ranked search's p95:
// at most 20 ms, and at most 8 times the key fetch of the same rows;
// publishAim the publish throughput with the index ÷ without it.
const (
	searchAim    = 20 * time.Millisecond
	searchKeyAim = 8
	publishAim   = 0.75
)

// checkSearch holds search's p95 to its aims (BENCH_CHECK).
func (s searchSettings) checkSearch(sr, pr summary) {
	if s.Check == nil {
		return
	}
	s.Check.add("search: 20 ms ÷ p95", float64(searchAim)/float64(max(sr.p95, 1)), 1)
	s.Check.add("search: key fetch p95 × 8 ÷ search p95", searchKeyAim*float64(pr.p95)/float64(max(sr.p95, 1)), 1)
}

// checkPublish holds publishing with the index to its aim (BENCH_CHECK).
func (s searchSettings) checkPublish(with, without throughput) {
	if s.Check != nil {
		s.Check.add("search: publishing with ÷ without the index", with.perSecond()/without.perSecond(), publishAim)
	}
}

// benchQuery is one query of the fixed set, with its filters: tenant is
// a tenant's number (0: any), from a number of days back (0: any).
type benchQuery struct {
	q                      string
	tenant                 int
	kind, category, locale string
	days                   int
}

// benchQueries: one to five words, with and without diacritics, old tone
// placement, acronyms, legal numbers, phrases, exclusion and OR, English
// and Russian, and filters.
var benchQueries = []benchQuery{
	{q: "du lịch"}, {q: "du lich"}, {q: "lễ hội"}, {q: "le hoi", days: 366},
	{q: "thủ tục hành chính"}, {q: "thu tuc hanh chinh"}, {q: "TTHC"}, {q: "thu tuc hanh chinh", tenant: 3},
	{q: "chuyển đổi số"}, {q: "chuyen doi so", tenant: 7}, {q: "công nghệ thông tin"}, {q: `"cải cách hành chính"`},
	{q: "nông nghiệp công nghệ cao"}, {q: "sầu riêng"}, {q: "sau rieng", kind: "article"},
	{q: "bảo hiểm y tế"}, {q: "bao hiem y te", days: 366}, {q: "phòng chống thiên tai"}, {q: "nước sạch nông thôn"},
	{q: "rác thải nhựa", tenant: 12}, {q: "khánh hòa"}, {q: "KHANH HOA"}, {q: "hoà"}, {q: "Nha Trang"},
	{q: "ninh hoa", category: "news"}, {q: "xã Diên Khánh"}, {q: "Nguyễn Văn Hùng"}, {q: "nguyen thi lan"},
	{q: "quyết định"}, {q: "15/2024/QĐ-UBND"}, {q: "15 2024"}, {q: "quyet dinh", kind: "legal_document"},
	{q: "UBND"}, {q: "giấy phép xây dựng"}, {q: "cap giay phep xay dung", days: 31},
	{q: "tourism", locale: "en"}, {q: "public services"}, {q: "digital transformation"}, {q: "health insurance", locale: "en"},
	{q: "туризм"}, {q: "цифровая трансформация"}, {q: "порталы"},
	{q: "du lịch -nha trang"}, {q: "điện OR nước"}, {q: "học sinh giỏi", days: 366}, {q: "tuyen sinh lop 10"},
	{q: "giáo viên", tenant: 20, days: 366}, {q: "đấu thầu", category: "procurement"},
}

func runSearch(ctx context.Context, s searchSettings) error {
	if s.Database != "" {
		return remeasureSearch(ctx, s, s.Database)
	}
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-search-")
	if err != nil {
		return err
	}
	// Ephemeral (no fsync): commits cost no disk flush, so the index's
	// share of a publish shows in full.
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dir, Ephemeral: true, Timeout: 2 * time.Minute})
	if err != nil {
		return err
	}
	url := cluster.URL("postgres")
	if s.Keep {
		fmt.Fprintf(os.Stderr, "BENCH_SEARCH_KEEP: the database stays at %s (stop: pg_ctl stop -D %s/data as postgres)\n", url, cluster.Dir())
	} else {
		defer os.RemoveAll(dir)
		defer os.RemoveAll(cluster.Dir())
		defer cluster.Stop()
	}
	if err := hubschema.Migrate(ctx, url); err != nil {
		return err
	}
	hub, plain, err := openStores(ctx, url)
	if err != nil {
		return err
	}
	defer hub.Close()
	defer plain.Close()
	if err := addTenants(ctx, hub, s.Tenants); err != nil {
		return err
	}
	gen, err := newTextGen(".")
	if err != nil {
		return err
	}
	now := time.Now()

	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	fmt.Printf("search: seeding %d items over %d tenants (%d workers)...\n", s.Items, s.Tenants, s.Workers)
	start := time.Now()
	if err := seedCorpus(ctx, plain, pool, gen, s.Items, s.Tenants, s.Workers, now); err != nil {
		return err
	}
	fmt.Printf("search: seeded in %s; building the index (hubctl search reindex)...\n", time.Since(start).Round(time.Second))
	start = time.Now()
	last := time.Time{}
	err = hub.Reindex(ctx, func(done, total int) {
		if time.Since(last) > 15*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "  indexed %d of %d items (%s)\n", done, total, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	build := time.Since(start)

	var docs, en, ru, indexBytes, ginBytes, vocabBytes, itemBytes int64
	err = pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM search_docs), (SELECT count(*) FROM search_docs WHERE locale = 'en'),
		(SELECT count(*) FROM search_docs WHERE locale = 'ru'), pg_total_relation_size('search_docs'),
		pg_relation_size('search_docs_tsv'), pg_total_relation_size('search_vocabulary'),
		pg_total_relation_size('items') + pg_total_relation_size('item_translations')`).
		Scan(&docs, &en, &ru, &indexBytes, &ginBytes, &vocabBytes, &itemBytes)
	if err != nil {
		return err
	}

	fmt.Printf("search: publishing %d revisions with and %d without the index (%d workers)...\n", s.Publishes, s.Publishes, s.Workers)
	with, without, err := publishThroughput(ctx, hub, plain, gen, s, now, 1)
	if err != nil {
		return fmt.Errorf("publish throughput: %w", err)
	}

	fmt.Printf("search: %d queries × %d rounds...\n", len(benchQueries), s.Rounds)
	timeouts, byQuery := map[string]int{}, map[string][]time.Duration{}
	found, pk, empty, err := searchLatency(ctx, pool, s, now, timeouts, byQuery)
	if err != nil {
		return err
	}

	sr, pr := summarize(found), summarize(pk)
	n := float64(s.Items)
	fmt.Println()
	fmt.Printf("search: %d items, %d documents (vi; en %.0f%%, ru %.0f%%), %d tenants; %d searches (%d found nothing)\n",
		s.Items, docs, 100*float64(en)/n, 100*float64(ru)/n, s.Tenants, len(found), empty)
	fmt.Printf("%-44s %14s   %-40s %14s %8s\n", "measurement", "figure", "reference (same run)", "reference", "ratio")
	row := func(what, fig, ref, refFig string, r float64) {
		fmt.Printf("%-44s %14s   %-40s %14s %8s\n", what, fig, ref, refFig, fmt.Sprintf("×%.2f", r))
	}
	row("ranked top-20 search p50", ms(sr.p50), "fetch of the same 20 rows by key p50", ms(pr.p50), ratio(sr.p50, pr.p50))
	row("ranked top-20 search p95", ms(sr.p95), "fetch of the same 20 rows by key p95", ms(pr.p95), ratio(sr.p95, pr.p95))
	row("ranked top-20 search p99", ms(sr.p99), "fetch of the same 20 rows by key p99", ms(pr.p99), ratio(sr.p99, pr.p99))
	buildPer, storePer := build.Seconds()*1000/n, float64(without.meanApply().Microseconds())/1000
	row("index build (reindex), per item", fmt.Sprintf("%.2f ms", buildPer), "storing an item without the index (Apply)", fmt.Sprintf("%.2f ms", storePer), buildPer/storePer)
	row("index size per item", kb(float64(indexBytes+vocabBytes)/n), "the items' own tables, per item", kb(float64(itemBytes)/n), float64(indexBytes+vocabBytes)/float64(itemBytes))
	row("publish throughput with the index", fmt.Sprintf("%.0f /s", with.perSecond()), "without the index",
		fmt.Sprintf("%.0f /s", without.perSecond()), with.perSecond()/without.perSecond())
	row("Apply alone (mean) with the index", ms(with.meanApply()), "without the index", ms(without.meanApply()),
		ratio(with.meanApply(), without.meanApply()))
	fmt.Printf("index build: %s in all; index %s (its GIN index %s, vocabulary %s)\n",
		build.Round(time.Second), mb(indexBytes), mb(ginBytes), mb(vocabBytes))
	slowest(byQuery, timeouts, s.Rounds)
	fmt.Printf("aims: p95 ≤ 20 ms: %s; p95 ≤ 8× the key fetch: %s; publishing ≤ 25%% slower with the index: %s\n",
		yes(sr.p95 <= searchAim), yes(ratio(sr.p95, pr.p95) <= searchKeyAim), yes(with.perSecond() >= publishAim*without.perSecond()))
	s.checkSearch(sr, pr)
	s.checkPublish(with, without)
	if s.After != nil {
		fmt.Println()
		return s.After(ctx, url)
	}
	return nil
}

// remeasureSearch measures search latency again, and the pages part when
// it runs, on a database an earlier run kept (BENCH_SEARCH_KEEP), migrated
// first: a change of the queries measured on the same corpus without
// seeding and indexing it again, then publishing with and without the
// index (index build and size are not measured).
func remeasureSearch(ctx context.Context, s searchSettings, url string) error {
	if err := hubschema.Migrate(ctx, url); err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	var items, docs int64
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM search_docs)`).Scan(&items, &docs); err != nil {
		return err
	}
	fmt.Printf("search: measuring again on %d items, %d documents: %d queries × %d rounds...\n", items, docs, len(benchQueries), s.Rounds)
	timeouts, byQuery := map[string]int{}, map[string][]time.Duration{}
	found, pk, empty, err := searchLatency(ctx, pool, s, time.Now(), timeouts, byQuery)
	if err != nil {
		return err
	}
	sr, pr := summarize(found), summarize(pk)
	fmt.Printf("\nsearch: %d searches (%d found nothing)\n", len(found), empty)
	for _, r := range []struct {
		what   string
		s, ref time.Duration
	}{{"p50", sr.p50, pr.p50}, {"p95", sr.p95, pr.p95}, {"p99", sr.p99, pr.p99}} {
		fmt.Printf("%-44s %14s   %-40s %14s %8s\n", "ranked top-20 search "+r.what, ms(r.s), "fetch of the same 20 rows by key "+r.what, ms(r.ref), fmt.Sprintf("×%.2f", ratio(r.s, r.ref)))
	}
	slowest(byQuery, timeouts, s.Rounds)
	fmt.Printf("aims: p95 ≤ 20 ms: %s; p95 ≤ 8× the key fetch: %s\n", yes(sr.p95 <= searchAim), yes(ratio(sr.p95, pr.p95) <= searchKeyAim))
	s.checkSearch(sr, pr)
	if s.Publishes > 0 {
		if err := remeasurePublishing(ctx, s, url, int(items)); err != nil {
			return err
		}
	}
	if s.After != nil {
		fmt.Println()
		return s.After(ctx, url)
	}
	return nil
}

// openStores opens two stores of the hub database at url: hub writes the
// search index, plain does not (the reference).
func openStores(ctx context.Context, url string) (hub, plain *hubstore.Store, err error) {
	if hub, err = hubstore.Open(ctx, url); err != nil {
		return nil, nil, err
	}
	if plain, err = hubstore.Open(ctx, url); err != nil {
		hub.Close()
		return nil, nil, err
	}
	plain.SkipSearchIndex()
	return hub, plain, nil
}

// remeasurePublishing measures publish throughput with and without the
// index again on a kept database of items (the corpus's first items; the
// revisions published are new versions of them, as in a full run).
func remeasurePublishing(ctx context.Context, s searchSettings, url string, items int) error {
	hub, plain, err := openStores(ctx, url)
	if err != nil {
		return err
	}
	defer hub.Close()
	defer plain.Close()
	gen, err := newTextGen(".")
	if err != nil {
		return err
	}
	s.Items = items
	// New versions above every stored one: an earlier run published some.
	var stored uint64
	if err := hub.Pool().QueryRow(ctx, `SELECT max(version) FROM items`).Scan(&stored); err != nil {
		return err
	}
	fmt.Printf("search: publishing %d revisions with and %d without the index (%d workers)...\n", s.Publishes, s.Publishes, s.Workers)
	with, without, err := publishThroughput(ctx, hub, plain, gen, s, time.Now(), stored)
	if err != nil {
		return fmt.Errorf("publish throughput: %w", err)
	}
	fmt.Printf("%-44s %14s   %-40s %14s %8s\n", "publish throughput with the index", fmt.Sprintf("%.0f /s", with.perSecond()),
		"without the index", fmt.Sprintf("%.0f /s", without.perSecond()), fmt.Sprintf("×%.2f", with.perSecond()/without.perSecond()))
	fmt.Printf("%-44s %14s   %-40s %14s %8s\n", "Apply alone (mean) with the index", ms(with.meanApply()), "without the index",
		ms(without.meanApply()), fmt.Sprintf("×%.2f", ratio(with.meanApply(), without.meanApply())))
	fmt.Printf("aims: publishing ≤ 25%% slower with the index: %s\n", yes(with.perSecond() >= publishAim*without.perSecond()))
	s.checkPublish(with, without)
	return nil
}

// queryName names a query of the set with its filters.
func queryName(p hubread.SearchParams) string {
	name := fmt.Sprintf("%q", p.Query.Normalized())
	for _, f := range []struct{ k, v string }{{"tenant", p.Tenant}, {"kind", p.Kind}, {"category", p.Category}, {"locale", p.Locale}} {
		if f.v != "" {
			name += " " + f.k + "=" + f.v
		}
	}
	if !p.From.IsZero() {
		name += " from=" + p.From.Format(time.DateOnly)
	}
	return name
}

// slowest prints the five queries of the set slowest at their median, and
// those the statement timeout cut off.
func slowest(byQuery map[string][]time.Duration, timeouts map[string]int, rounds int) {
	type q struct {
		name string
		s    summary
	}
	var qs []q
	for name, d := range byQuery {
		qs = append(qs, q{name, summarize(d)})
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].s.p50 > qs[j].s.p50 })
	fmt.Print("slowest queries (median, p99):")
	for _, x := range qs[:min(5, len(qs))] {
		fmt.Printf(" %s %s, %s;", x.name, ms(x.s.p50), ms(x.s.p99))
	}
	fmt.Println()
	for name, n := range timeouts {
		fmt.Printf("timed out (statement timeout %s): %s %d of %d times\n", hubread.SearchTimeout, name, n, rounds)
	}
}

// searchLatency runs every query of the set s.Rounds times (after one
// round to warm the caches), each search followed by the fetch of its rows
// by primary key. It returns both durations and how many searches found
// nothing; searches cut off by the statement timeout count as samples of
// the time they took, and in timeouts.
func searchLatency(ctx context.Context, pool *pgxpool.Pool, s searchSettings, now time.Time, timeouts map[string]int, byQuery map[string][]time.Duration) (found, pk []time.Duration, empty int, err error) {
	read := hubread.New(pool)
	syn, err := read.Synonyms(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	params := make([]hubread.SearchParams, len(benchQueries))
	for i, bq := range benchQueries {
		q, err := search.Parse(bq.q, syn)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("parse %q: %w", bq.q, err)
		}
		p := hubread.SearchParams{Query: q, Kind: bq.kind, Category: bq.category, Locale: bq.locale, PageLocale: "vi", Page: 1}
		if bq.tenant > 0 {
			p.Tenant = tenantID(bq.tenant - 1)
		}
		if bq.days > 0 {
			p.From = now.AddDate(0, 0, -bq.days)
		}
		params[i] = p
	}
	for round := 0; round <= s.Rounds; round++ {
		for _, p := range params {
			start := time.Now()
			res, err := read.Search(ctx, p)
			took := time.Since(start)
			if round > 0 {
				byQuery[queryName(p)] = append(byQuery[queryName(p)], took)
			}
			if errors.Is(err, hubread.ErrSearchTimeout) {
				// Cut off by the statement timeout: a sample as long as
				// the visitor waited, without a key fetch to compare.
				if round > 0 {
					found = append(found, took)
					timeouts[queryName(p)]++
				}
				continue
			}
			if err != nil {
				return nil, nil, 0, fmt.Errorf("search %q: %w", p.Query.Normalized(), err)
			}
			var tenants, ids, locales []string
			for _, h := range res.Hits {
				tenants, ids, locales = append(tenants, h.Tenant), append(ids, h.ContentID), append(locales, h.Locale)
			}
			start = time.Now()
			rows, err := pool.Query(ctx, `
				SELECT d.tenant_id, d.content_id, d.locale, d.kind, d.category, d.published_at, d.title, d.summary, left(d.body, 20000)
				FROM unnest($1::text[], $2::text[], $3::text[]) k (t, c, l)
				JOIN search_docs d ON d.tenant_id = k.t AND d.content_id = k.c AND d.locale = k.l`, tenants, ids, locales)
			if err != nil {
				return nil, nil, 0, err
			}
			got := 0
			for rows.Next() {
				got++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, nil, 0, err
			}
			keyed := time.Since(start)
			if got != len(res.Hits) {
				return nil, nil, 0, fmt.Errorf("search %q: %d rows fetched by key of %d found", p.Query.Normalized(), got, len(res.Hits))
			}
			if round == 0 {
				continue
			}
			found, pk = append(found, took), append(pk, keyed)
			if len(res.Hits) == 0 {
				empty++
			}
		}
	}
	return found, pk, empty, nil
}

// publishThroughput publishes s.Publishes new revisions of random items
// through hub (which writes the index) and as many through plain (which
// does not), in alternating blocks so that both meet the same database,
// with s.Workers publishing at once, each item's first revision the
// version after from. Revisions are generated beforehand:
// only Apply, the hub's write, is timed (see prepare). It returns both
// ways' publishes and times.
func publishThroughput(ctx context.Context, hub, plain *hubstore.Store, g *textGen, s searchSettings, now time.Time, from uint64) (with, without throughput, err error) {
	const block = 100
	r := rand.New(rand.NewPCG(42, 42))
	version := map[int]uint64{}
	for done := 0; done < 2*s.Publishes; done += block {
		n := min(block, 2*s.Publishes-done)
		batch := make([]prepared, n)
		for i := range batch {
			k := r.IntN(s.Items)
			version[k] = max(version[k], from) + 1
			if batch[i], err = g.prepare(k, s.Tenants, version[k], now); err != nil {
				return with, without, err
			}
		}
		t := &with
		store := hub
		if (done/block)%2 == 1 {
			t, store = &without, plain
		}
		if err := publishAll(ctx, store, batch, s.Workers, t); err != nil {
			return with, without, err
		}
	}
	return with, without, nil
}

// throughput adds up publishes.
type throughput struct {
	n             int
	wall, applied time.Duration
}

func (t throughput) perSecond() float64 { return float64(t.n) / t.wall.Seconds() }
func (t throughput) meanApply() time.Duration {
	return t.applied / time.Duration(max(t.n, 1))
}

// publishAll applies batch with workers goroutines, adding to t.
func publishAll(ctx context.Context, store *hubstore.Store, batch []prepared, workers int, t *throughput) error {
	work := make(chan prepared)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				at := time.Now()
				_, err := store.Apply(ctx, p.tenant, p.p)
				took := time.Since(at)
				mu.Lock()
				t.applied += took
				if err != nil && first == nil {
					first = fmt.Errorf("%s/%s: %w", p.tenant, p.p.Item.GetContentId(), err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range batch {
		work <- p
	}
	close(work)
	wg.Wait()
	t.wall += time.Since(start)
	t.n += len(batch)
	return first
}

func kb(b float64) string { return fmt.Sprintf("%.1f kB", b/1024) }
func mb(b int64) string   { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

func yes(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
