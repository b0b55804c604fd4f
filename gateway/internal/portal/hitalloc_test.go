package portal_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
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

func dialRaw(t *testing.T, addr, path string, header ...string) *rawConn {
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
func serveOn(t *testing.T, h http.Handler) string {
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
	cases := []struct {
		name   string
		header []string
		status int
	}{
		{"plain", nil, http.StatusOK},
		{"br", []string{"Accept-Encoding", "gzip, deflate, br"}, http.StatusOK},
		{"304", []string{"If-None-Match", "*"}, http.StatusNotModified},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The gateway's answer, copied for the bare handler.
			req, _ := http.NewRequest(http.MethodGet, "http://"+gateway+"/vi/", nil)
			req.Host = "localhost"
			for i := 0; i+1 < len(c.header); i += 2 {
				req.Header.Set(c.header[i], c.header[i+1])
			}
			res, err := rawClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status {
				t.Fatalf("GET /vi/: %d, want %d", res.StatusCode, c.status)
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
			bare := serveOn(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				for _, f := range fields {
					h[f.k] = f.vs
				}
				w.WriteHeader(c.status)
				if c.status == http.StatusOK {
					w.Write(body)
				}
			}))
			allocs := func(addr string) float64 {
				rc := dialRaw(t, addr, "/vi/", c.header...)
				for range 20 { // warm: the fast path learns, pools fill
					if status, _, err := rc.do(); err != nil || status != c.status {
						t.Fatalf("%s: %d %v, want %d", addr, status, err, c.status)
					}
				}
				return testing.AllocsPerRun(500, func() {
					if status, n, err := rc.do(); err != nil || status != c.status || n != len(body) && c.status == http.StatusOK {
						t.Fatalf("%s: %d (%d bytes) %v", addr, status, n, err)
					}
				})
			}
			gw, ref := allocs(gateway), allocs(bare)
			t.Logf("allocations a request: gateway %v, bare net/http %v (%d headers)", gw, ref, len(fields))
			if gw > ref {
				t.Errorf("the gateway allocates %v a hit, a bare net/http handler %v: %v of the gateway's own", gw, ref, gw-ref)
			}
		})
	}
}
