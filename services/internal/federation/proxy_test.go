package federation

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// standIn is a gateway stand-in behind the proxy: it answers who asked
// (the Host and X-Forwarded-Proto it was given) and counts requests; /slow
// holds its answer until release is closed.
type standIn struct {
	srv     *httptest.Server
	hits    atomic.Int64
	release chan struct{}
}

func newStandIn(t *testing.T) *standIn {
	s := &standIn{release: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if r.URL.Path == "/slow" {
			select {
			case <-s.release:
			case <-r.Context().Done():
			}
		}
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "host=%s proto=%s", r.Host, r.Header.Get("X-Forwarded-Proto"))
	}))
	t.Cleanup(func() {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
		s.srv.Close()
	})
	return s
}

// startTestProxy renders NginxTemplate as the clustered federation does,
// with vars overriding its values, in front of two stand-ins, and starts
// nginx on it.
func startTestProxy(t *testing.T, tenants []Tenant, vars map[string]string) (*Federation, *standIn) {
	t.Helper()
	gw := newStandIn(t)
	addr := gw.srv.Listener.Addr().String()
	return startTestProxyTo(t, tenants, vars, addr, addr), gw
}

// startTestProxyTo is startTestProxy in front of the two gateways at
// gateway1 and gateway2.
func startTestProxyTo(t *testing.T, tenants []Tenant, vars map[string]string, gateway1, gateway2 string) *Federation {
	t.Helper()
	if _, err := exec.LookPath("nginx"); err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Fatal("nginx is not installed (scripts/install-deps.sh installs it): the proxy's configuration cannot be tested")
		}
	}
	var aggs []Node
	for range 2 {
		a, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		aggs = append(aggs, Node{Addr: a})
	}
	dir := t.TempDir()
	f := &Federation{opts: Options{VarDir: dir, Tenants: tenants, GatewayAddr: "127.0.0.1:0", HubAddr: "127.0.0.1:0"},
		CAFile: filepath.Join(dir, "tls", "ca.pem"), proxyVars: vars,
		Topology: &Topology{Aggregators: aggs, Gateways: []Node{{Name: "gateway-1", Addr: gateway1},
			{Name: "gateway-2", Addr: gateway2}}}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := f.startProxy(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Stop)
	return f
}

// clientFrom is an HTTP client whose connections come from the loopback
// address local (127.0.0.0/8 is all loopback), so that each part of a test
// is its own client to the proxy's per-client limits.
func clientFrom(local string, tlsConfig *tls.Config) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, TLSClientConfig: tlsConfig,
		MaxIdleConnsPerHost: 64, ForceAttemptHTTP2: tlsConfig != nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func status(t *testing.T, c *http.Client, method, url string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestProxyLimitsEachClient: through the rendered deploy/nginx template, a
// client that floods the portal with GETs, or the forms with POSTs, or
// holds too many requests open at once, is answered 429 by the proxy and
// the gateways never see the excess; an exempt address (RATE_EXEMPT: the
// cluster's own load tests) is not limited (issue 12 point 4).
func TestProxyLimitsEachClient(t *testing.T) {
	f, gw := startTestProxy(t, nil, nil)
	base := "http://" + f.Topology.ProxyHTTP

	// A flood of GETs: 20 a second with a burst of 60 are let through;
	// at loopback speed the flood outruns that long before 2,000.
	flood := clientFrom("127.0.0.2", nil)
	sent, limited := 0, 0
	for sent < 2000 && limited == 0 {
		sent++
		switch code := status(t, flood, http.MethodGet, base+"/vi/"); code {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("flood request %d: %d", sent, code)
		}
	}
	if limited == 0 {
		t.Errorf("%d GETs from one client, none refused with 429", sent)
	}
	if hits := gw.hits.Load(); hits >= int64(sent) {
		t.Errorf("the gateways saw %d of the %d requests: the refused ones reached them", hits, sent)
	}

	// POSTs have their own, smaller budget (a burst of 5, then 30 a minute).
	poster := clientFrom("127.0.0.3", nil)
	posted := 0
	for range 20 {
		if status(t, poster, http.MethodPost, base+"/vi/gop-y") == http.StatusTooManyRequests {
			posted++
		}
	}
	if posted < 10 {
		t.Errorf("20 POSTs at once from one client: %d refused with 429, want most of them", posted)
	}

	// Connections: at most 32 requests in progress at once per client.
	holder := clientFrom("127.0.0.4", nil)
	codes := make(chan int, 48)
	var wg sync.WaitGroup
	for range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := holder.Get(base + "/slow")
			if err != nil {
				codes <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	// Refusals come at once; the others wait for the stand-in's answer.
	for refused := 0; refused < 16; {
		select {
		case code := <-codes:
			if code != http.StatusTooManyRequests {
				t.Fatalf("a request beyond 32 at once answered %d, want 429", code)
			}
			refused++
		case <-time.After(15 * time.Second):
			t.Fatalf("48 requests held open from one client: %d refused, want 16", refused)
		}
	}
	close(gw.release)
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("a held request within the limit answered %d, want 200", code)
		}
	}

	// The exempt address is not counted.
	exempt := clientFrom("127.0.0.1", nil)
	for i := range 300 {
		if code := status(t, exempt, http.MethodGet, base+"/vi/"); code != http.StatusOK {
			t.Fatalf("exempt client, request %d: %d", i, code)
		}
	}
}

// TestProxyCutsSlowClients: a client that sends its request's headers a
// byte at a time (slowloris), or stops in the middle of a body, is
// disconnected by the proxy (client_header_timeout, client_body_timeout)
// long before it finishes, and its request never reaches a gateway.
func TestProxyCutsSlowClients(t *testing.T) {
	f, gw := startTestProxy(t, nil, nil)
	type result struct {
		name     string
		sent     int
		answered string
		err      error
	}
	results := make(chan result, 2)
	dial := func(local string) net.Conn {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
		c, err := d.Dial("tcp", f.Topology.ProxyHTTP)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Each writes its part, then reads until the proxy closes the
	// connection; a read deadline far beyond the timeouts catches a proxy
	// that waits for ever.
	run := func(name string, c net.Conn, first string, dribble string) {
		defer c.Close()
		r := result{name: name}
		if _, r.err = io.WriteString(c, first); r.err == nil {
			closed := make(chan struct{})
			go func() {
				c.SetReadDeadline(time.Now().Add(90 * time.Second))
				b, _ := io.ReadAll(bufio.NewReader(c))
				r.answered = string(b)
				close(closed)
			}()
		loop:
			for i := range len(dribble) {
				select {
				case <-closed:
					break loop
				case <-time.After(time.Second):
				}
				if _, err := c.Write([]byte{dribble[i]}); err != nil {
					break
				}
				r.sent++
			}
			<-closed
		}
		results <- r
	}
	header := "X-Slow: " + strings.Repeat("a", 60) + "\r\n\r\n"
	go run("slow headers", dial("127.0.0.5"), "GET /vi/ HTTP/1.1\r\nHost: localhost\r\n", header)
	go run("stalled body", dial("127.0.0.6"), "POST /vi/gop-y HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc", "")
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Errorf("%s: %v", r.name, r.err)
			continue
		}
		if r.name == "slow headers" && r.sent >= len(header) {
			t.Errorf("slow headers: the client sent all of its %d bytes, a second apart, before the proxy closed", len(header))
		}
		if strings.Contains(r.answered, "200 OK") {
			t.Errorf("%s: answered %q, want the connection closed (or 408)", r.name, r.answered)
		}
	}
	if n := gw.hits.Load(); n != 0 {
		t.Errorf("the gateways saw %d of the slow clients' requests", n)
	}
}

// TestProxyTLSPerHostName: the proxy answers over TLS with each host
// name's own certificate (the portal's and a sub-portal's, issued by a
// local CA), tells the gateway the request came over HTTPS, and refuses the
// handshake for a name it has no certificate for and for a client naming
// no host.
func TestProxyTLSPerHostName(t *testing.T) {
	tenants := []Tenant{{ID: "so-du-lich", Hosts: []string{"sodulich.localhost"}}}
	f, _ := startTestProxy(t, tenants, nil)
	caPEM, err := os.ReadFile(f.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	_, port, _ := net.SplitHostPort(f.Topology.ProxyHTTPS)
	for _, host := range []string{"localhost", "sodulich.localhost"} {
		conn, err := tls.Dial("tcp", f.Topology.ProxyHTTPS, &tls.Config{ServerName: host, RootCAs: roots, MinVersion: tls.VersionTLS12})
		if err != nil {
			t.Errorf("%s: %v", host, err)
			continue
		}
		if got := conn.ConnectionState().PeerCertificates[0].DNSNames; len(got) != 1 || got[0] != host {
			t.Errorf("%s: certificate for %v, want its own", host, got)
		}
		conn.Close()

		c := clientFrom("127.0.0.7", &tls.Config{ServerName: host, RootCAs: roots})
		resp, err := c.Get("https://" + f.Topology.ProxyHTTPS + "/vi/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := "host=127.0.0.1:" + port + " proto=https"; resp.StatusCode != http.StatusOK || string(b) != want {
			t.Errorf("%s over TLS: %d %q, want 200 %q", host, resp.StatusCode, b, want)
		}
	}
	for _, host := range []string{"evil.example", ""} {
		cfg := &tls.Config{ServerName: host, InsecureSkipVerify: true}
		if conn, err := tls.Dial("tcp", f.Topology.ProxyHTTPS, cfg); err == nil {
			conn.Close()
			t.Errorf("TLS handshake for %q accepted (certificate %v), want it refused", host, conn.ConnectionState().PeerCertificates[0].DNSNames)
		}
	}
	// TLS 1.1 is refused.
	if conn, err := tls.Dial("tcp", f.Topology.ProxyHTTPS, &tls.Config{ServerName: "localhost", RootCAs: roots,
		MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}); err == nil {
		conn.Close()
		t.Error("a TLS 1.1 handshake was accepted")
	}
}

// TestProxyRedirectsToHTTPS: with production's REDIRECT_HTTP=1, plain HTTP
// answers 308 to the same URL over HTTPS, except the ACME HTTP-01
// challenges, served from ACME_DIR.
func TestProxyRedirectsToHTTPS(t *testing.T) {
	f, gw := startTestProxy(t, nil, map[string]string{"REDIRECT_HTTP": "1"})
	c := clientFrom("127.0.0.8", nil)
	req, _ := http.NewRequest(http.MethodGet, "http://"+f.Topology.ProxyHTTP+"/vi/tin-tuc?trang=2", nil)
	req.Host = "khanhhoa.gov.vn"
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusPermanentRedirect || loc != "https://khanhhoa.gov.vn/vi/tin-tuc?trang=2" {
		t.Errorf("HTTP: %d to %q, want 308 to the HTTPS URL", resp.StatusCode, loc)
	}
	acme := filepath.Join(f.opts.VarDir, "nginx", "acme", ".well-known", "acme-challenge")
	if err := os.MkdirAll(acme, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(acme, "tok3n"), []byte("tok3n.key-authorisation"), 0o644); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(http.MethodGet, "http://"+f.Topology.ProxyHTTP+"/.well-known/acme-challenge/tok3n", nil)
	req.Host = "sodulich.khanhhoa.gov.vn"
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "tok3n.key-authorisation" {
		t.Errorf("ACME challenge over HTTP: %d %q", resp.StatusCode, b)
	}
	if n := gw.hits.Load(); n != 0 {
		t.Errorf("the gateways saw %d requests; with the redirect, plain HTTP reaches none", n)
	}
}
