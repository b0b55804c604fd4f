package portal_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"
)

// rawConn is a keep-alive HTTP/1.1 connection that sends a fixed request
// and reads its answer into a buffer it reuses: a client that allocates
// nothing per request, so that testing.AllocsPerRun (which counts every
// goroutine's allocations) counts the server's.
type rawConn struct {
	c   net.Conn
	r   *bufio.Reader
	req []byte
}

func dialRaw(t testing.TB, addr, path string, header ...string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var req bytes.Buffer
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nHost: localhost\r\n", path)
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&req, "%s: %s\r\n", header[i], header[i+1])
	}
	req.WriteString("\r\n")
	return &rawConn{c: c, r: bufio.NewReaderSize(c, 64<<10), req: req.Bytes()}
}

var contentLengthLine = []byte("content-length: ")

// do sends the request and reads the answer: its status and body length.
func (rc *rawConn) do() (status, n int, err error) {
	if _, err := rc.c.Write(rc.req); err != nil {
		return 0, 0, err
	}
	for first := true; ; first = false {
		line, err := rc.r.ReadSlice('\n')
		if err != nil {
			return 0, 0, err
		}
		if first {
			if len(line) < 12 {
				return 0, 0, fmt.Errorf("status line %q", line)
			}
			status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
			continue
		}
		if len(line) <= 2 { // the blank line
			break
		}
		if len(line) > len(contentLengthLine) && bytes.EqualFold(line[:len(contentLengthLine)], contentLengthLine) {
			for _, c := range bytes.TrimSpace(line[len(contentLengthLine):]) {
				n = n*10 + int(c-'0')
			}
		}
	}
	if status == http.StatusNotModified {
		n = 0
	}
	_, err = rc.r.Discard(n)
	return status, n, err
}

// serveOn serves h on a loopback listener with net/http's server and
// returns its address.
func serveOn(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// A hit on the fast path allocates, through net/http's own server, no more
// than a bare handler that writes the same headers and bytes: the
// allocations left are net/http's (its request, its header map, the copy
// of that map it keeps once the handler has written the status, its
// response). Plain, brotli and 304 answers.
func TestHitAllocationsAsBareNetHTTP(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	gateway := serveOn(t, e.portal)
	for _, c := range hitCases {
		t.Run(c.name, func(t *testing.T) {
			bare, body, headers := bareLikeGateway(t, gateway, c.status, c.header...)
			allocs := func(addr string) float64 {
				rc := dialRaw(t, addr, "/vi/", c.header...)
				for range 20 { // warm: the fast path learns, pools fill
					if status, _, err := rc.do(); err != nil || status != c.status {
						t.Fatalf("%s: %d %v, want %d", addr, status, err, c.status)
					}
				}
				// Every goroutine's allocations count, the test's and
				// the runtime's background work included, so noise only
				// adds: the least of three runs is the handler's.
				least := math.Inf(1)
				for range 3 {
					least = min(least, allocsPerRequest(500, func() {
						if status, n, err := rc.do(); err != nil || status != c.status || n != len(body) && c.status == http.StatusOK {
							t.Fatalf("%s: %d (%d bytes) %v", addr, status, n, err)
						}
					}))
				}
				return least
			}
			gw, ref := allocs(gateway), allocs(bare)
			t.Logf("allocations a request: gateway %v, bare net/http %v (%d headers)", gw, ref, headers)
			// An allocation of the gateway's own in every hit is +1; what
			// the server's other goroutines (the pool's health checks, the
			// listener of events) allocate meanwhile is a fraction.
			if gw > ref+0.5 {
				t.Errorf("the gateway allocates %.2f a hit, a bare net/http handler %.2f: %.2f of the gateway's own", gw, ref, gw-ref)
			}
		})
	}
}

// allocsPerRequest is testing.AllocsPerRun without its rounding down: the
// mean number of heap allocations, in every goroutine, of a run of f, with
// one P as AllocsPerRun has.
func allocsPerRequest(runs int, f func()) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f() // warm
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(runs)
}

// hitCases are the answers TestHitAllocationsAsBareNetHTTP and
// BenchmarkHitAgainstBare compare: plain, brotli and 304.
var hitCases = []struct {
	name   string
	header []string
	status int
}{
	{"plain", nil, http.StatusOK},
	{"br", []string{"Accept-Encoding", "gzip, deflate, br"}, http.StatusOK},
	{"304", []string{"If-None-Match", "*"}, http.StatusNotModified},
}

// bareLikeGateway asks the gateway at addr for the provincial home with
// header and serves, on a listener of its own, a bare net/http handler
// writing the same status, headers (but Date) and bytes. It returns that
// server's address, the body and the number of headers.
func bareLikeGateway(tb testing.TB, addr string, status int, header ...string) (bare string, body []byte, headers int) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/vi/", nil)
	req.Host = "localhost"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := rawClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != status {
		tb.Fatalf("GET /vi/: %d, want %d", res.StatusCode, status)
	}
	type field struct {
		k  string
		vs []string
	}
	var fields []field
	for k, vs := range res.Header {
		if k != "Date" {
			fields = append(fields, field{k, vs[:len(vs):len(vs)]})
		}
	}
	bare = serveOn(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, f := range fields {
			h[f.k] = f.vs
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			w.Write(body)
		}
	}))
	return bare, body, len(fields)
}

// BenchmarkHitAgainstBare serves the cached home through net/http's server
// on loopback, from the gateway and from a bare handler writing the same
// headers and bytes, 50 keep-alive connections at once (as the bench's
// wrk): go test -run '^$' -bench HitAgainstBare -count 5
// ./gateway/internal/portal, and compare each case's ns/op (the two run
// one after the other, count times). In one process, with the client's
// work in both, it shows what the gateway adds to a hit beside net/http's
// own, without the other servers of make bench's cached part.
func BenchmarkHitAgainstBare(b *testing.B) {
	e := newEnv(b)
	seed(b, e)
	gateway := serveOn(b, e.portal)
	for _, c := range hitCases {
		bare, body, _ := bareLikeGateway(b, gateway, c.status, c.header...)
		for _, srv := range []struct{ name, addr string }{{"gateway", gateway}, {"bare", bare}} {
			b.Run(c.name+"/"+srv.name, func(b *testing.B) {
				b.SetParallelism(25) // 50 connections on 2 cores
				b.RunParallel(func(pb *testing.PB) {
					rc := dialRaw(b, srv.addr, "/vi/", c.header...)
					for pb.Next() {
						if status, n, err := rc.do(); err != nil || status != c.status || c.status == http.StatusOK && n != len(body) {
							b.Errorf("%s: %d (%d bytes) %v", srv.name, status, n, err)
							return
						}
					}
				})
			})
		}
	}
}
