package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portalhub/portalhub/services/internal/federation"
)

// The cached pages benchmark (issue 11 points 1 and 2): the provincial home
// of the demo federation (make run's tenants and content), served from the
// gateway's page cache, against nginx serving the same bytes and headers
// from files (access log buffered, gzip_static and brotli_static) and a
// bare net/http handler writing the same bytes and headers, each measured
// by the same load generator (wrk, else a Go one) in turns (every case
// measures the three servers one after the other, BENCH_CACHED_ROUNDS
// times; the median counts), plain, gzip, brotli and 304. Each pairing of
// BENCH_CACHED_PROCS (default 1,2) compares like with like: a gateway of
// its own with GOMAXPROCS=n, nginx with n workers, the bare handler with
// GOMAXPROCS=n. Only the ratios compare across runs.

// cachedSettings are the cached pages benchmark's settings.
type cachedSettings struct {
	Seconds, Rounds, Conns int
	Catalogue              string
	// Procs lists the pairings (BENCH_CACHED_PROCS): for each n, the
	// gateway with GOMAXPROCS=n against nginx with n workers.
	Procs   string
	Verbose bool // every measurement, not only the medians
	// Profiles is where the gateway's profiles under the load go (point 6).
	Profiles       string
	ProfileSeconds int
}

// cachedAims are the aims: the gateway's requests/s over nginx's.
var cachedAims = map[string]float64{"plain": 0.55, "gzip": 0.55, "br": 0.55, "304": 0.6}

// representation is one answer of the gateway, copied for the references.
type representation struct {
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// bareFiles is what the bare handler serves: the gateway's answers by
// coding ("", "gzip", "br").
type bareFiles map[string]representation

func runCached(ctx context.Context, bin string, s cachedSettings, check *checks) error {
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-cached-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tenants, err := demoTenants(s.Catalogue)
	if err != nil {
		return err
	}
	fmt.Println("cached: starting the demo federation...")
	f, err := federation.Start(ctx, federation.Options{VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true,
		Tenants: tenants, SeedDemo: true, Env: []string{"PORTALHUB_PPROF=true"}})
	if err != nil {
		return err
	}
	defer f.Stop()

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
	load := newLoad(s.Conns)
	procs, err := parseProcs(s.Procs)
	if err != nil {
		return err
	}
	fmt.Printf("cached: %s, %d connections, %d s per measurement, %d rounds\n", load.name(), s.Conns, s.Seconds, s.Rounds)
	var profiled *pairing
	for _, n := range procs {
		// A gateway of its own with GOMAXPROCS=n, against nginx with n
		// workers and the bare handler with GOMAXPROCS=n: the same number
		// of threads running Go code as nginx has workers.
		url, ops, err := f.StartGateway(ctx, "gateway-procs-"+strconv.Itoa(n), []string{"GOMAXPROCS=" + strconv.Itoa(n)})
		if err != nil {
			return fmt.Errorf("gateway with GOMAXPROCS=%d: %w", n, err)
		}
		p := &pairing{procs: n, gatewayOps: ops}
		if err := measurePairing(ctx, client, load, dir, url+"/vi/", s, p, check); err != nil {
			return err
		}
		if profiled == nil {
			profiled = p
		}
	}
	// The gateway's profiles under the same load (plain), after the
	// measured rounds so that profiling does not slow them: the first
	// pairing's gateway (GOMAXPROCS=1 by default).
	if profiled != nil {
		prof := startCPUProfile(ctx, profiled.gatewayOps, s.Profiles, "cached-gateway", s.ProfileSeconds)
		if _, err := load.run(ctx, profiled.page, time.Duration(s.ProfileSeconds)*time.Second); err != nil {
			return fmt.Errorf("gateway under profiling: %w", err)
		}
		cpu, err := prof.wait()
		if err != nil {
			return err
		}
		allocs, err := allocsProfile(ctx, profiled.gatewayOps, s.Profiles, "cached-gateway")
		if err != nil {
			return err
		}
		fmt.Printf("\nprofiles of the gateway (GOMAXPROCS=%d) serving the cached home (plain, top entries):\n", profiled.procs)
		printTop(cpu, 12)
		printTop(allocs, 12)
	}
	return nil
}

// pairing is one comparison of the cached part: the gateway with
// GOMAXPROCS=procs against nginx with procs workers and the bare handler
// with GOMAXPROCS=procs.
type pairing struct {
	procs            int
	page, gatewayOps string
}

// parseProcs reads BENCH_CACHED_PROCS: a comma-separated list of thread
// counts, each at least 1.
func parseProcs(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("BENCH_CACHED_PROCS %q: want thread counts such as 1,2", list)
		}
		out = append(out, n)
	}
	return out, nil
}

// measurePairing measures the gateway's page against nginx and the bare
// handler serving its bytes, each with p.procs threads, and prints the
// table of the pairing.
func measurePairing(ctx context.Context, client *http.Client, load *load, dir, page string, s cachedSettings, p *pairing,
	check *checks) error {
	p.page = page
	if err := waitStable(ctx, client, page); err != nil {
		return err
	}
	reps := bareFiles{}
	for _, coding := range []string{"", "gzip", "br"} {
		// Until the answer is the coding's: a page's compressed forms are
		// made after it is stored (the identity form is sent until then).
		for i := 0; ; i++ {
			rep, status, err := get(ctx, client, page, "Accept-Encoding", coding)
			if err != nil {
				return err
			}
			if status == http.StatusOK && rep.Header.Get("Content-Encoding") == coding {
				reps[coding] = rep
				break
			}
			if i == 50 {
				return fmt.Errorf("GET %s (Accept-Encoding %q): %d, Content-Encoding %q", page, coding, status,
					rep.Header.Get("Content-Encoding"))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	n := strconv.Itoa(p.procs)
	fmt.Printf("\ncached, GOMAXPROCS=%d against nginx with %d worker(s): the provincial home: %d bytes, gzip %d, brotli %d\n",
		p.procs, p.procs, len(reps[""].Body), len(reps["gzip"].Body), len(reps["br"].Body))

	targets := []*target{{name: "gateway", url: page}}
	nginx, err := startNginx(ctx, filepath.Join(dir, "nginx-"+n), reps, p.procs)
	switch {
	case errors.Is(err, errNoNginx):
		fmt.Println("cached: no nginx (scripts/install-bench-deps.sh installs it): measured without it, no ratio to nginx")
	case err != nil:
		return fmt.Errorf("nginx: %w", err)
	default:
		defer nginx.stop()
		targets = append(targets, &target{name: "nginx", url: nginx.url})
	}
	bare, err := startBare(ctx, filepath.Join(dir, "bare-"+n), reps, p.procs)
	if err != nil {
		return fmt.Errorf("bare net/http: %w", err)
	}
	defer bare.stop()
	targets = append(targets, &target{name: "bare Go", url: bare.url})

	// Every server answers the same bytes, and the 304 asks each with its
	// own ETag (nginx makes its own).
	cases := []struct{ name, ae string }{{"plain", ""}, {"gzip", "gzip"}, {"br", "gzip, deflate, br"}, {"304", ""}}
	for _, t := range targets {
		t.etag = map[string]string{}
		for _, c := range cases[:3] {
			rep, status, err := get(ctx, client, t.url, "Accept-Encoding", c.ae)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			want := reps[rep.Header.Get("Content-Encoding")]
			if status != http.StatusOK || !bytes.Equal(rep.Body, want.Body) {
				return fmt.Errorf("%s, Accept-Encoding %q: %d, %d bytes: not the gateway's bytes", t.name, c.ae, status, len(rep.Body))
			}
			t.coding = append(t.coding, rep.Header.Get("Content-Encoding"))
			t.etag[c.name] = rep.Header.Get("ETag")
		}
		_, status, err := get(ctx, client, t.url, "If-None-Match", t.etag["plain"])
		if err != nil || status != http.StatusNotModified {
			return fmt.Errorf("%s: If-None-Match: %d %v, want 304", t.name, status, err)
		}
	}

	results := map[string]map[string][]float64{}
	for round := 0; round < s.Rounds; round++ {
		for _, c := range cases {
			for _, t := range targets {
				hdr := []string{}
				if c.ae != "" {
					hdr = append(hdr, "Accept-Encoding", c.ae)
				}
				if c.name == "304" {
					// Its ETag now: a 200 is no failure to the load
					// generator, so a changed page would go unnoticed.
					rep, status, err := get(ctx, client, t.url)
					if err != nil || status != http.StatusOK {
						return fmt.Errorf("%s: %d %v", t.name, status, err)
					}
					hdr = append(hdr, "If-None-Match", rep.Header.Get("ETag"))
				}
				rps, err := load.run(ctx, t.url, time.Duration(s.Seconds)*time.Second, hdr...)
				if err != nil {
					return fmt.Errorf("%s %s: %w", t.name, c.name, err)
				}
				if results[c.name] == nil {
					results[c.name] = map[string][]float64{}
				}
				results[c.name][t.name] = append(results[c.name][t.name], rps)
				if s.Verbose {
					fmt.Printf("  round %d %-6s %-8s %8.0f req/s\n", round+1, c.name, t.name, rps)
				}
			}
		}
	}

	fmt.Printf("%-22s %12s %12s %12s %10s %10s %8s\n", "cached home (req/s)", "gateway", "nginx", "bare Go", "÷ nginx", "÷ bare Go", "aim")
	for _, c := range cases {
		gw, ng, bg := median(results[c.name]["gateway"]), median(results[c.name]["nginx"]), median(results[c.name]["bare Go"])
		name := c.name
		if c.name == "br" && len(targets) > 2 && targets[1].coding[2] != "br" {
			name += " (nginx: gzip)"
		}
		rNginx, rBare := "-", fmt.Sprintf("×%.2f", gw/bg)
		if ng > 0 {
			rNginx = fmt.Sprintf("×%.2f", gw/ng)
			check.add(fmt.Sprintf("cached home %s, GOMAXPROCS=%d against nginx with %d worker(s): gateway ÷ nginx", c.name, p.procs, p.procs),
				gw/ng, cachedAims[c.name])
		}
		fmt.Printf("%-22s %12.0f %12s %12.0f %10s %10s %8s\n", name, gw, orDash(ng), bg, rNginx, rBare,
			fmt.Sprintf("≥×%.2f", cachedAims[c.name]))
	}
	return nil
}

// demoTenants reads make run's catalogue of demo tenants, each on any free
// port (make run may be using the catalogue's).
func demoTenants(catalogue string) ([]federation.Tenant, error) {
	b, err := os.ReadFile(catalogue)
	if err != nil {
		return nil, fmt.Errorf("the demo catalogue: %w", err)
	}
	var tenants []federation.Tenant
	if err := json.Unmarshal(b, &tenants); err != nil {
		return nil, fmt.Errorf("the demo catalogue %s: %w", catalogue, err)
	}
	for i := range tenants {
		tenants[i].Port = 0
	}
	return tenants, nil
}

func orDash(v float64) string {
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

type target struct {
	name, url string
	etag      map[string]string
	coding    []string // the Content-Encoding answered to plain, gzip, br
}

// waitStable waits until the page at url has kept its ETag for a few
// seconds: the demo content the federation seeded is still flowing to the
// hub when it reports ready, and each event renders the home anew.
func waitStable(ctx context.Context, client *http.Client, url string) error {
	deadline := time.Now().Add(3 * time.Minute)
	last, same := "", 0
	for same < 3 {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s still changing after 3 minutes", url)
		}
		rep, status, err := get(ctx, client, url)
		if err != nil {
			return err
		}
		if etag := rep.Header.Get("ETag"); status == http.StatusOK && etag == last {
			same++
		} else {
			last, same = etag, 0
		}
		time.Sleep(1500 * time.Millisecond)
	}
	return nil
}

// get fetches url with headers (name, value pairs; an empty value is left
// out) and returns the answer.
func get(ctx context.Context, client *http.Client, url string, header ...string) (representation, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return representation{}, 0, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	res, err := client.Do(req)
	if err != nil {
		return representation{}, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return representation{Header: res.Header, Body: b}, res.StatusCode, err
}

// The nginx reference.

var errNoNginx = errors.New("no nginx")

type process struct {
	url string
	cmd *exec.Cmd
}

func (p *process) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

const brotliStatic = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// startNginx serves the gateway's answers from files under dir: vi/index.html
// and its .gz and .br forms (gzip_static, brotli_static when the module is
// installed), with the gateway's headers but those nginx makes itself
// (Content-Type, Content-Length, ETag, Vary, Date).
func startNginx(ctx context.Context, dir string, reps bareFiles, workers int) (*process, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		return nil, errNoNginx
	}
	www := filepath.Join(dir, "www", "vi")
	if err := os.MkdirAll(www, 0o755); err != nil {
		return nil, err
	}
	for suffix, coding := range map[string]string{"": "", ".gz": "gzip", ".br": "br"} {
		if err := os.WriteFile(filepath.Join(www, "index.html"+suffix), reps[coding].Body, 0o644); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	var add strings.Builder
	for k, vs := range reps[""].Header {
		switch k {
		case "Content-Type", "Content-Length", "Etag", "Vary", "Date", "Content-Encoding":
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(&add, "      add_header %s %q always;\n", k, v)
		}
	}
	module, brotli := "", ""
	if _, err := os.Stat(brotliStatic); err == nil {
		module, brotli = "load_module "+brotliStatic+";", "brotli_static on;"
	}
	conf := fmt.Sprintf(`%s
worker_processes %[6]d;
daemon off;
master_process on;
user root;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 4096; }
http {
  access_log %[2]s/access.log combined buffer=64k flush=5s;
  client_body_temp_path %[2]s/tmp;
  proxy_temp_path %[2]s/tmp;
  fastcgi_temp_path %[2]s/tmp;
  uwsgi_temp_path %[2]s/tmp;
  scgi_temp_path %[2]s/tmp;
  types { text/html html; }
  charset utf-8;
  server_tokens off;
  keepalive_requests 1000000;
  gzip_static on;
  gzip_vary on;
  %[3]s
  server {
    listen 127.0.0.1:%[4]d;
    root %[2]s/www;
    location / {
%[5]s    }
  }
}
`, module, dir, brotli, port, add.String(), workers)
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "-p", dir, "-c", confFile, "-e", filepath.Join(dir, "error.log"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{url: fmt.Sprintf("http://127.0.0.1:%d/vi/", port), cmd: cmd}
	if err := waitUp(p.url); err != nil {
		p.stop()
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return nil, fmt.Errorf("%w: %s %s", err, stderr.String(), log)
	}
	return p, nil
}

// The bare net/http reference: this program started again with
// BENCH_BARE_FILES set (serveBare), so that it runs in a process of its own
// as the gateway and nginx do.

func startBare(ctx context.Context, dir string, reps bareFiles, procs int) (*process, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	b, err := json.Marshal(reps)
	if err != nil {
		return nil, err
	}
	files := filepath.Join(dir, "files.json")
	if err := os.WriteFile(files, b, 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), "BENCH_BARE_FILES="+files, "BENCH_BARE_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"GOMAXPROCS="+strconv.Itoa(procs))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{url: fmt.Sprintf("http://127.0.0.1:%d/vi/", port), cmd: cmd}
	if err := waitUp(p.url); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// serveBare is the bare handler: it writes the gateway's bytes and headers
// for the coding asked (br, else gzip, else none; no q-values), and 304 when
// If-None-Match is the ETag, and nothing else: what Go's net/http allows.
func serveBare(files, addr string) error {
	b, err := os.ReadFile(files)
	if err != nil {
		return err
	}
	var reps bareFiles
	if err := json.Unmarshal(b, &reps); err != nil {
		return err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ae := r.Header.Get("Accept-Encoding")
		rep := reps[""]
		switch {
		case strings.Contains(ae, "br"):
			rep = reps["br"]
		case strings.Contains(ae, "gzip"):
			rep = reps["gzip"]
		}
		h := w.Header()
		for k, vs := range rep.Header {
			if k != "Date" {
				h[k] = vs
			}
		}
		if r.Header.Get("If-None-Match") == rep.Header.Get("Etag") {
			delete(h, "Content-Type")
			delete(h, "Content-Length")
			delete(h, "Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write(rep.Body)
	})
	return (&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}).ListenAndServe()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitUp(url string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The load generator: wrk when installed (one thread, as the issue's
// figures), else a Go one (keep-alive connections, each a loop of GETs).

type load struct {
	wrk   string
	conns int
}

func newLoad(conns int) *load {
	l := &load{conns: conns}
	l.wrk, _ = exec.LookPath("wrk")
	return l
}

func (l *load) name() string {
	if l.wrk != "" {
		return "wrk -t1"
	}
	return "Go load generator (no wrk: scripts/install-bench-deps.sh installs it)"
}

var wrkRate = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// run loads url for d with headers (name, value pairs) and returns the
// requests per second answered.
func (l *load) run(ctx context.Context, url string, d time.Duration, header ...string) (float64, error) {
	if l.wrk != "" {
		args := []string{"-t1", "-c" + strconv.Itoa(l.conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s"}
		for i := 0; i+1 < len(header); i += 2 {
			args = append(args, "-H", header[i]+": "+header[i+1])
		}
		out, err := exec.CommandContext(ctx, l.wrk, append(args, url)...).CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("wrk: %w: %s", err, out)
		}
		if bytes.Contains(out, []byte("Non-2xx or 3xx responses")) {
			return 0, fmt.Errorf("wrk: errors: %s", out)
		}
		m := wrkRate.FindSubmatch(out)
		if m == nil {
			return 0, fmt.Errorf("wrk: no rate in %s", out)
		}
		return strconv.ParseFloat(string(m[1]), 64)
	}
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: l.conns, MaxConnsPerHost: l.conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var n, failed atomic.Int64
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for i := 0; i < l.conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			for time.Now().Before(end) {
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 400 {
					failed.Add(1)
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		return 0, fmt.Errorf("%d requests failed", failed.Load())
	}
	return float64(n.Load()) / d.Seconds(), nil
}

// checks collects the ratios BENCH_CHECK holds to their aims.
type checks struct {
	mu     sync.Mutex
	failed []string
}

func (c *checks) add(name string, ratio, aim float64) {
	if ratio >= aim {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed = append(c.failed, fmt.Sprintf("%s: ×%.2f, aim ×%.2f", name, ratio, aim))
}

// fail records an aim missed that is no ratio (e.g. errors where none are
// allowed).
func (c *checks) fail(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed = append(c.failed, what)
}
