// Command bench measures portalhub against references measured in the same
// run (`make bench`), and prints every figure with its ratio:
//
//   - publish-to-visible: an approved item posted to a sub-portal until the
//     gateway serves its new version, through the whole federation (sub-portal
//     outbox, gRPC over TLS, aggregator, hub outbox, JetStream, gateway cache),
//     with its time per stage from the services' timestamps (floor.go), against
//     its floor measured in the same run: the sum of a committed transaction
//     on the sub-portal's database and one on the hub's, a gRPC Publish over
//     TLS answered by a server that does nothing, a JetStream publish and
//     consume round trip (references.go), and the gateway's mean uncached
//     render of the item page in the run;
//   - cached (cachedbench.go): the demo federation's provincial home from the
//     gateway's page cache (plain, gzip, brotli, 304) against nginx and a
//     bare net/http handler serving the same bytes and headers;
//   - search (searchbench.go): ranked search, the index's build, size and
//     cost to publishing, over a generated corpus of 200,000 items;
//   - load (loadbench.go): the demo federation under 200 concurrent
//     visitors over the mix of pages in loadmix.json, idle, while 50
//     revisions a second are published and during a bulk import, with each
//     process's CPU and memory and the gateway's and aggregator's profiles;
//   - pages (pagesbench.go, measured by gateway/cmd/pagebench): uncached
//     item, section and legal register renders beside primary-key fetches
//     of the same rows, and the gateway's memory with 10,000 cached pages,
//     over the same corpus.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/internal/federation"
)

type settings struct {
	BinDir string
	N      int
	Output bool
	Parts  string
	Search searchSettings
	Pages  pagesSettings
	Cached cachedSettings
	Scale  scaleSettings
	Bulk   bulkSettings
	Load   loadSettings
	Check  bool
}

func main() {
	if files := os.Getenv("BENCH_BARE_FILES"); files != "" { // the cached part's bare net/http reference
		if err := serveBare(files, os.Getenv("BENCH_BARE_ADDR")); err != nil {
			fmt.Fprintln(os.Stderr, "bench: bare net/http:", err)
			os.Exit(1)
		}
		return
	}
	var s settings
	set := config.New("bench", "measures publish-to-visible latency against references (make bench)")
	set.String(&s.BinDir, "PORTALHUB_BIN", "bin", "folder holding the built binaries")
	set.Int(&s.N, "BENCH_N", 500, "publishes per measurement (at least 500 for the published figures)")
	set.Bool(&s.Output, "BENCH_VERBOSE", false, "show the federation's logs, and every measurement of the cached part")
	set.String(&s.Parts, "BENCH_PARTS", "visible,cached,search,pages,scale,bulk,load", "the parts to run: visible (publish-to-visible), cached (cached pages and 304 against nginx), search, pages (page renders and the gateway's memory), scale (the console and the compliance report over 3,400 tenants and 2 million items), bulk (PublishBulk against CopyFrom), load (visitors while publishing and during a bulk import)")
	set.Bool(&s.Check, "BENCH_CHECK", false, "exit non-zero when a ratio is below its aim (issue 11)")
	set.Int(&s.Cached.Seconds, "BENCH_CACHED_SECONDS", 5, "seconds per load measurement of the cached part")
	set.Int(&s.Cached.Rounds, "BENCH_CACHED_ROUNDS", 3, "rounds of the cached part (each measures every server in turn; the median counts)")
	set.Int(&s.Cached.Conns, "BENCH_CACHED_CONNS", 50, "connections of the load generator")
	set.String(&s.Cached.Procs, "BENCH_CACHED_PROCS", "1,2", "the cached part's pairings: for each n, a gateway with GOMAXPROCS=n against nginx with n workers and the bare handler with GOMAXPROCS=n")
	set.String(&s.Cached.Catalogue, "BENCH_CACHED_CATALOGUE", "../tenants/demo/tenants.json", "the demo tenants the cached part runs (make run's)")
	set.Int(&s.Search.Items, "BENCH_SEARCH_ITEMS", 200000, "items the search benchmark seeds (200000 for the published figures; 5000 to try it quickly)")
	set.Int(&s.Search.Tenants, "BENCH_SEARCH_TENANTS", 50, "tenants the search benchmark's items belong to")
	set.Int(&s.Search.Rounds, "BENCH_SEARCH_ROUNDS", 10, "rounds of the fixed query set (each query once a round)")
	set.Int(&s.Search.Publishes, "BENCH_SEARCH_PUBLISHES", 2000, "revisions published with the index, and as many without it")
	set.Int(&s.Search.Workers, "BENCH_SEARCH_WORKERS", 2, "concurrent publishers, seeding and measuring throughput")
	set.Bool(&s.Search.Keep, "BENCH_SEARCH_KEEP", false, "leave the search benchmark's database running (to EXPLAIN its queries)")
	set.Secret(&s.Search.Database, "BENCH_SEARCH_DATABASE", "", "a database an earlier run kept (BENCH_SEARCH_KEEP): measure search latency (and pages) on it again, without seeding or indexing")
	set.Int(&s.Pages.Items, "BENCH_PAGES_ITEMS", 200000, "items the pages benchmark seeds (200000 for the published figures; 5000 to try it quickly)")
	set.Int(&s.Pages.Tenants, "BENCH_PAGES_TENANTS", 50, "tenants the pages benchmark's items belong to")
	set.Int(&s.Pages.Samples, "BENCH_PAGES_SAMPLES", 300, "renders measured per page type")
	set.Int(&s.Pages.Cached, "BENCH_PAGES_CACHED", 10000, "item pages cached for the gateway's memory figure")
	set.Int(&s.Scale.Tenants, "BENCH_SCALE_TENANTS", 3400, "tenants the scale part seeds (3400 for the published figures)")
	set.Int(&s.Scale.Items, "BENCH_SCALE_ITEMS", 2000000, "items the scale part seeds (2000000 for the published figures; 50000 to try it quickly)")
	set.Int(&s.Scale.Samples, "BENCH_SCALE_SAMPLES", 20, "requests timed per view of the scale part")
	set.Bool(&s.Scale.Keep, "BENCH_SCALE_KEEP", false, "leave the scale part's database running (seeding 2 million items takes minutes; to EXPLAIN or measure again)")
	set.Secret(&s.Scale.Database, "BENCH_SCALE_DATABASE", "", "a database an earlier run kept (BENCH_SCALE_KEEP): measure the scale part on it again, without seeding")
	set.String(&s.Scale.Rules, "BENCH_SCALE_RULES", "../deploy/rules/khanhhoa.toml", "the Article 11 rules file the scale part's compliance views use")
	set.Int(&s.Bulk.Items, "BENCH_BULK_ITEMS", 20000, "articles the bulk part pushes through PublishBulk")
	set.Int(&s.Bulk.Stream, "BENCH_BULK_STREAM", 500, "articles per PublishBulk stream (a call lasts at most 30 s, also on a loaded machine)")
	set.Int(&s.Load.Visitors, "BENCH_LOAD_VISITORS", 200, "concurrent visitors of the load part (each a loop of requests)")
	set.Int(&s.Load.Seconds, "BENCH_LOAD_SECONDS", 20, "seconds of each phase of the load part (idle, publishing, bulk import)")
	set.Int(&s.Load.Publishes, "BENCH_LOAD_PUBLISHES", 50, "revisions posted a second during the load part's publishing phase")
	set.Int(&s.Load.BulkItems, "BENCH_LOAD_BULK_ITEMS", 20000, "most articles the load part's bulk import pushes (it stops with its phase)")
	set.String(&s.Load.Mix, "BENCH_LOAD_MIX", "cmd/bench/loadmix.json", "the load part's mix of pages")
	set.String(&s.Bulk.Profiles, "BENCH_PROFILES", "../var/bench", "folder the pprof profiles of the measured processes are written into")
	set.Int(&s.Bulk.ProfileSeconds, "BENCH_PROFILE_SECONDS", 10, "seconds of each CPU profile (at most the ops listener's write timeout, 60 s)")
	set.MustParse(os.Args[1:])
	s.Bulk.Verbose = s.Output
	s.Cached.Profiles, s.Cached.ProfileSeconds = s.Bulk.Profiles, s.Bulk.ProfileSeconds
	s.Pages.Workers = s.Search.Workers
	s.Cached.Verbose = s.Output
	s.Load.Profiles, s.Load.ProfileSeconds, s.Load.Verbose, s.Load.Catalogue = s.Bulk.Profiles, s.Bulk.ProfileSeconds, s.Output, s.Cached.Catalogue
	s.Load.Stream = s.Bulk.Stream
	// summarize needs at least one sample.
	for _, c := range []struct {
		name string
		v    int
	}{{"BENCH_N", s.N}, {"BENCH_SEARCH_ITEMS", s.Search.Items}, {"BENCH_SEARCH_TENANTS", s.Search.Tenants},
		{"BENCH_SEARCH_ROUNDS", s.Search.Rounds}, {"BENCH_SEARCH_PUBLISHES", s.Search.Publishes}, {"BENCH_SEARCH_WORKERS", s.Search.Workers},
		{"BENCH_PAGES_ITEMS", s.Pages.Items}, {"BENCH_PAGES_TENANTS", s.Pages.Tenants}, {"BENCH_PAGES_SAMPLES", s.Pages.Samples},
		{"BENCH_PAGES_CACHED", s.Pages.Cached}, {"BENCH_CACHED_SECONDS", s.Cached.Seconds}, {"BENCH_CACHED_ROUNDS", s.Cached.Rounds},
		{"BENCH_CACHED_CONNS", s.Cached.Conns}, {"BENCH_SCALE_TENANTS", s.Scale.Tenants}, {"BENCH_SCALE_ITEMS", s.Scale.Items},
		{"BENCH_SCALE_SAMPLES", s.Scale.Samples}, {"BENCH_BULK_ITEMS", s.Bulk.Items}, {"BENCH_BULK_STREAM", s.Bulk.Stream},
		{"BENCH_PROFILE_SECONDS", s.Bulk.ProfileSeconds}, {"BENCH_LOAD_VISITORS", s.Load.Visitors}, {"BENCH_LOAD_SECONDS", s.Load.Seconds},
		{"BENCH_LOAD_PUBLISHES", s.Load.Publishes}, {"BENCH_LOAD_BULK_ITEMS", s.Load.BulkItems}} {
		if c.v < 1 {
			fmt.Fprintf(os.Stderr, "bench: %s must be at least 1, got %d\n", c.name, c.v)
			os.Exit(2)
		}
	}
	var check checks
	if err := run(s, &check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if len(check.failed) > 0 {
		fmt.Println("\nbelow their aims:")
		for _, f := range check.failed {
			fmt.Println("  " + f)
		}
		if s.Check {
			os.Exit(3)
		}
	}
}

func run(s settings, check *checks) error {
	parts := map[string]bool{}
	for _, p := range strings.Split(s.Parts, ",") {
		switch p = strings.TrimSpace(p); p {
		case "visible", "cached", "search", "pages", "scale", "bulk", "load":
			parts[p] = true
		case "":
		default:
			return fmt.Errorf("BENCH_PARTS: unknown part %q (visible, cached, search, pages, scale, bulk, load)", p)
		}
	}
	ran := false
	if parts["visible"] {
		if err := runVisible(s, check); err != nil {
			return err
		}
		ran = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Hour)
	defer cancel()
	bin, err := filepath.Abs(s.BinDir)
	if err != nil {
		return err
	}
	if parts["cached"] {
		if ran {
			fmt.Println()
		}
		if err := runCached(ctx, bin, s.Cached, check); err != nil {
			return fmt.Errorf("cached: %w", err)
		}
		ran = true
	}
	if parts["bulk"] {
		if ran {
			fmt.Println()
		}
		if err := runBulk(ctx, bin, s.Bulk, check); err != nil {
			return fmt.Errorf("bulk: %w", err)
		}
		ran = true
	}
	if parts["load"] {
		if ran {
			fmt.Println()
		}
		if err := runLoad(ctx, bin, s.Load, check); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		ran = true
	}
	if parts["search"] {
		if ran {
			fmt.Println()
		}
		if parts["pages"] {
			// One corpus of 200,000 items for both: pages measures on
			// the search part's database.
			s.Search.After = func(ctx context.Context, url string) error { return runPagebench(ctx, bin, url, s.Pages) }
		}
		s.Search.Check = check
		if err := runSearch(ctx, s.Search); err != nil {
			return err
		}
		ran = true
	} else if parts["pages"] {
		if ran {
			fmt.Println()
		}
		if err := runPages(ctx, bin, s.Pages); err != nil {
			return err
		}
		ran = true
	}
	if parts["scale"] {
		if ran {
			fmt.Println()
		}
		if err := runScale(ctx, s.Scale, check); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
	}
	return nil
}

// runVisible measures publish-to-visible latency through the federation.
func runVisible(s settings, check *checks) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := filepath.Abs(s.BinDir)
	if err != nil {
		return err
	}
	opts := federation.Options{
		VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true,
		Tenants: []federation.Tenant{{ID: "bench", Kind: "department", NameVI: "Sở Đo lường"}},
	}
	if s.Output {
		opts.Output = os.Stderr
	}
	fmt.Println("starting the federation...")
	f, err := federation.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer f.Stop()

	fmt.Printf("measuring %d round trips each...\n\n", s.N)
	subURL, err := federation.EnsureDatabase(ctx, f.BaseURL, "portalhub_bench")
	if err != nil {
		return err
	}
	subCommit, err := commitRoundTrip(ctx, subURL, s.N)
	if err != nil {
		return fmt.Errorf("sub-portal commit reference: %w", err)
	}
	hubCommit, err := commitRoundTrip(ctx, f.HubDatabaseURL, s.N)
	if err != nil {
		return fmt.Errorf("hub commit reference: %w", err)
	}
	jsRTT, err := jetStreamRoundTrip(ctx, f.NATSURL, f.NATSKeys, s.N)
	if err != nil {
		return fmt.Errorf("JetStream reference: %w", err)
	}
	grpcRTT, err := bareGRPC(ctx, filepath.Join(dir, "tls"), s.N)
	if err != nil {
		return fmt.Errorf("gRPC reference: %w", err)
	}
	renders := &meanOver{url: f.GatewayOps, series: `portalhub_gateway_pagecache_render_seconds{page="item"}`}
	publishes := &meanOver{url: "http://" + f.HubOpsAddr, series: "portalhub_ingest_publish_seconds"}
	for _, m := range []*meanOver{renders, publishes} {
		if err := m.start(ctx); err != nil {
			return err
		}
	}
	revs, err := publishToVisible(ctx, f, s.N)
	if err != nil {
		return fmt.Errorf("publish-to-visible: %w", err)
	}
	render, err := renders.mean(ctx)
	if err != nil {
		return fmt.Errorf("the gateway's render metrics: %w", err)
	}
	publish, err := publishes.mean(ctx)
	if err != nil {
		return fmt.Errorf("the aggregator's publish metrics: %w", err)
	}
	steps, err := stages(ctx, f, "bench", "bench-item", revs)
	if err != nil {
		return fmt.Errorf("stages: %w", err)
	}
	withIndex, withoutIndex, err := applyWithAndWithoutIndex(ctx, f.HubDatabaseURL, "bench", max(20, s.N/3))
	if err != nil {
		return fmt.Errorf("the hub's write with and without the search index: %w", err)
	}
	visible := make([]time.Duration, len(revs))
	for i, r := range revs {
		visible[i] = r.visible.Sub(r.posted)
	}

	pv := summarize(visible)
	js := summarize(jsRTT)
	gr := summarize(grpcRTT)
	sc, hc := summarize(subCommit), summarize(hubCommit)
	floor := sc.p50 + gr.p50 + hc.p50 + js.p50 + render
	row := func(name string, p50, p95 string) { fmt.Printf("%-72s %10s %10s\n", name, p50, p95) }
	row("floor of publish-to-visible (same run)", "p50", "p95")
	row("  committed transaction, sub-portal database (2 KB row)", ms(sc.p50), ms(sc.p95))
	row("  gRPC Publish over TLS, answered without the pipeline", ms(gr.p50), ms(gr.p95))
	row("  committed transaction, hub database (2 KB row)", ms(hc.p50), ms(hc.p95))
	row("  JetStream publish + consume round trip", ms(js.p50), ms(js.p95))
	row("  uncached item page render (gateway's mean, this run)", ms(render), "")
	row("  floor: the sum (p50s, the render's mean)", ms(floor), "")
	fmt.Println()
	row("publish-to-visible (sub-portal → gateway serves it)", ms(pv.p50), ms(pv.p95))
	for _, st := range steps {
		sm := summarize(st.d)
		row("  "+st.name, ms(sm.p50), ms(sm.p95))
	}
	row("  of which the hub's Publish (aggregator's mean: checks, apply, commit)", ms(publish), "")
	wi, wo := summarize(withIndex), summarize(withoutIndex)
	row("    the hub's write of a revision (Prepare, Apply), with the search index", ms(wi.p50), ms(wi.p95))
	row("    the same without the search index (Store.SkipSearchIndex)", ms(wo.p50), ms(wo.p95))
	row("  of which the page's render (gateway's mean)", ms(render), "")
	fmt.Println()
	fmt.Printf("publish-to-visible ÷ floor:  p50 ×%.2f   p95 ×%.2f   (aim: p95 at most ×1.5)\n", ratio(pv.p50, floor), ratio(pv.p95, floor))
	check.add("publish-to-visible: floor × 1.5 ÷ p95", 1.5*float64(floor)/float64(max(pv.p95, 1)), 1)
	return nil
}

type summary struct{ p50, p95, p99 time.Duration }

func summarize(d []time.Duration) summary {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1))] }
	return summary{p50: at(0.50), p95: at(0.95), p99: at(0.99)}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
