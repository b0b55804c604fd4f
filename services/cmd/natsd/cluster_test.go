package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/natsserver"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestParseConfigFile(t *testing.T) {
	t.Setenv("NATSD_ADDR", "127.0.0.1:4223") // the environment of a make run beside: ignored with -config
	cfg, err := parseConfig([]string{"-config", "cluster.conf", "-name", "nats-1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config != "cluster.conf" || cfg.Name != "nats-1" {
		t.Errorf("parseConfig = %+v", cfg)
	}
	for _, flag := range []string{"-addr", "-store", "-keys", "-http"} {
		if _, err := parseConfig([]string{"-config", "cluster.conf", flag, "x"}); err == nil {
			t.Errorf("-config with %s: no error, want one (the file configures the server)", flag)
		}
	}
}

// TestCluster runs three natsd nodes on deploy/nats/cluster.conf, as make
// cluster does: the content stream is created with three replicas, and a
// message is still acknowledged, and every earlier one kept, once the
// stream's leader is stopped.
func TestCluster(t *testing.T) {
	keys := t.TempDir()
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	n := startNodes(t, keys, 3)
	all := strings.Join(n.urls, ",")
	ops := jetStreamTLS(t, all, keys, natsauth.Ops, n.ca)
	testenv.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := events.EnsureContentStream(ctx, ops, 3)
		return err
	})
	agg := jetStreamTLS(t, all, keys, natsauth.Aggregator, n.ca)
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
	if info.Cluster.Name != "portalhub" {
		t.Errorf("cluster %q, want portalhub (deploy/nats/cluster.conf)", info.Cluster.Name)
	}
	leader := info.Cluster.Leader
	var i int
	if _, err := fmt.Sscanf(leader, "nats-%d", &i); err != nil || i < 1 || i > 3 {
		t.Fatalf("leader %q is none of nats-1..3", leader)
	}
	n.stops[i-1]()

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

// deployConfig is the configuration every node of the production shape and
// of make cluster runs.
const deployConfig = "../../../deploy/nats/cluster.conf"

// nodes are three natsd nodes running deployConfig.
type nodes struct {
	urls     []string // client URLs
	stops    []func() // stop each node
	routes   []string // route listeners, host:port
	monitors []string // monitoring, host:port
	ca       string   // the CA of their certificates (client and route)
	conf     string   // the configuration they run: a link to deployConfig beside users.conf
	certs    string   // folder of the CA and each node's nats-N.pem, nats-N.key
}

// startNodes runs count natsd nodes (3, or 1 whose routes to the two
// others find nobody) on deploy/nats/cluster.conf routed to each other, as
// make cluster does: the file linked from a folder whose
// users.conf hubctl nats config would write for the tenants in keys, each
// node its certificate of a test CA (for clients and routes) and the
// variables the file reads in the environment. The environment is the
// test process's: each node reads the file (and its variables) before it
// reports itself ready, and the next node's variables are set after that.
func startNodes(t *testing.T, keys string, count int) *nodes {
	t.Helper()
	abs, err := filepath.Abs(deployConfig)
	if err != nil {
		t.Fatal(err)
	}
	n := &nodes{conf: filepath.Join(t.TempDir(), "cluster.conf"), certs: t.TempDir()}
	if err := os.Symlink(abs, n.conf); err != nil {
		t.Fatal(err)
	}
	tenants, err := natsauth.TenantKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(n.conf), "users.conf"), []byte(natsserver.Authorization(tenants)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, r := range natsauth.Roles {
		pub, err := natsauth.PublicKey(natsauth.SeedFile(keys, r))
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv(r.PublicKeyVariable(), pub)
	}
	n.ca = filepath.Join(n.certs, devtls.CAFile)
	for range 3 {
		n.routes = append(n.routes, freeAddr(t))
	}
	n.urls, n.stops = make([]string, count), make([]func(), count)
	for i := range count {
		name := fmt.Sprintf("nats-%d", i+1)
		cert, key := filepath.Join(n.certs, name+".pem"), filepath.Join(n.certs, name+".key")
		if err := devtls.Issue(n.certs, []string{"localhost", "127.0.0.1"}, cert, key); err != nil {
			t.Fatal(err)
		}
		monitor := freeAddr(t)
		n.monitors = append(n.monitors, monitor)
		for k, v := range map[string]string{
			"NATS_LISTEN": freeAddr(t), "NATS_MONITOR": monitor, "NATS_STORE": t.TempDir(), "NATS_CLUSTER_LISTEN": n.routes[i],
			"NATS_ROUTE_1": "nats-route://" + n.routes[0], "NATS_ROUTE_2": "nats-route://" + n.routes[1], "NATS_ROUTE_3": "nats-route://" + n.routes[2],
			"NATS_TLS_CERT": cert, "NATS_TLS_KEY": key, "NATS_ROUTE_CERT": cert, "NATS_ROUTE_KEY": key, "NATS_ROUTE_CA": n.ca,
		} {
			t.Setenv(k, v)
		}
		cfg := config{Config: n.conf, Name: name, AddrFile: filepath.Join(t.TempDir(), "url")}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, cfg, testLog()) }()
		var once bool
		n.stops[i] = func() {
			if once {
				return
			}
			once = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run %s: %v", cfg.Name, err)
			}
		}
		t.Cleanup(n.stops[i])
		testenv.WaitFor(t, 20*time.Second, func() error {
			select {
			case err := <-done:
				done <- err
				t.Fatalf("%s: %v", name, err)
			default:
			}
			u, err := readURL(cfg.AddrFile)
			n.urls[i] = u
			return err
		})
	}
	return n
}

// jetStreamTLS connects as r with its seed under keys, trusting ca.
func jetStreamTLS(t *testing.T, url, keys string, r natsauth.Role, ca string) jetstream.JetStream {
	t.Helper()
	nc, err := natsauth.Connect(url, r, natsauth.SeedFile(keys, r), ca)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
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

// TestClusterTLS runs the three nodes on deploy/nats/cluster.conf, as make
// cluster does, over TLS (its tls and cluster.tls): a client trusting the
// cluster's CA creates the R3 content stream (which needs the routes up,
// over TLS) and publishes to it; a client that does not trust it is
// refused; the client and route listeners both announce TLS as required
// before anything else, so nothing crosses them in clear; the monitoring
// answers on loopback; and every write is fsynced (sync_interval always).
func TestClusterTLS(t *testing.T) {
	keys := t.TempDir()
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	n := startNodes(t, keys, 3)
	urls, routes, ca, caFile := n.urls, n.routes, n.certs, n.ca
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

	// What the file configures, as the node reports it.
	resp, err := http.Get("http://" + n.monitors[0] + "/varz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var varz struct {
		Name        string `json:"server_name"`
		TLSRequired bool   `json:"tls_required"`
		Cluster     struct {
			Name        string `json:"name"`
			TLSRequired bool   `json:"tls_required"`
			TLSVerify   bool   `json:"tls_verify"`
		} `json:"cluster"`
		JetStream struct {
			Config struct {
				SyncAlways bool `json:"sync_always"`
			} `json:"config"`
		} `json:"jetstream"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&varz); err != nil {
		t.Fatal(err)
	}
	if varz.Name != "nats-1" || !varz.TLSRequired || varz.Cluster.Name != "portalhub" || !varz.Cluster.TLSRequired ||
		!varz.Cluster.TLSVerify || !varz.JetStream.Config.SyncAlways {
		t.Errorf("/varz %+v: want nats-1, TLS required, cluster portalhub with TLS verified, every write synced", varz)
	}
}

// testLog is natsd's log in the tests: on stderr with NATSD_TEST_LOG set.
func testLog() zerolog.Logger {
	if os.Getenv("NATSD_TEST_LOG") != "" {
		return zerolog.New(os.Stderr)
	}
	return zerolog.Nop()
}

// TestConfigReloaded shows that a node running deploy/nats/cluster.conf
// takes a tenant added to its users.conf (as hubctl nats config writes it
// after hubctl credentials issue --nats-keys) once natsd got SIGHUP, as
// nats-server --signal reload does, and not before; the hub's users stay.
func TestConfigReloaded(t *testing.T) {
	keys := t.TempDir()
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	n := startNodes(t, keys, 1)
	const tenant = "so-du-lich"
	if _, err := natsauth.EnsureTenantSeed(keys, tenant); err != nil {
		t.Fatal(err)
	}
	tenants, err := natsauth.TenantKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(n.conf), "users.conf"), []byte(natsserver.Authorization(tenants)), 0o600); err != nil {
		t.Fatal(err)
	}
	connect := func(r natsauth.Role) error {
		nc, err := natsauth.Connect(n.urls[0], r, natsauth.SeedFile(keys, r), n.ca, nats.NoReconnect())
		if err == nil {
			nc.Close()
		}
		return err
	}
	if err := connect(natsauth.Tenant(tenant)); !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("tenant before the reload: %v, want refused", err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, func() error { return connect(natsauth.Tenant(tenant)) })
	if err := connect(natsauth.Gateway); err != nil {
		t.Errorf("the gateway after the reload: %v", err)
	}
}
