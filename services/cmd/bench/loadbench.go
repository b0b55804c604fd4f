package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/federation"
)

// The load part (issue 11 point 5): the demo federation (make run's tenants
// and content) under BENCH_LOAD_VISITORS (200) concurrent visitors, each a
// loop of requests over the mix of pages in loadmix.json, in phases of
// BENCH_LOAD_SECONDS:
//
//   - idle: the visitors alone, the reference of the others;
//   - publishing: the visitors while revisions of news articles are posted
//     to the sub-portals' APIs at BENCH_LOAD_PUBLISHES (50) a second, one in
//     five followed until the gateway serves it (publish-to-visible);
//   - bulk: the visitors while a sub-portal imports its old articles
//     through PublishBulk (streams of BENCH_BULK_STREAM, 500), with a revision posted and
//     followed every half second;
//   - profiled: publishing again, not measured, while the gateway's and the
//     aggregator's CPU profiles are taken (point 6).
//
// Each phase reports requests/s, p50/p95/p99 and errors by class of page,
// the page cache's hit ratio (from the gateway's metrics), publish-to-
// visible, and each process's CPU seconds and memory (from /proc). The
// aims (BENCH_CHECK): under publishing and bulk, the homes keep at least
// half their idle requests/s and a p99 under 100 ms, and no request fails.

type loadSettings struct {
	Visitors, Seconds, Publishes, BulkItems int
	// Stream is the articles per PublishBulk stream of the bulk import
	// (BENCH_BULK_STREAM, as the bulk part's: a stream lasts at most 30 s).
	Stream         int
	Mix, Catalogue string
	Profiles       string
	ProfileSeconds int
	Verbose        bool
}

// loadMix is loadmix.json.
type loadMix struct {
	AcceptEncoding string `json:"accept_encoding"`
	Pages          []struct {
		Class   string `json:"class"`
		Weight  int    `json:"weight"`
		Host    string `json:"host"`
		Path    string `json:"path"`
		LinksOf *struct {
			Host string `json:"host"`
			Path string `json:"path"`
		} `json:"links_of"`
	} `json:"pages"`
}

// loadClasses are the mix's classes, in the order they are printed.
var loadClasses = []string{"home", "section", "item", "file"}

// loadTarget is one URL of the mix: what a visitor asks.
type loadTarget struct {
	class      int // index in loadClasses
	host, path string
}

// loadAim is the homes' p99 under load.
const loadAim = 100 * time.Millisecond

func runLoad(ctx context.Context, bin string, s loadSettings, check *checks) error {
	b, err := os.ReadFile(s.Mix)
	if err != nil {
		return fmt.Errorf("the mix: %w", err)
	}
	var mix loadMix
	if err := json.Unmarshal(b, &mix); err != nil {
		return fmt.Errorf("the mix %s: %w", s.Mix, err)
	}
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The postgres user must reach the cluster's folder (else pgcluster
	// puts it elsewhere): the processes are found by it (procSnapshot).
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	tenants, err := demoTenants(s.Catalogue)
	if err != nil {
		return err
	}
	fmt.Println("load: starting the demo federation...")
	opts := federation.Options{VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true,
		Tenants: tenants, SeedDemo: true, Env: []string{"PORTALHUB_PPROF=true"}}
	if s.Verbose {
		opts.Output = os.Stderr
	}
	f, err := federation.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer f.Stop()
	gw, err := url.Parse(f.Gateway)
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(gw.Host)
	hostOf := func(h string) string {
		if h == "" {
			return ""
		}
		return h + ":" + port
	}
	tr := &http.Transport{DisableCompression: true, MaxIdleConns: 4 * s.Visitors, MaxIdleConnsPerHost: 4 * s.Visitors}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if err := waitStable(ctx, client, f.Gateway+"/vi/"); err != nil {
		return err
	}

	// The targets, each as often as its weight; every one answers 200.
	var targets []loadTarget
	class := map[string]int{}
	for i, c := range loadClasses {
		class[c] = i
	}
	fileLink := regexp.MustCompile(`href="(/files/[^"]+)"`)
	for _, p := range mix.Pages {
		ci, ok := class[p.Class]
		if !ok || p.Weight < 1 {
			return fmt.Errorf("the mix: class %q weight %d", p.Class, p.Weight)
		}
		var ts []loadTarget
		if p.LinksOf != nil {
			page, status, err := loadGet(ctx, client, f.Gateway, hostOf(p.LinksOf.Host), p.LinksOf.Path, "")
			if err != nil || status != http.StatusOK {
				return fmt.Errorf("the mix: %s%s: %d %v", p.LinksOf.Host, p.LinksOf.Path, status, err)
			}
			seen := map[string]bool{}
			for _, m := range fileLink.FindAllSubmatch(page, -1) {
				if l := string(m[1]); !seen[l] {
					seen[l] = true
					ts = append(ts, loadTarget{class: ci, host: hostOf(p.LinksOf.Host), path: l})
				}
			}
			if len(ts) == 0 {
				return fmt.Errorf("the mix: %s%s links to no file", p.LinksOf.Host, p.LinksOf.Path)
			}
		} else {
			ts = []loadTarget{{class: ci, host: hostOf(p.Host), path: p.Path}}
		}
		for _, t := range ts {
			if _, status, err := loadGet(ctx, client, f.Gateway, t.host, t.path, mix.AcceptEncoding); err != nil || status != http.StatusOK {
				return fmt.Errorf("the mix: %s %s: %d %v", t.host, t.path, status, err)
			}
			for range max(1, p.Weight/len(ts)) {
				targets = append(targets, t)
			}
		}
	}

	// The articles the publishers revise: pubArticles news articles a sub-portal,
	// each first posted and seen served.
	pubs, err := newPublishers(ctx, f, hostOf, client)
	if err != nil {
		return err
	}
	fmt.Printf("load: %d visitors over %d pages (%s), %d s a phase; %d articles to revise on %d sub-portals\n",
		s.Visitors, len(mix.Pages), s.Mix, s.Seconds, len(pubs.items), len(f.SubPortals))

	phase := time.Duration(s.Seconds) * time.Second
	type result struct {
		name    string
		v       *visitorResult
		pv      []time.Duration
		posted  int
		pubErrs int
		behind  int
		hit     float64
		procs   []procUse
		bulk    string
		renders string // renders a second by page type, and their mean time
	}
	var results []result
	measure := func(name string, during func(ctx context.Context) (string, error)) error {
		m0, err := gatewayCounters(ctx, f.GatewayOps)
		if err != nil {
			return err
		}
		p0, err := procSnapshot(dir)
		if err != nil {
			return err
		}
		pctx, cancel := context.WithTimeout(ctx, phase)
		defer cancel()
		var bulk string
		var bulkErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			if during != nil {
				bulk, bulkErr = during(pctx)
			}
		}()
		v := visit(pctx, client, f.Gateway, targets, s.Visitors, mix.AcceptEncoding)
		<-done
		if bulkErr != nil {
			return fmt.Errorf("%s: %w", name, bulkErr)
		}
		p1, err := procSnapshot(dir)
		if err != nil {
			return err
		}
		m1, err := gatewayCounters(ctx, f.GatewayOps)
		if err != nil {
			return err
		}
		hits := m1["hits_total"] + m1["stale_served_total"] - m0["hits_total"] - m0["stale_served_total"]
		all := hits + m1["misses_total"] - m0["misses_total"]
		r := result{name: name, v: v, procs: procDelta(p0, p1), bulk: bulk}
		if all > 0 {
			r.hit = hits / all
		}
		for _, page := range []string{"aggregate", "item"} {
			n := m1[`render_seconds_count{page="`+page+`"}`] - m0[`render_seconds_count{page="`+page+`"}`]
			sec := m1[`render_seconds_sum{page="`+page+`"}`] - m0[`render_seconds_sum{page="`+page+`"}`]
			if n > 0 {
				r.renders += fmt.Sprintf(", %s pages %.1f/s (mean %.0f ms)", page, n/v.seconds, 1000*sec/n)
			}
		}
		r.pv, r.posted, r.pubErrs, r.behind = pubs.take()
		results = append(results, r)
		fmt.Printf("load: %s done (%.0f req/s)\n", name, float64(v.total())/v.seconds)
		return nil
	}

	if err := measure("idle", nil); err != nil {
		return err
	}
	if err := measure(fmt.Sprintf("publishing %d/s", s.Publishes), func(ctx context.Context) (string, error) {
		pubs.run(ctx, s.Publishes, 5)
		return "", nil
	}); err != nil {
		return err
	}
	bulkConn, hubToken, err := bulkClient(f, "so-khcn")
	if err != nil {
		return err
	}
	defer bulkConn.Close()
	next := 0
	if err := measure("bulk import", func(ctx context.Context) (string, error) {
		hub := pb.NewIngestServiceClient(bulkConn)
		var imported string
		var bulkErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			start, from := time.Now(), next
			for next < s.BulkItems && ctx.Err() == nil {
				n := min(s.Stream, s.BulkItems-next)
				items := make([]*pb.ContentItem, n)
				for i := range items {
					items[i] = bulkItem(next + i)
				}
				// The stream in flight when the phase ends is finished
				// and counted.
				if bulkErr = pushStream(context.WithoutCancel(ctx), hub, hubToken, items); bulkErr != nil {
					return
				}
				next += n
			}
			took := time.Since(start)
			imported = fmt.Sprintf("%d articles imported through PublishBulk in %.1f s (%.0f items/s)", next-from,
				took.Seconds(), float64(next-from)/took.Seconds())
		}()
		pubs.run(ctx, 2, 1)
		<-done
		return imported, bulkErr
	}); err != nil {
		return err
	}

	// Point 6: profiles under the publishing load, not measured.
	fmt.Printf("load: profiling the gateway and the aggregator under publishing (%d s)...\n", s.ProfileSeconds)
	pctx, cancel := context.WithTimeout(ctx, time.Duration(s.ProfileSeconds+2)*time.Second)
	gwProf := startCPUProfile(ctx, f.GatewayOps, s.Profiles, "load-gateway", s.ProfileSeconds)
	hubProf := startCPUProfile(ctx, "http://"+f.HubOpsAddr, s.Profiles, "load-aggregator", s.ProfileSeconds)
	published := make(chan struct{})
	go func() { pubs.run(pctx, s.Publishes, 5); close(published) }()
	visit(pctx, client, f.Gateway, targets, s.Visitors, mix.AcceptEncoding)
	cancel()
	<-published
	var profiles []string
	for _, p := range []struct {
		prof *cpuProfile
		ops  string
		name string
	}{{gwProf, f.GatewayOps, "load-gateway"}, {hubProf, "http://" + f.HubOpsAddr, "load-aggregator"}} {
		cpu, err := p.prof.wait()
		if err != nil {
			return err
		}
		allocs, err := allocsProfile(ctx, p.ops, s.Profiles, p.name)
		if err != nil {
			return err
		}
		profiles = append(profiles, cpu, allocs)
	}

	// The report.
	idle := results[0].v.classes[class["home"]]
	idleRate := float64(len(idle)) / results[0].v.seconds
	fmt.Println()
	for _, r := range results {
		fmt.Printf("%s: %.0f requests/s, %d errors; page cache: hit ratio %.3f, renders: %s\n", r.name,
			float64(r.v.total())/r.v.seconds, r.v.errors.Load(), r.hit, strings.TrimPrefix(r.renders, ", "))
		fmt.Printf("  %-10s %10s %10s %10s %10s\n", "pages", "req/s", "p50", "p95", "p99")
		for ci, c := range loadClasses {
			d := r.v.classes[ci]
			if len(d) == 0 {
				continue
			}
			sm := summarize(d)
			fmt.Printf("  %-10s %10.0f %10s %10s %10s\n", c, float64(len(d))/r.v.seconds, ms(sm.p50), ms(sm.p95), ms(sm.p99))
		}
		if r.posted > 0 || r.pubErrs > 0 {
			line := fmt.Sprintf("  revisions posted: %d (%.1f/s), %d failed, %d not posted (every article busy)", r.posted,
				float64(r.posted)/r.v.seconds, r.pubErrs, r.behind)
			if len(r.pv) > 0 {
				sm := summarize(r.pv)
				line += fmt.Sprintf("; publish-to-visible of %d followed: p50 %s, p95 %s, p99 %s", len(r.pv), ms(sm.p50), ms(sm.p95), ms(sm.p99))
			}
			fmt.Println(line)
		}
		if r.bulk != "" {
			fmt.Println("  " + r.bulk)
		}
		fmt.Printf("  %-12s %6s %12s %10s\n", "process", "count", "CPU seconds", "RSS")
		for _, p := range r.procs {
			fmt.Printf("  %-12s %6d %12.1f %8.0f MB\n", p.name, p.procs, p.cpu, float64(p.rss)/(1<<20))
		}
		if r.name == "idle" {
			continue
		}
		homes := r.v.classes[class["home"]]
		if len(homes) == 0 || idleRate == 0 {
			check.fail(fmt.Sprintf("load, %s: no home answered", r.name))
			continue
		}
		rate := float64(len(homes)) / r.v.seconds
		p99 := summarize(homes).p99
		fmt.Printf("  homes: %.0f req/s ÷ idle %.0f = ×%.2f (aim ≥ ×0.50), p99 %s (aim < %s)\n", rate, idleRate, rate/idleRate,
			ms(p99), ms(loadAim))
		check.add(fmt.Sprintf("load, %s: homes' req/s ÷ idle", r.name), rate/idleRate, 0.5)
		check.add(fmt.Sprintf("load, %s: homes' p99 aim (100 ms) ÷ p99", r.name), float64(loadAim)/float64(max(p99, 1)), 1)
		if n := r.v.errors.Load(); n > 0 || r.pubErrs > 0 {
			check.fail(fmt.Sprintf("load, %s: %d requests and %d revisions failed (aim: none)", r.name, n, r.pubErrs))
		}
	}
	fmt.Println("\nprofiles of the gateway and the aggregator under publishing (top entries):")
	for _, p := range profiles {
		printTop(p, 12)
	}
	return nil
}

// loadGet fetches host path from the gateway (host "" is the provincial
// one) and returns the body and status.
func loadGet(ctx context.Context, client *http.Client, gateway, host, path, ae string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, gateway+path, nil)
	if err != nil {
		return nil, 0, err
	}
	if host != "" {
		req.Host = host
	}
	if ae != "" {
		req.Header.Set("Accept-Encoding", ae)
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return b, res.StatusCode, err
}

// visitorResult is what the visitors of a phase got: each answered
// request's time by class, and the failed ones.
type visitorResult struct {
	classes [][]time.Duration
	errors  atomic.Int64
	seconds float64
	first   error
	once    sync.Once
}

func (v *visitorResult) total() int {
	n := 0
	for _, c := range v.classes {
		n += len(c)
	}
	return n
}

// visit runs n visitors until ctx ends, each a loop of requests for
// targets picked at random (the mix's weights are in how often each is
// listed).
func visit(ctx context.Context, client *http.Client, gateway string, targets []loadTarget, n int, ae string) *visitorResult {
	v := &visitorResult{classes: make([][]time.Duration, len(loadClasses))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))
			mine := make([][]time.Duration, len(loadClasses))
			for ctx.Err() == nil {
				t := targets[rng.IntN(len(targets))]
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, gateway+t.path, nil)
				if t.host != "" {
					req.Host = t.host
				}
				req.Header.Set("Accept-Encoding", ae)
				began := time.Now()
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s %s: %s", t.host, t.path, res.Status)
					}
				}
				if ctx.Err() != nil {
					break // cut by the phase's end, not failed
				}
				if err != nil {
					v.errors.Add(1)
					v.once.Do(func() { v.first = err })
					continue
				}
				mine[t.class] = append(mine[t.class], time.Since(began))
			}
			mu.Lock()
			for c := range mine {
				v.classes[c] = append(v.classes[c], mine[c]...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	v.seconds = time.Since(start).Seconds()
	if v.first != nil {
		fmt.Printf("  (first failed request: %v)\n", v.first)
	}
	return v
}

// gatewayCounters reads the page cache's counters from the gateway's
// metrics (portalhub_gateway_pagecache_<name>).
func gatewayCounters(ctx context.Context, ops string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ops+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if n, found := strings.CutPrefix(name, "portalhub_gateway_pagecache_"); ok && found {
			out[n], _ = strconv.ParseFloat(value, 64)
		}
	}
	return out, sc.Err()
}

// publishers post revisions of news articles to the sub-portals' APIs.
type publishers struct {
	client *http.Client
	// free holds the articles no revision is being posted or followed of.
	free  chan *pubItem
	items []*pubItem
	mu    sync.Mutex
	pv    []time.Duration
	// posted, failed and behind (a tick found every article busy) since
	// the last take.
	posted, failed, behind int
	first                  error
}

type pubItem struct {
	sp         *federation.SubPortal
	id         string
	host, path string // its page on the gateway
	gateway    string
	rev        int
}

const pubArticles = 30 // a sub-portal: enough that 50 a second find one free while one in five is followed

// newPublishers posts every article's first version and waits until the
// gateway serves each.
func newPublishers(ctx context.Context, f *federation.Federation, hostOf func(string) string, client *http.Client) (*publishers, error) {
	p := &publishers{client: client}
	var ids []string
	for id := range f.SubPortals {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sp := f.SubPortals[id]
		for i := range pubArticles {
			it := &pubItem{sp: sp, id: fmt.Sprintf("tai-trong-%02d", i), gateway: f.Gateway}
			if len(sp.Tenant.Hosts) > 0 {
				it.host, it.path = hostOf(sp.Tenant.Hosts[0]), "/vi/"+it.id
			} else {
				it.path = "/vi/" + id + "/" + it.id
			}
			p.items = append(p.items, it)
		}
	}
	p.free = make(chan *pubItem, len(p.items))
	var wg sync.WaitGroup
	errs := make(chan error, len(p.items))
	for _, it := range p.items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.publish(ctx, it, true)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return nil, fmt.Errorf("the articles to revise: %w", err)
		}
	}
	for _, it := range p.items {
		p.free <- it
	}
	p.take()
	return p, nil
}

// publish posts the article's next revision and, when follow, waits until
// the gateway serves it, returning the time from the post.
func (p *publishers) publish(ctx context.Context, it *pubItem, follow bool) (time.Duration, error) {
	it.rev++
	item := &pb.ContentItem{
		ContentId: it.id, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Slug: it.id,
			Title:    fmt.Sprintf("Tin cập nhật %s, lần %d", it.id, it.rev),
			Summary:  "Bản tin cập nhật liên tục trong lúc đo tải.",
			BodyHtml: strings.Repeat("<p>Sở Khoa học và Công nghệ tỉnh Khánh Hòa cập nhật tình hình chuyển đổi số của các đơn vị.</p>", 20)}},
		Authors:     []*pb.Person{{Name: "Nguyễn Văn An"}},
		PublishedAt: timestamppb.New(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)),
	}
	b, err := protojson.Marshal(item)
	if err != nil {
		return 0, err
	}
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	fields["author"] = "Nguyễn Văn An" // the token's account approves
	body, _ := json.Marshal(fields)
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, it.sp.URL+"/api/items", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+it.sp.APIToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	var created struct {
		Version uint64 `json:"version"`
	}
	err = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("post %s revision %d to %s: %s %v", it.id, it.rev, it.sp.Tenant.ID, res.Status, err)
	}
	if !follow {
		return 0, nil
	}
	want := strconv.FormatUint(created.Version, 10)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, it.gateway+it.path, nil)
		if err != nil {
			return 0, err
		}
		if it.host != "" {
			req.Host = it.host
		}
		res, err := p.client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK && res.Header.Get("X-Content-Version") == want {
			return time.Since(start), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s%s: version %s not served after 30 s (status %d, version %q)", it.host, it.path, want,
				res.StatusCode, res.Header.Get("X-Content-Version"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run posts perSecond revisions a second until ctx ends, following one in
// followEvery until the gateway serves it; an article is revised again
// only once its last revision is posted (and, when followed, served).
func (p *publishers) run(ctx context.Context, perSecond, followEvery int) {
	tick := time.NewTicker(time.Second / time.Duration(perSecond))
	defer tick.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var it *pubItem
		select {
		case it = <-p.free:
		default:
			p.mu.Lock()
			p.behind++
			p.mu.Unlock()
			continue
		}
		follow := n%followEvery == 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { p.free <- it }()
			d, err := p.publish(ctx, it, follow)
			p.mu.Lock()
			defer p.mu.Unlock()
			switch {
			case err != nil && ctx.Err() != nil:
				// cut by the phase's end
			case err != nil:
				p.failed++
				if p.first == nil {
					p.first = err
					fmt.Printf("  (first failed revision: %v)\n", err)
				}
			default:
				p.posted++
				if follow {
					p.pv = append(p.pv, d)
				}
			}
		}()
	}
}

// take returns what was measured since the last take, and starts again.
func (p *publishers) take() (pv []time.Duration, posted, failed, behind int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pv, posted, failed, behind = p.pv, p.posted, p.failed, p.behind
	p.pv, p.posted, p.failed, p.behind, p.first = nil, 0, 0, 0, nil
	return pv, posted, failed, behind
}

// bulkClient connects to the hub's IngestService as tenant's sub-portal.
func bulkClient(f *federation.Federation, tenant string) (*grpc.ClientConn, string, error) {
	sp, ok := f.SubPortals[tenant]
	if !ok {
		return nil, "", fmt.Errorf("no sub-portal %s in the demo catalogue", tenant)
	}
	cliTLS, err := devtls.ClientTLS(f.CAFile)
	if err != nil {
		return nil, "", err
	}
	conn, err := grpc.NewClient(f.HubAddr, grpc.WithTransportCredentials(credentials.NewTLS(cliTLS)))
	return conn, sp.HubToken, err
}
