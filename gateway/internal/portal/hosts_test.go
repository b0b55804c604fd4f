package portal_test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portalhub/portalhub/gateway/internal/portal"
)

// Only configured hosts are served and cached: any other Host is answered
// 421 Misdirected Request and leaves nothing in the page cache (the cache
// keyed pages by any Host, so anyone could fill it and evict real pages).
func TestUnknownHostMisdirected(t *testing.T) {
	e := newEnv(t) // no public URL: the development default, loopback names only
	seed(t, e)
	_, port, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
	port = ":" + port
	for _, host := range []string{"127.0.0.1" + port, "localhost" + port, "LOCALHOST" + port, "[::1]" + port, "localhost"} {
		res, _ := e.get(t, "/vi/", "Host", host)
		wantStatus(t, res, http.StatusOK)
	}
	n := e.cache.Len()
	hosts := []string{"evil.example", "portal.example:8080", "127.0.0.2" + port, "localhost:1", "localhost.evil.example",
		"xn--khnh-ha-7ya.example", "127.0.0.1.nip.io" + port}
	for i := 0; i < 10; i++ {
		hosts = append(hosts, fmt.Sprintf("h%d.example", rand.Uint64()))
	}
	for _, host := range hosts {
		for _, path := range []string{"/vi/", "/en/sotttt/", "/vi/sotttt/le-hoi-bien", "/vi/khong-co/x", "/"} {
			res, doc := e.get(t, path, "Host", host)
			if res.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("Host %s %s: %d, want 421", host, path, res.StatusCode)
				continue
			}
			if got := oneH1(t, doc); got == "" || res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Host %s %s: h1 %q, Cache-Control %q", host, path, got, res.Header.Get("Cache-Control"))
			}
		}
	}
	if got := e.cache.Len(); got != n {
		t.Errorf("%d pages cached after requests for unknown hosts, want %d", got, n)
	}
	// /healthz answers whatever the Host (the proxy's health checks use the
	// instance's address); /readyz and /metrics are not on the public port
	// at all (issue 12 point 4), only on the ops listener.
	if res, _ := e.get(t, "/healthz", "Host", "10.1.2.3:8080"); res.StatusCode != http.StatusOK {
		t.Errorf("/healthz with another Host: %d", res.StatusCode)
	}
	for _, path := range []string{"/readyz", "/metrics"} {
		for _, host := range []string{"", "10.1.2.3:8080"} {
			h := []string{}
			if host != "" {
				h = []string{"Host", host}
			}
			if res, _ := e.get(t, path, h...); res.StatusCode == http.StatusOK {
				t.Errorf("%s on the public port (Host %q): %d, want it only on the ops listener", path, host, res.StatusCode)
			}
		}
	}
	ops := httptest.NewServer(e.portal.OpsHandler())
	defer ops.Close()
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		res, err := http.Get(ops.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s on the ops listener: %d", path, res.StatusCode)
		}
	}
}

// Behind a trusted proxy (make cluster's nginx) a loopback name comes with
// the proxy's port, which is served; from any other peer it is not.
func TestLoopbackPortBehindTrustedProxy(t *testing.T) {
	proxied := "localhost:1"
	e := newEnv(t)
	seed(t, e)
	if res, _ := e.get(t, "/vi/", "Host", proxied); res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host %s from an untrusted peer: %d, want 421", proxied, res.StatusCode)
	}
	e = newEnvWith(t, func(c *portal.Config) { c.TrustedProxies = []string{"127.0.0.0/8", "::1"} })
	seed(t, e)
	for host, want := range map[string]int{proxied: 200, "127.0.0.1:39569": 200, "evil.example:1": 421} {
		if res, _ := e.get(t, "/vi/", "Host", host); res.StatusCode != want {
			t.Errorf("Host %s from a trusted proxy: %d, want %d", host, res.StatusCode, want)
		}
	}
}

// With a public URL, its host and GATEWAY_HOSTS are served, and nothing
// else (loopback names neither).
func TestConfiguredHosts(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) {
		c.PublicURL = "https://khanhhoa.gov.vn"
		c.Hosts = []string{"WWW.khanhhoa.gov.vn", "portal.lan:8080"}
	})
	seed(t, e)
	for host, want := range map[string]int{
		"khanhhoa.gov.vn": 200, "KhanhHoa.gov.vn:443": 200, "www.khanhhoa.gov.vn": 200, "portal.lan": 200,
		"evil.example": 421, "127.0.0.1": 421, "localhost": 421, "gov.vn": 421, "x.khanhhoa.gov.vn": 421,
	} {
		if res, _ := e.get(t, "/vi/", "Host", host); res.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, res.StatusCode, want)
		}
	}
	for _, bad := range [][]string{{"evil example"}, {""}, {"https://x.example"}, {"x.example/path"}} {
		if _, err := portal.New(portal.Config{Hosts: bad}); err == nil {
			t.Errorf("host %q accepted", bad[0])
		}
	}
}

// X-Forwarded-Proto is believed only from a configured proxy: a client
// that sends it directly does not choose the scheme of the portal's links
// (nor, without a public URL, the cache key).
func TestForwardedProtoOnlyFromTrustedProxies(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	u := e.srv.URL
	_, doc := e.get(t, "/vi/", "X-Forwarded-Proto", "https")
	if got := canonical(doc); got != u+"/vi/" {
		t.Errorf("spoofed X-Forwarded-Proto from an untrusted peer: canonical = %q, want %q", got, u+"/vi/")
	}

	e = newEnvWith(t, func(c *portal.Config) { c.TrustedProxies = []string{"127.0.0.0/8", "::1"} })
	seed(t, e)
	https := "https://" + e.srv.Listener.Addr().String()
	_, doc = e.get(t, "/vi/", "X-Forwarded-Proto", "https")
	if got := canonical(doc); got != https+"/vi/" {
		t.Errorf("from a trusted proxy: canonical = %q, want %q", got, https+"/vi/")
	}
	// The nearest proxy's value is the last one.
	_, doc = e.get(t, "/en/", "X-Forwarded-Proto", "http, https")
	if got := canonical(doc); got != https+"/en/" {
		t.Errorf("X-Forwarded-Proto: http, https: canonical = %q", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "not-an-address", ""} {
		if _, err := portal.New(portal.Config{TrustedProxies: []string{bad}}); err == nil {
			t.Errorf("trusted proxy %q accepted", bad)
		}
	}
}
