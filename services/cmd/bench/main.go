// Command bench measures portalhub against references measured in the same
// run (`make bench`), and prints every figure with its ratio:
//
//   - publish-to-visible: an approved item posted to a sub-portal until the
//     gateway serves its new version, through the whole federation (sub-portal
//     outbox, gRPC over TLS, aggregator, hub outbox, JetStream, gateway cache);
//   - reference 1: a bare JetStream publish and consume round trip on the same
//     NATS server, published as the aggregator's user;
//   - reference 2: a gRPC Publish call over TLS with a credential, answered by
//     a server that does nothing (no validation, no store, no bus);
//   - search (searchbench.go): ranked search, the index's build, size and
//     cost to publishing, over a generated corpus of 200,000 items;
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
}

func main() {
	var s settings
	set := config.New("bench", "measures publish-to-visible latency against references (make bench)")
	set.String(&s.BinDir, "PORTALHUB_BIN", "bin", "folder holding the built binaries")
	set.Int(&s.N, "BENCH_N", 500, "publishes per measurement (at least 500 for the published figures)")
	set.Bool(&s.Output, "BENCH_VERBOSE", false, "show the federation's logs")
	set.String(&s.Parts, "BENCH_PARTS", "visible,search,pages", "the parts to run: visible (publish-to-visible), search, pages (page renders and the gateway's memory)")
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
	set.MustParse(os.Args[1:])
	s.Pages.Workers = s.Search.Workers
	// summarize needs at least one sample.
	for _, c := range []struct {
		name string
		v    int
	}{{"BENCH_N", s.N}, {"BENCH_SEARCH_ITEMS", s.Search.Items}, {"BENCH_SEARCH_TENANTS", s.Search.Tenants},
		{"BENCH_SEARCH_ROUNDS", s.Search.Rounds}, {"BENCH_SEARCH_PUBLISHES", s.Search.Publishes}, {"BENCH_SEARCH_WORKERS", s.Search.Workers},
		{"BENCH_PAGES_ITEMS", s.Pages.Items}, {"BENCH_PAGES_TENANTS", s.Pages.Tenants}, {"BENCH_PAGES_SAMPLES", s.Pages.Samples},
		{"BENCH_PAGES_CACHED", s.Pages.Cached}} {
		if c.v < 1 {
			fmt.Fprintf(os.Stderr, "bench: %s must be at least 1, got %d\n", c.name, c.v)
			os.Exit(2)
		}
	}
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(s settings) error {
	parts := map[string]bool{}
	for _, p := range strings.Split(s.Parts, ",") {
		switch p = strings.TrimSpace(p); p {
		case "visible", "search", "pages":
			parts[p] = true
		case "":
		default:
			return fmt.Errorf("BENCH_PARTS: unknown part %q (visible, search, pages)", p)
		}
	}
	ran := false
	if parts["visible"] {
		if err := runVisible(s); err != nil {
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
	if parts["search"] {
		if ran {
			fmt.Println()
		}
		if parts["pages"] {
			// One corpus of 200,000 items for both: pages measures on
			// the search part's database.
			s.Search.After = func(ctx context.Context, url string) error { return runPagebench(ctx, bin, url, s.Pages) }
		}
		return runSearch(ctx, s.Search)
	}
	if parts["pages"] {
		if ran {
			fmt.Println()
		}
		return runPages(ctx, bin, s.Pages)
	}
	return nil
}

// runVisible measures publish-to-visible latency through the federation.
func runVisible(s settings) error {
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
	jsRTT, err := jetStreamRoundTrip(ctx, f.NATSURL, f.NATSKeys, s.N)
	if err != nil {
		return fmt.Errorf("JetStream reference: %w", err)
	}
	grpcRTT, err := bareGRPC(ctx, filepath.Join(dir, "tls"), s.N)
	if err != nil {
		return fmt.Errorf("gRPC reference: %w", err)
	}
	visible, err := publishToVisible(ctx, f, s.N)
	if err != nil {
		return fmt.Errorf("publish-to-visible: %w", err)
	}

	pv := summarize(visible)
	js := summarize(jsRTT)
	gr := summarize(grpcRTT)
	fmt.Printf("%-58s %10s %10s\n", "measurement", "p50", "p95")
	fmt.Printf("%-58s %10s %10s\n", "publish-to-visible (sub-portal → gateway serves it)", ms(pv.p50), ms(pv.p95))
	fmt.Printf("%-58s %10s %10s\n", "ref: JetStream publish + consume round trip", ms(js.p50), ms(js.p95))
	fmt.Printf("%-58s %10s %10s\n", "ref: gRPC Publish over TLS, answered without the pipeline", ms(gr.p50), ms(gr.p95))
	fmt.Println()
	fmt.Printf("publish-to-visible / JetStream round trip:  p50 ×%.1f   p95 ×%.1f\n", ratio(pv.p50, js.p50), ratio(pv.p95, js.p95))
	fmt.Printf("publish-to-visible / bare gRPC call:        p50 ×%.1f   p95 ×%.1f\n", ratio(pv.p50, gr.p50), ratio(pv.p95, gr.p95))
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
