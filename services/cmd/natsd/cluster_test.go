package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestParseConfigCluster(t *testing.T) {
	if _, err := parseConfig([]string{"-cluster", "127.0.0.1:6222"}); err == nil {
		t.Error("-cluster without -name: no error, want one (JetStream needs each node named)")
	}
	cfg, err := parseConfig([]string{"-name", "nats-1", "-cluster", "127.0.0.1:6222", "-routes", "nats-route://127.0.0.1:6222,nats-route://127.0.0.1:6223"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "nats-1" || cfg.Cluster != "127.0.0.1:6222" || !strings.Contains(cfg.Routes, "6223") {
		t.Errorf("parseConfig = %+v", cfg)
	}
}

// TestCluster runs three natsd nodes routed to each other, as make cluster
// does: the content stream is created with three replicas, and a message is
// still acknowledged, and every earlier one kept, once the stream's leader
// is stopped.
func TestCluster(t *testing.T) {
	keys := t.TempDir()
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	urls, stops, _ := startNodes(t, keys, nil)
	all := strings.Join(urls, ",")
	ops := jetStream(t, all, keys, natsauth.Ops)
	testenv.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := events.EnsureContentStream(ctx, ops, 3)
		return err
	})
	agg := jetStream(t, all, keys, natsauth.Aggregator)
	publish := func(id string) error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := agg.Publish(ctx, events.ContentSubject("so-gd", id), []byte(id))
		return err
	}
	testenv.WaitFor(t, 30*time.Second, func() error { return publish("truoc") })

	s, err := ops.Stream(t.Context(), events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
		t.Fatalf("stream %s: %d replicas, cluster %+v; want 3 (a leader and two followers)", events.ContentStream, info.Config.Replicas, info.Cluster)
	}
	leader := info.Cluster.Leader
	var n int
	if _, err := fmt.Sscanf(leader, "nats-%d", &n); err != nil || n < 1 || n > 3 {
		t.Fatalf("leader %q is none of nats-1..3", leader)
	}
	stops[n-1]()

	testenv.WaitFor(t, 30*time.Second, func() error { return publish("sau") })
	testenv.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		info, err := s.Info(ctx)
		if err != nil {
			return err
		}
		if info.Cluster.Leader == leader || info.Cluster.Leader == "" {
			return fmt.Errorf("leader %q", info.Cluster.Leader)
		}
		if info.State.Msgs != 2 {
			return fmt.Errorf("stream holds %d messages after its leader %s stopped, want 2", info.State.Msgs, leader)
		}
		return nil
	})
}

// startNodes runs three natsd nodes routed to each other, each config
// changed by tune (when given), and returns their client URLs, a stop per
// node and their route listeners.
func startNodes(t *testing.T, keys string, tune func(i int, cfg *config)) (urls []string, stops []func(), clusterAddrs []string) {
	t.Helper()
	var routes []string
	for range 3 {
		a := freeAddr(t)
		clusterAddrs = append(clusterAddrs, a)
		routes = append(routes, "nats-route://"+a)
	}
	urls = make([]string, 3)
	stops = make([]func(), 3)
	for i := range 3 {
		cfg := config{Addr: "127.0.0.1:0", Store: t.TempDir(), Keys: keys, AddrFile: filepath.Join(t.TempDir(), "url"),
			Name: fmt.Sprintf("nats-%d", i+1), Cluster: clusterAddrs[i], Routes: strings.Join(routes, ",")}
		if tune != nil {
			tune(i, &cfg)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, cfg, testLog()) }()
		var once bool
		stops[i] = func() {
			if once {
				return
			}
			once = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run %s: %v", cfg.Name, err)
			}
		}
		t.Cleanup(stops[i])
		testenv.WaitFor(t, 20*time.Second, func() error {
			u, err := readURL(cfg.AddrFile)
			urls[i] = u
			return err
		})
	}
	return urls, stops, clusterAddrs
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func readURL(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}

// TestClusterTLS runs the three nodes as make cluster does, over TLS
// (deploy/nats/cluster.conf's tls and cluster.tls): a client trusting the
// cluster's CA creates the R3 content stream (which needs the routes up,
// over TLS) and publishes to it; a client that does not trust it is
// refused; the client and route listeners both announce TLS as required
// before anything else, so nothing crosses them in clear.
func TestClusterTLS(t *testing.T) {
	keys, ca := t.TempDir(), t.TempDir()
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(ca, devtls.CAFile)
	urls, _, routes := startNodes(t, keys, func(i int, cfg *config) {
		cfg.TLSCert, cfg.TLSKey = filepath.Join(ca, cfg.Name+".pem"), filepath.Join(ca, cfg.Name+".key")
		if err := devtls.Issue(ca, []string{"localhost", "127.0.0.1"}, cfg.TLSCert, cfg.TLSKey); err != nil {
			t.Fatal(err)
		}
		cfg.RouteCA = caFile
	})
	all := strings.Join(urls, ",")

	nc, err := natsauth.Connect(all, natsauth.Ops, natsauth.SeedFile(keys, natsauth.Ops), caFile)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if !nc.TLSRequired() {
		t.Error("the connection is not over TLS")
	}
	ops, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		s, err := events.EnsureContentStream(ctx, ops, 3)
		if err != nil {
			return err
		}
		info, err := s.Info(ctx)
		if err != nil {
			return err
		}
		if info.Cluster == nil || info.Cluster.Leader == "" || len(info.Cluster.Replicas) != 2 {
			return fmt.Errorf("stream cluster %+v: want a leader and two followers", info.Cluster)
		}
		for _, r := range info.Cluster.Replicas {
			if !r.Current {
				return fmt.Errorf("replica %s not current", r.Name)
			}
		}
		return nil
	})
	aggConn, err := natsauth.Connect(all, natsauth.Aggregator, natsauth.SeedFile(keys, natsauth.Aggregator), caFile)
	if err != nil {
		t.Fatal(err)
	}
	defer aggConn.Close()
	agg, err := jetstream.New(aggConn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agg.Publish(t.Context(), events.ContentSubject("so-gd", "qua-tls"), []byte("1")); err != nil {
		t.Errorf("publish over TLS: %v", err)
	}

	// Without the CA: the server's certificate is not trusted.
	if nc, err := natsauth.Connect(urls[0], natsauth.Ops, natsauth.SeedFile(keys, natsauth.Ops), "", nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("a client that does not trust the cluster's CA connected")
	}
	// The client listener says TLS is required in its first line.
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(urls[0], "nats://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || !strings.HasPrefix(line, "INFO ") || !strings.Contains(line, `"tls_required":true`) {
		t.Errorf("client listener greets with %q (%v), want an INFO requiring TLS", line, err)
	}

	// The route listener speaks TLS first and takes only the cluster's
	// nodes: a node certificate of the cluster's CA gets the route's INFO;
	// one of another CA, none, or clear text get nothing.
	other := t.TempDir()
	if err := devtls.Issue(other, []string{"localhost", "127.0.0.1"}, filepath.Join(other, "n.pem"), filepath.Join(other, "n.key")); err != nil {
		t.Fatal(err)
	}
	greeting := func(certDir, name string) (string, error) {
		tc, err := devtls.ClientTLS(caFile)
		if err != nil {
			return "", err
		}
		if certDir != "" {
			pair, err := tls.LoadX509KeyPair(filepath.Join(certDir, name+".pem"), filepath.Join(certDir, name+".key"))
			if err != nil {
				return "", err
			}
			tc.Certificates = []tls.Certificate{pair}
		}
		tc.ServerName = "127.0.0.1"
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", routes[0], tc)
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		return bufio.NewReader(c).ReadString('\n')
	}
	if line, err := greeting(ca, "nats-2"); err != nil || !strings.HasPrefix(line, "INFO ") {
		t.Errorf("route listener to a node of the cluster: %q, %v; want its INFO", line, err)
	}
	for _, c := range []struct{ dir, name, what string }{{other, "n", "a certificate of another CA"}, {"", "", "no certificate"}} {
		if line, err := greeting(c.dir, c.name); err == nil || strings.HasPrefix(line, "INFO") {
			t.Errorf("route listener to a peer with %s: %q, %v; want the handshake refused", c.what, line, err)
		}
	}
	plain, err := net.DialTimeout("tcp", routes[0], 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	plain.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, _ := io.ReadAll(plain); len(b) > 0 {
		t.Errorf("route listener sent %q in clear text", b)
	}
	plain.Close()
}

// testLog is natsd's log in the tests: on stderr with NATSD_TEST_LOG set.
func testLog() zerolog.Logger {
	if os.Getenv("NATSD_TEST_LOG") != "" {
		return zerolog.New(os.Stderr)
	}
	return zerolog.Nop()
}
