package natsserver_test

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/natsserver"
)

// deployConfig is the NATS configuration of the production shape.
const deployConfig = "../../deploy/nats/cluster.conf"

// deployTenants are the tenants whose users the tested users.conf holds.
var deployTenants = []string{"so-du-lich", "gateway"}

var update = flag.Bool("update", false, "rewrite deploy/nats/users.conf")

// TestDeployUsersConf checks that deploy/nats/users.conf is what `hubctl
// nats config` writes without tenants (-update rewrites it).
func TestDeployUsersConf(t *testing.T) {
	const path = "../../deploy/nats/users.conf"
	want := natsserver.Authorization(nil)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s differs from natsserver.Authorization(nil): run go test ./services/natsserver -run TestDeployUsersConf -update", path)
	}
}

// loadDeployConfig parses deploy/nats/cluster.conf with the nats-server
// library as a node reads it: linked from a folder whose users.conf is the
// one `hubctl nats config` writes for the test's tenants, with the
// variables it reads in the environment (test TLS files, the public keys
// of fresh seeds in keys, loopback addresses).
func loadDeployConfig(t *testing.T, keys string) (*server.Options, string) {
	t.Helper()
	dir := t.TempDir()
	ca, cert, key, err := devtls.Ensure(filepath.Join(dir, "tls"))
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(deployConfig)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cluster.conf")
	if err := os.Symlink(abs, path); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"NATS_LISTEN": "127.0.0.1:4222", "NATS_MONITOR": "127.0.0.1:8222", "NATS_STORE": filepath.Join(dir, "store"),
		"NATS_CLUSTER_LISTEN": "127.0.0.1:6222", "NATS_ROUTE_1": "nats-route://127.0.0.1:6222",
		"NATS_ROUTE_2": "nats-route://127.0.0.1:6223", "NATS_ROUTE_3": "nats-route://127.0.0.1:6224",
		"NATS_TLS_CERT": cert, "NATS_TLS_KEY": key, "NATS_ROUTE_CERT": cert, "NATS_ROUTE_KEY": key, "NATS_ROUTE_CA": ca,
	} {
		t.Setenv(k, v)
	}
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	// users.conf as `hubctl nats config` writes it for the tenants in keys.
	for _, tenant := range deployTenants {
		if _, err := natsauth.EnsureTenantSeed(keys, tenant); err != nil {
			t.Fatal(err)
		}
	}
	tenants, err := natsauth.TenantKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.conf"), []byte(natsserver.Authorization(tenants)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, r := range natsauth.Roles {
		pub, err := natsauth.PublicKey(natsauth.SeedFile(keys, r))
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv(r.PublicKeyVariable(), pub)
	}
	opts, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("%s: %v", deployConfig, err)
	}
	return opts, ca
}

// TestDeployConfig checks that deploy/nats/cluster.conf is valid and carries
// the users and permissions natsd runs (natsserver.Users), no anonymous user,
// TLS for clients and routes, and monitoring on loopback.
func TestDeployConfig(t *testing.T) {
	keys := t.TempDir()
	opts, _ := loadDeployConfig(t, keys)

	want, err := natsserver.Users(keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Nkeys) != len(want) || len(want) != len(natsauth.Roles)+len(deployTenants) {
		t.Fatalf("%d NKey users, want %d (one per role of natsauth and per tenant)", len(opts.Nkeys), len(want))
	}
	byKey := map[string]*server.NkeyUser{}
	for _, u := range opts.Nkeys {
		byKey[u.Nkey] = u
	}
	for _, w := range want {
		r := w.Nkey
		got, ok := byKey[w.Nkey]
		if !ok {
			t.Errorf("no user with the key %s", r)
			continue
		}
		if got.Account != nil && got.Account.Name != server.DEFAULT_GLOBAL_ACCOUNT {
			t.Errorf("%s is in account %s, want the global account, as natsd runs it", r, got.Account.Name)
		}
		if got.Permissions == nil || !reflect.DeepEqual(got.Permissions, w.Permissions) {
			t.Errorf("%s: permissions %s, want %s as natsd runs them", r, permissions(got.Permissions), permissions(w.Permissions))
		}
	}
	if len(opts.Users) != 0 || opts.Username != "" || opts.Authorization != "" || opts.NoAuthUser != "" {
		t.Errorf("users %v, user %q, token set %v, no_auth_user %q: want only the NKey users and no anonymous one",
			opts.Users, opts.Username, opts.Authorization != "", opts.NoAuthUser)
	}
	if ip := net.ParseIP(opts.HTTPHost); ip == nil || !ip.IsLoopback() || opts.HTTPPort == 0 {
		t.Errorf("monitoring on %s:%d, want a port on loopback", opts.HTTPHost, opts.HTTPPort)
	}
	if opts.HTTPSPort != 0 {
		t.Errorf("https monitoring on %s:%d, want none", opts.HTTPHost, opts.HTTPSPort)
	}
	if opts.TLSConfig == nil {
		t.Error("clients connect without TLS")
	}
	if opts.Cluster.TLSConfig == nil || opts.Cluster.TLSConfig.ClientAuth != tls.RequireAndVerifyClientCert {
		t.Error("routes without TLS verifying the other node's certificate")
	}
	if len(opts.Routes) != 3 {
		t.Errorf("%d routes, want the 3 nodes", len(opts.Routes))
	}
	if !opts.JetStream || !opts.SyncAlways {
		t.Errorf("jetstream %v, sync always %v; want both", opts.JetStream, opts.SyncAlways)
	}
	// Where the node listens, stores and routes comes from its environment.
	if opts.Host != "127.0.0.1" || opts.Port != 4222 || opts.HTTPPort != 8222 || opts.Cluster.Port != 6222 ||
		opts.Cluster.Name != "portalhub" || !strings.HasSuffix(opts.StoreDir, "store") || len(opts.Routes) != 3 || opts.Routes[2].Port() != "6224" {
		t.Errorf("listen %s:%d, monitor %d, routes on %d to %v, cluster %q, store %s: want the environment's",
			opts.Host, opts.Port, opts.HTTPPort, opts.Cluster.Port, opts.Routes, opts.Cluster.Name, opts.StoreDir)
	}
}

// TestDeployConfigVariables: a variable the node's environment lacks is an
// error naming it, not a silent default.
func TestDeployConfigVariables(t *testing.T) {
	loadDeployConfig(t, t.TempDir())
	os.Unsetenv("NATS_ROUTE_CA")
	_, err := server.ProcessConfigFile(deployConfig)
	if err == nil || !strings.Contains(err.Error(), "NATS_ROUTE_CA") {
		t.Errorf("without NATS_ROUTE_CA: %v, want an error naming it", err)
	}
}

// TestDeployConfigServes starts one node from the deploy configuration
// (alone: no routes, free ports) and connects over TLS: the ops user
// provisions the stream, the aggregator publishes, the gateway may not, and
// nobody connects anonymously.
func TestDeployConfigServes(t *testing.T) {
	keys := t.TempDir()
	opts, ca := loadDeployConfig(t, keys)
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", server.RANDOM_PORT, server.RANDOM_PORT
	opts.Cluster = server.ClusterOpts{}
	opts.Routes = nil
	opts.StoreDir = t.TempDir()
	opts.NoLog, opts.NoSigs = true, true
	s, err := natsserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	url := s.ClientURL()

	if nc, err := nats.Connect(url, nats.RootCAs(ca)); !errors.Is(err, nats.ErrAuthorization) {
		if nc != nil {
			nc.Close()
		}
		t.Fatalf("anonymous connect: %v, want an authorization violation", err)
	}
	connect := func(r natsauth.Role, opts ...nats.Option) jetstream.JetStream {
		nc, err := natsauth.Connect(url, r, natsauth.SeedFile(keys, r), ca, opts...)
		if err != nil {
			t.Fatalf("connect as %s: %v", r, err)
		}
		t.Cleanup(nc.Close)
		if !nc.TLSRequired() {
			t.Errorf("%s connected without TLS", r)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	if _, err := events.EnsureContentStream(t.Context(), connect(natsauth.Ops), 1); err != nil {
		t.Fatalf("provision as ops: %v", err)
	}
	if _, err := connect(natsauth.Aggregator).Publish(t.Context(), events.ContentSubject("so-gd", "le-hoi"), []byte("1")); err != nil {
		t.Errorf("publish as the aggregator: %v", err)
	}
	refused := make(chan error, 1)
	gw := connect(natsauth.Gateway, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		select {
		case refused <- err:
		default:
		}
	}))
	if err := gw.Conn().Publish(events.ContentSubject("so-gd", "le-hoi"), []byte("forged")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-refused:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			t.Errorf("the gateway's publish of an event: %v, want a permissions violation", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the gateway's publish of an event was not refused")
	}
}

// permissions prints p for a failure message.
func permissions(p *server.Permissions) string {
	if p == nil {
		return "none (everything allowed)"
	}
	return fmt.Sprintf("publish %+v, subscribe %+v, responses %+v", p.Publish, p.Subscribe, p.Response)
}
