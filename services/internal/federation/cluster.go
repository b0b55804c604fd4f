package federation

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/pgcluster"
	"github.com/portalhub/portalhub/services/supervise"
)

// natsNodes is the size of the NATS cluster, and the replicas of its streams.
const natsNodes = 3

// NginxTemplate is the nginx configuration Options.Cluster renders, the
// very file deploy/ documents, relative to the repository's root.
const NginxTemplate = "deploy/nginx/portalhub.conf.template"

// NATSConfig is the configuration every NATS node of Options.Cluster runs
// (natsd -config), the very file deploy/ documents and compose.yaml's
// nodes run, relative to the repository's root.
const NATSConfig = "deploy/nats/cluster.conf"

// Topology is what the clustered federation (Options.Cluster) runs where.
type Topology struct {
	// NATS nodes: Addr is the client URL, Route the route listener,
	// Monitor the monitoring base URL, Dir the JetStream store. NATSCA is
	// the CA of their certificates; NATSConfig the configuration they run
	// (a link to NATSConfig, users.conf beside it).
	NATS               []Node
	NATSCA, NATSConfig string
	// Primary and Replica are the hub database's URLs on the PostgreSQL
	// primary and on its streaming replica, as the superuser.
	Primary, Replica string
	// ReplicaDir is the replica's cluster folder; ReplicaSlot its
	// replication slot on the primary.
	ReplicaDir, ReplicaSlot string
	// Aggregators: Addr is the gRPC IngestService, Monitor /readyz and
	// /metrics. Gateways: Addr the HTTP address nginx proxies to, Monitor
	// their ops listener (/readyz, /metrics).
	Aggregators, Gateways []Node
	// ProxyHTTP is nginx's address for visitors (the portal), ProxyHTTPS
	// the same over TLS (a certificate per host name, ProxyTLSDir),
	// ProxyGRPC where the sub-portals and the gateways reach the
	// aggregators.
	ProxyHTTP, ProxyHTTPS, ProxyGRPC string
	// ProxyTLSDir holds the proxy's certificate per host name
	// (<name>.pem, <name>.key), issued by the development CA.
	ProxyTLSDir string
	// ProxyConfig is the rendered nginx configuration.
	ProxyConfig string

	replica *pgcluster.Cluster
}

// Node is one process of the topology.
type Node struct {
	Name, Addr, Route, Monitor, Dir string
}

// Describe writes what runs where, one line a process.
func (t *Topology) Describe(w io.Writer) {
	fmt.Fprintf(w, "\nClustered topology (make cluster):\n\n")
	for _, n := range t.NATS {
		fmt.Fprintf(w, "  %-13s %s   routes %s   monitor %s/healthz   store %s\n", n.Name, n.Addr, n.Route, n.Monitor, n.Dir)
	}
	fmt.Fprintf(w, "  %-13s config %s (deploy/nats/cluster.conf, users.conf beside it); clients and routes over TLS, CA %s (NATS_CA_FILE)\n", "", t.NATSConfig, t.NATSCA)
	fmt.Fprintf(w, "  %-13s %s   (aggregators write here)\n", "pg primary", redactUser(t.Primary))
	fmt.Fprintf(w, "  %-13s %s   (gateways read here as portalhub_gateway, the primary while it is down; streams as %s through slot %s, both made by %s; folder %s)\n",
		"pg replica", redactUser(t.Replica), ReplicationRole, t.ReplicaSlot, ReplicationScript, t.ReplicaDir)
	for _, n := range t.Aggregators {
		fmt.Fprintf(w, "  %-13s gRPC %s   health http://%s/readyz\n", n.Name, n.Addr, n.Monitor)
	}
	for _, n := range t.Gateways {
		fmt.Fprintf(w, "  %-13s http://%s   health, metrics http://%s/readyz\n", n.Name, n.Addr, n.Monitor)
	}
	fmt.Fprintf(w, "  %-13s portal http://%s, https://%s   hub gRPC %s   config %s\n", "nginx", t.ProxyHTTP, t.ProxyHTTPS, t.ProxyGRPC, t.ProxyConfig)
}

func redactUser(u string) string { return strings.Replace(u, "postgres://postgres@", "postgres://", 1) }

// startReplica gives the private primary its replication setup by running
// ReplicationScript on it, as production's image does (the replicator role,
// the slot, the pg_hba.conf line), and starts the hub database's streaming
// replica beside it, connected as that role through that slot.
func (f *Federation) startReplica(ctx context.Context) error {
	if f.cluster == nil {
		return errors.New("the clustered federation runs its own PostgreSQL primary and replica: unset DATABASE_URL")
	}
	f.Topology = &Topology{ReplicaSlot: "portalhub_replica_1"}
	password, err := f.replicationSetup(ctx)
	if err != nil {
		return err
	}
	dir := filepath.Join(f.opts.VarDir, "pg-replica")
	f.logf("starting the PostgreSQL replica in %s", dir)
	rc := pgcluster.ReplicaConfig{Config: pgcluster.Config{Dir: dir, Ephemeral: f.opts.Ephemeral, SyncCommit: true},
		Primary: WithUser(f.cluster.URL("postgres"), ReplicationRole), Password: password, Slot: f.Topology.ReplicaSlot}
	r, err := pgcluster.StartReplica(ctx, rc)
	if err != nil {
		return fmt.Errorf("start the PostgreSQL replica: %w", err)
	}
	rc.Port = r.Port()
	f.keepPG(ReplicaPG, r, func(ctx context.Context) error {
		_, err := pgcluster.StartReplica(ctx, rc)
		return err
	})
	f.Topology.replica = r
	f.Topology.ReplicaDir = r.Dir()
	f.Topology.Primary = f.HubDatabaseURL
	f.Topology.Replica = r.URL("portalhub")
	return nil
}

// ReplicationScript is the primary's replication setup, the very script
// production's primary image runs once (compose.yaml), relative to the
// repository's root; ReplicationRole the role it makes for the replica.
const (
	ReplicationScript = "deploy/postgres/replication.sh"
	ReplicationRole   = "replicator"
)

// replicationSetup runs ReplicationScript on the primary with the
// replicator's password (made once, mode 0600, in VarDir/credentials) and
// the topology's slot, and returns the password. The script changes
// nothing the second time, so it runs at every start of the cluster, which
// also covers a primary made before the cluster first ran.
func (f *Federation) replicationSetup(ctx context.Context) (string, error) {
	script, err := findUp(ReplicationScript)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(f.opts.VarDir, "credentials")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	pwFile := filepath.Join(dir, "pg-replicator-password")
	password, err := randomSecret(pwFile)
	if err != nil {
		return "", err
	}
	f.logf("running %s on the PostgreSQL primary", ReplicationScript)
	if err := f.cluster.RunScript(ctx, script, []string{"REPLICATOR_PASSWORD_FILE=" + pwFile, "REPLICATION_SLOT=" + f.Topology.ReplicaSlot}); err != nil {
		return "", fmt.Errorf("the primary's replication setup: %w", err)
	}
	return password, nil
}

// randomSecret returns the secret kept in path, making a random one (mode
// 0600) the first time.
func randomSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 16 {
		return strings.TrimSpace(string(b)), nil
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(raw)
	return secret, writeSecret(path, secret)
}

// startNATSCluster starts natsNodes natsd nodes, each on NATSConfig (the
// very file production's nodes run) with its own variables: its ports, its
// store, the routes to all three, its certificate of the development CA
// for clients and routes, and the users' public keys. It waits until each
// is healthy. Every client is given every node's URL and the CA.
func (f *Federation) startNATSCluster(ctx context.Context) error {
	conf, keyEnv, err := f.natsClusterConfig(ctx)
	if err != nil {
		return err
	}
	nodes := make([]Node, natsNodes)
	for i := range nodes {
		nodes[i] = Node{Name: fmt.Sprintf("nats-%d", i+1), Dir: filepath.Join(f.opts.VarDir, fmt.Sprintf("nats-%d", i+1))}
		if nodes[i].Route, err = freeAddr(); err != nil {
			return err
		}
	}
	var urls []string
	for i, n := range nodes {
		nn := natsNode{Store: n.Dir, Route: n.Route}
		for _, o := range nodes {
			nn.Routes = append(nn.Routes, "nats-route://"+o.Route)
		}
		if nn.Listen, err = freeAddr(); err != nil {
			return err
		}
		if nn.Monitor, err = freeAddr(); err != nil {
			return err
		}
		if nn.Cert, nn.Key, err = f.natsNodeTLS(n.Name); err != nil {
			return err
		}
		nn.CA = f.NATSCAFile
		env := append(nn.env(), keyEnv...)
		p, err := f.start(ctx, supervise.Spec{Name: n.Name, Path: f.bin("natsd"), Args: []string{"-config", conf, "-name", n.Name}, Env: env}, nil)
		if err != nil {
			return err
		}
		nodes[i].Addr, nodes[i].Monitor = p.Addrs["nats"], "http://"+p.Addrs["http"]
		urls = append(urls, nodes[i].Addr)
	}
	for _, n := range nodes {
		if err := waitHealthy(ctx, n.Monitor+"/healthz", time.Minute); err != nil {
			return fmt.Errorf("NATS node %s: %w", n.Name, err)
		}
	}
	f.Topology.NATS, f.Topology.NATSCA, f.Topology.NATSConfig = nodes, f.NATSCAFile, conf
	f.NATSURL = strings.Join(urls, ",")
	f.NATSMonitor = nodes[0].Monitor
	return nil
}

// natsClusterConfig lays out the configuration the NATS nodes run, as an
// operator lays out /etc/nats (deploy/README.md): in VarDir/nats/conf,
// cluster.conf is a link to NATSConfig (the file itself: what runs is what
// deploy/ holds) and users.conf beside it, which the file includes, is what
// `hubctl nats config --keys` writes for the tenants whose keys are in
// NATSKeys. It returns the link and the users' public keys as `hubctl nats
// keys --out` prints them (NATS_AGGREGATOR_NKEY=U…), the variables the
// file reads.
func (f *Federation) natsClusterConfig(ctx context.Context) (conf string, keyEnv []string, err error) {
	src, err := findUp(NATSConfig)
	if err != nil {
		return "", nil, err
	}
	if src, err = filepath.Abs(src); err != nil {
		return "", nil, err
	}
	dir := filepath.Join(f.opts.VarDir, "nats", "conf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	conf = filepath.Join(dir, "cluster.conf")
	if err := os.Remove(conf); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", nil, err
	}
	if err := os.Symlink(src, conf); err != nil {
		return "", nil, err
	}
	keys, err := f.hubctl(ctx, "nats", "keys", "--out", f.NATSKeys)
	if err != nil {
		return "", nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(keys), "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(name, "NATS_") {
			return "", nil, fmt.Errorf("hubctl nats keys printed %q, want NAME=KEY lines", line)
		}
		keyEnv = append(keyEnv, name+"="+confValue(value))
	}
	users, err := f.hubctl(ctx, "nats", "config", "--keys", f.NATSKeys)
	if err != nil {
		return "", nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, "users.conf"), users, 0o600); err != nil {
		return "", nil, err
	}
	return conf, keyEnv, nil
}

// hubctl runs bin/hubctl with args and returns what it printed.
func (f *Federation) hubctl(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, f.bin("hubctl"), args...)
	cmd.Env = append(os.Environ(), f.opts.Env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hubctl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// writeFileAtomic replaces path with content at once.
func writeFileAtomic(path, content string, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// natsNode is one NATS node's share of NATSConfig's variables (besides the
// users' keys): its addresses on loopback, its store, the routes to every
// node (its own included), and its certificate, used for clients and
// routes alike, with the CA every node's is signed by.
type natsNode struct {
	Listen, Monitor, Route, Store string
	Routes                        []string
	Cert, Key, CA                 string
}

// env is the node's environment for NATSConfig. The values are quoted:
// nats-server parses a variable's value as configuration, where a path
// with a space would end the value.
func (n natsNode) env() []string {
	vars := [][2]string{
		{"NATS_LISTEN", n.Listen}, {"NATS_MONITOR", n.Monitor}, {"NATS_STORE", n.Store}, {"NATS_CLUSTER_LISTEN", n.Route},
		{"NATS_TLS_CERT", n.Cert}, {"NATS_TLS_KEY", n.Key},
		{"NATS_ROUTE_CERT", n.Cert}, {"NATS_ROUTE_KEY", n.Key}, {"NATS_ROUTE_CA", n.CA},
	}
	for i, r := range n.Routes {
		vars = append(vars, [2]string{fmt.Sprintf("NATS_ROUTE_%d", i+1), r})
	}
	env := make([]string, len(vars))
	for i, v := range vars {
		env[i] = v[0] + "=" + confValue(v[1])
	}
	return env
}

// confValue is s as a quoted string of a NATS configuration.
func confValue(s string) string {
	return strconv.Quote(s)
}

// natsNodeTLS issues the NATS node name its certificate (for its clients
// and its routes, on loopback) from the development CA; clients are given
// the CA from here on (NATSCAFile).
func (f *Federation) natsNodeTLS(name string) (cert, key string, err error) {
	dir := filepath.Join(f.opts.VarDir, "tls")
	cert, key = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := devtls.Issue(dir, []string{"localhost", "127.0.0.1"}, cert, key); err != nil {
		return "", "", err
	}
	f.NATSCAFile = filepath.Join(dir, devtls.CAFile)
	return cert, key, nil
}

// startClusterServices starts two aggregators, nginx in front of them and
// of the gateways, and two gateways reading from the replica.
func (f *Federation) startClusterServices(ctx context.Context) error {
	o, t := f.opts, f.Topology
	for i := 1; i <= 2; i++ {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		// The first aggregator has the addresses Options gives (the ops
		// console, OpsService); the second any.
		var ops, admin, console string
		if i == 1 {
			ops, admin, console = o.HubOpsAddr, o.HubAdminAddr, o.ConsoleAddr
		}
		p, err := f.startAggregator(ctx, fmt.Sprintf("aggregator-%d", i), addr, ops, admin, console)
		if err != nil {
			return err
		}
		t.Aggregators = append(t.Aggregators, Node{Name: p.Spec.Name, Addr: p.Addrs["grpc"], Monitor: p.Addrs["http"]})
		if i == 1 {
			f.Aggregator = p
			f.HubOpsAddr, f.HubAdminAddr, f.Console = p.Addrs["http"], p.Addrs["ops"], "http://"+p.Addrs["console"]
		}
	}
	for i := 1; i <= 2; i++ {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		t.Gateways = append(t.Gateways, Node{Name: fmt.Sprintf("gateway-%d", i), Addr: addr})
	}
	if err := f.startProxy(ctx); err != nil {
		return err
	}
	f.HubAddr = t.ProxyGRPC
	for i, g := range t.Gateways {
		p, err := f.startGateway(ctx, g.Name, g.Addr, gatewayReadURL(t.Replica, t.Primary), []string{
			// Counts are written on the primary; nginx is the trusted proxy.
			"GATEWAY_SEARCH_STATS_URL=" + WithUser(t.Primary, "portalhub_gateway"), "GATEWAY_TRUSTED_PROXIES=127.0.0.1",
		})
		if err != nil {
			return err
		}
		t.Gateways[i].Monitor = p.Addrs["ops"]
	}
	f.Gateway = "http://" + localhost(t.ProxyHTTP)
	return nil
}

// gatewayReadURL is where a gateway reads the hub: the replica, and the
// primary when the replica is down (a multi-host URL with
// target_session_attrs=prefer-standby: each new connection tries the
// replica first). Its connections live at most 15 s here (OPERATIONS.md
// says a minute for production), so that once the replica is back the
// reads move back to it soon: TestClusterTopology, which may run right
// after the fault tests stopped the replica, waits for that.
func gatewayReadURL(replica, primary string) string {
	r, err1 := url.Parse(replica)
	p, err2 := url.Parse(primary)
	if err1 != nil || err2 != nil {
		return replica
	}
	r.Host += "," + p.Host
	q := r.Query()
	q.Set("target_session_attrs", "prefer-standby")
	q.Set("pool_max_conn_lifetime", "15s")
	q.Set("pool_health_check_period", "5s")
	r.RawQuery = q.Encode()
	return r.String()
}

// startProxy renders NginxTemplate and runs nginx on it.
func (f *Federation) startProxy(ctx context.Context) error {
	t := f.Topology
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			return errors.New("nginx is not installed: apt-get install nginx libnginx-mod-stream")
		}
		nginx = "/usr/sbin/nginx"
	}
	tmpl, err := findUp(NginxTemplate)
	if err != nil {
		return err
	}
	if t.ProxyHTTP, err = listenAddr(f.opts.GatewayAddr); err != nil {
		return err
	}
	if t.ProxyHTTPS, err = freeAddr(); err != nil {
		return err
	}
	if t.ProxyGRPC, err = listenAddr(f.opts.HubAddr); err != nil {
		return err
	}
	run := filepath.Join(f.opts.VarDir, "nginx")
	t.ProxyTLSDir = filepath.Join(run, "tls")
	acme := filepath.Join(run, "acme")
	for _, d := range []string{t.ProxyTLSDir, acme} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := f.issueProxyCertificates(); err != nil {
		return err
	}
	b, err := os.ReadFile(tmpl)
	if err != nil {
		return err
	}
	vars := map[string]string{
		"LISTEN_HTTP": t.ProxyHTTP, "LISTEN_HTTPS": t.ProxyHTTPS, "LISTEN_GRPC": t.ProxyGRPC, "RUN_DIR": run,
		"GATEWAY_1": t.Gateways[0].Addr, "GATEWAY_2": t.Gateways[1].Addr,
		"AGGREGATOR_1": t.Aggregators[0].Addr, "AGGREGATOR_2": t.Aggregators[1].Addr,
		"TLS_DIR": t.ProxyTLSDir, "ACME_DIR": acme,
		// Plain HTTP stays served on this machine (the tests' visitors,
		// make cluster's links); the load tests come from 127.0.0.1, which
		// the per-client limits do not count.
		"REDIRECT_HTTP": "0", "RATE_EXEMPT": "127.0.0.1 0;",
	}
	for k, v := range f.proxyVars {
		vars[k] = v
	}
	conf, err := renderTemplate(string(b), vars)
	if err != nil {
		return fmt.Errorf("%s: %w", tmpl, err)
	}
	t.ProxyConfig = filepath.Join(run, "nginx.conf")
	if err := os.WriteFile(t.ProxyConfig, []byte(conf), 0o644); err != nil {
		return err
	}
	global := "daemon off;"
	if os.Geteuid() == 0 {
		// Workers write their temporary files under run, which is root's.
		global += " user root;"
	}
	_, err = f.start(ctx, supervise.Spec{Name: "nginx", Path: nginx, Args: []string{"-p", run, "-c", t.ProxyConfig, "-g", global},
		Listens: map[string]string{"http": t.ProxyHTTP, "grpc": t.ProxyGRPC}}, nil)
	return err
}

// issueProxyCertificates gives each host name the portal answers to
// (localhost, and every tenant's own names) its certificate in
// Topology.ProxyTLSDir, signed by the development CA (CAFile), as ACME
// would in production (deploy/README.md).
func (f *Federation) issueProxyCertificates() error {
	hosts := []string{"localhost"}
	for _, tn := range f.opts.Tenants {
		hosts = append(hosts, tn.Hosts...)
	}
	for _, h := range hosts {
		base := filepath.Join(f.Topology.ProxyTLSDir, h)
		if err := devtls.Issue(filepath.Dir(f.CAFile), []string{h}, base+".pem", base+".key"); err != nil {
			return err
		}
	}
	return nil
}

// placeholder is ${NAME} in NginxTemplate; nginx's own variables ($host)
// have no braces.
var placeholder = regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`)

// renderTemplate replaces each ${NAME} by vars[NAME]; a name without a
// value is an error.
func renderTemplate(s string, vars map[string]string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("no value for %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// stopCluster stops what Options.Cluster started beside the children: the
// replica (before its primary).
func (f *Federation) stopCluster() {
	if f.Topology != nil && f.Topology.replica != nil {
		if err := f.Topology.replica.Stop(); err != nil {
			f.logf("stop the PostgreSQL replica: %v", err)
		}
		f.Topology.replica = nil
	}
}

// listenAddr is addr with port 0 replaced by a free port and an empty host
// by 127.0.0.1.
func listenAddr(addr string) (string, error) {
	if addr == "" {
		return freeAddr()
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "0" {
		return freeAddr()
	}
	return net.JoinHostPort(host, port), nil
}

// findUp finds rel in the working directory or a folder above it.
func findUp(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found in the working directory or above it: run from the repository", rel)
		}
		dir = parent
	}
}

// waitHealthy polls url until it answers 200 OK.
func waitHealthy(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s: %s", url, resp.Status)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("not healthy after %s: %w", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// RestartPrimary stops the hub's PostgreSQL primary (pg_ctl stop -m fast:
// sessions end, as in an operator's restart) and starts it again on its
// port; it returns once the primary accepts connections. The streaming
// replica reconnects by itself.
func (f *Federation) RestartPrimary(ctx context.Context) error {
	if f.cluster == nil {
		return errors.New("no private PostgreSQL to restart")
	}
	if k := f.PG(PrimaryPG); k != nil {
		if err := k.Stop(); err != nil {
			return err
		}
		return k.Start(ctx)
	}
	port := f.cluster.Port()
	if err := f.cluster.Stop(); err != nil {
		return err
	}
	c, err := pgcluster.Start(ctx, f.primaryConfig(port))
	if err != nil {
		return fmt.Errorf("start the PostgreSQL primary again: %w", err)
	}
	f.cluster = c
	return nil
}
