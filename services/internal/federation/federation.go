// Package federation starts a whole portalhub federation as separate
// processes: PostgreSQL (a private cluster unless a server is given), NATS
// with JetStream (natsd), the aggregator, the gateway and one sub-portal per
// tenant. `make run` (devstack), the end-to-end tests and the benchmark
// harness all use it, so they run the same shape.
package federation

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/pgcluster"
	"github.com/portalhub/portalhub/services/supervise"
)

// Tenant is one sub-portal to run.
type Tenant struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	NameRU string `json:"name_ru"`
	// Port of its service; 0 picks one.
	Port int `json:"port"`
	// Its registry entry at the hub (see hubstore.Registry).
	Parent      string   `json:"parent,omitempty"`
	Hosts       []string `json:"hosts,omitempty"`
	AddressVI   string   `json:"address_vi,omitempty"`
	AddressEN   string   `json:"address_en,omitempty"`
	AddressRU   string   `json:"address_ru,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Fax         string   `json:"fax,omitempty"`
	Email       string   `json:"email,omitempty"`
	Responsible string   `json:"responsible,omitempty"`
	Licence     string   `json:"licence,omitempty"`
	// Demo seeds this tenant with its demo content (tenants/demo) before it
	// serves, as Options.SeedDemo does for every tenant.
	Demo bool `json:"-"`
	// DatabaseServer, when set, is the PostgreSQL server (a URL of its
	// postgres database) that holds this tenant's database instead of the
	// federation's: the fault tests give one sub-portal a server of its own
	// whose clock they make jump (pgcluster.FakeTimeEnv).
	DatabaseServer string `json:"-"`
}

// hubTenant is t as the hub registers it.
func (t Tenant) hubTenant() hubstore.Tenant {
	return hubstore.Tenant{ID: t.ID, Kind: t.Kind, NameVI: t.NameVI, NameEN: t.NameEN, NameRU: t.NameRU,
		Registry: hubstore.Registry{ParentID: t.Parent, Hosts: t.Hosts, AddressVI: t.AddressVI, AddressEN: t.AddressEN,
			AddressRU: t.AddressRU, Phone: t.Phone, Fax: t.Fax, Email: t.Email, Responsible: t.Responsible, Licence: t.Licence}}
}

// Options configure a federation.
type Options struct {
	// VarDir holds everything the federation stores (kept between runs).
	VarDir string
	// BinDir holds the built binaries.
	BinDir string
	// DatabaseURL names a PostgreSQL server to use (databases are created in
	// it); empty starts a private cluster under VarDir/pg.
	DatabaseURL string
	// Ephemeral makes the private cluster fast and unsafe (tests only).
	Ephemeral bool
	// NATSURL names a NATS server to use; empty starts natsd.
	NATSURL string
	// NATSKeys is the folder of the NKey seeds of the hub's NATS users
	// (natsauth.SeedFile) on the server NATSURL names; natsd keeps its own
	// under VarDir/nats/keys.
	NATSKeys string
	// Addresses; port 0 picks one. HubAdminAddr is the aggregator's
	// OpsService (AGGREGATOR_OPS_ADDR), ConsoleAddr its ops console
	// (AGGREGATOR_CONSOLE_ADDR).
	GatewayAddr, HubAddr, HubOpsAddr, HubAdminAddr, ConsoleAddr string
	Tenants                                                     []Tenant
	// SeedDemo seeds each tenant with its demo content before it serves.
	SeedDemo bool
	// Mailpit is the path of the Mailpit binary to start as the
	// aggregator's SMTP server (mailpit.go); empty starts none, and the
	// hub's mail stays queued.
	Mailpit string
	// MailpitLater, when the Mailpit binary is not there yet (make run
	// builds it in the background, at low priority, while the federation
	// starts), chooses its ports and points the aggregator at them now,
	// and starts Mailpit once the binary appears; the hub's mail waits in
	// its queue (retried with backoff) until then.
	MailpitLater bool
	// WALArchive, with a private cluster, is the folder it archives its WAL
	// into (pgcluster.Config.Archive: relative is inside the cluster's
	// folder), for hubctl backup; empty: none.
	WALArchive string
	// Restart keeps every long-lived child running, as systemd's
	// Restart=always would: one that dies is started again with backoff on
	// the addresses it had (supervise.Keep), and Exited reports nothing.
	// make run sets it; the tests, which kill and restart children
	// themselves, do not.
	Restart bool
	// Cluster runs the clustered topology instead of one process of each
	// kind (cluster.go): three NATS nodes on deploy/nats/cluster.conf
	// (clients and routes over TLS: each node a certificate of the
	// development CA, every client given the CA in NATS_CA_FILE,
	// NATSCAFile), a PostgreSQL streaming replica made by
	// deploy/postgres/replication.sh's role and slot, two aggregators and
	// two gateways behind nginx on deploy/nginx/portalhub.conf.template.
	// It needs the private PostgreSQL and natsd (no DatabaseURL, no
	// NATSURL).
	Cluster bool
	// Env is added to every child's environment.
	Env []string
	// Output receives the children's logs; nil discards them.
	Output io.Writer
}

// Federation is a running federation.
type Federation struct {
	opts Options

	cluster *pgcluster.Cluster
	// mu guards procs, kept and stopped: Mailpit may start after Start
	// returned (Options.MailpitLater).
	mu      sync.Mutex
	procs   []stopper
	kept    map[string]*supervise.Kept // by Spec.Name, with Options.Restart
	stopped bool
	pgKept  map[string]*PGKept // the private PostgreSQL servers, with Options.Restart
	exited  chan *supervise.Process

	// BaseURL is the PostgreSQL server; HubDatabaseURL the hub store.
	BaseURL, HubDatabaseURL string
	NATSURL                 string
	// NATSKeys is the folder of the NATS users' NKey seeds
	// (natsauth.SeedFile): each process gets its own.
	NATSKeys string
	// NATSCAFile is the CA of the NATS nodes' certificates with
	// Options.Cluster (pass it to natsauth.Connect); empty without TLS.
	NATSCAFile string
	// NATSMonitor is natsd's monitoring base URL (/healthz, /varz, /jsz),
	// empty when NATS_URL named another server.
	NATSMonitor string
	// Gateway is the portal's base URL, e.g. http://127.0.0.1:8080.
	Gateway string
	// GatewayOps is the gateway's ops listener (/healthz, /readyz,
	// /metrics), e.g. http://127.0.0.1:40123.
	GatewayOps string
	// HubAddr, HubOpsAddr and HubAdminAddr are the aggregator's bound
	// addresses (IngestService, health and metrics, OpsService).
	HubAddr, HubOpsAddr, HubAdminAddr string
	// Console is the ops console's base URL, e.g. http://127.0.0.1:9446.
	Console string
	// DemoPassword is the password of every demo account (SeedDemo).
	DemoPassword string
	// MailpitURL is Mailpit's web interface, empty when none runs.
	MailpitURL string
	// MailpitPending: Mailpit starts once its binary is built
	// (Options.MailpitLater).
	MailpitPending bool
	// mailEnv points the aggregator at Mailpit.
	mailEnv []string
	// feedbackEnv gives the aggregator the gateway's token and the
	// personal-data keys (the FeedbackService), and the gateway its token.
	feedbackEnv, gatewayHubEnv []string
	// CAFile is the development CA the aggregator's certificate chains to.
	CAFile     string
	Aggregator *supervise.Process
	// SubPortals by tenant id.
	SubPortals map[string]*SubPortal
	// Topology is what runs where with Options.Cluster; nil without it.
	Topology *Topology
	// proxyVars override the values the proxy's template is rendered
	// with (tests of its production settings).
	proxyVars map[string]string
}

// SubPortal is one running sub-portal.
type SubPortal struct {
	Tenant   Tenant
	URL      string // its HTTP API and back office
	OpsURL   string // its ops listener: /healthz, /readyz, /metrics
	APIToken string
	HubToken string
	// DatabaseURL is its database.
	DatabaseURL string
	Process     *supervise.Process
	env         []string
}

// Start brings the federation up. On error, whatever started is stopped.
func Start(ctx context.Context, opts Options) (*Federation, error) {
	f := &Federation{opts: opts, exited: make(chan *supervise.Process, 32), SubPortals: map[string]*SubPortal{}}
	if err := f.up(ctx); err != nil {
		f.Stop()
		return nil, err
	}
	return f, nil
}

// Exited delivers any child that exits before Stop.
func (f *Federation) Exited() <-chan *supervise.Process { return f.exited }

func (f *Federation) up(ctx context.Context) error {
	o := f.opts
	if err := os.MkdirAll(o.VarDir, 0o755); err != nil {
		return err
	}
	f.BaseURL = o.DatabaseURL
	if f.BaseURL == "" {
		f.logf("starting PostgreSQL in %s", filepath.Join(o.VarDir, "pg"))
		c, err := pgcluster.Start(ctx, f.primaryConfig(0))
		if err != nil {
			return fmt.Errorf("start PostgreSQL: %w", err)
		}
		f.cluster = c
		f.BaseURL = c.URL("postgres")
		f.keepPG(PrimaryPG, c, func(ctx context.Context) error {
			_, err := pgcluster.Start(ctx, f.primaryConfig(c.Port()))
			return err
		})
	}
	hub, err := EnsureDatabase(ctx, f.BaseURL, "portalhub")
	if err != nil {
		return err
	}
	f.HubDatabaseURL = hub
	if err := hubschema.Migrate(ctx, hub); err != nil {
		return err
	}
	if o.Cluster {
		if err := f.startReplica(ctx); err != nil {
			return err
		}
	}

	f.NATSURL, f.NATSKeys = o.NATSURL, o.NATSKeys
	if f.NATSURL == "" {
		f.NATSKeys = filepath.Join(o.VarDir, "nats", "keys")
	}
	// Each sub-portal is a NATS user of its own (natsauth.Tenant), its seed
	// made here as hubctl credentials issue --nats-keys makes it, before
	// natsd reads the keys folder.
	if f.NATSKeys != "" {
		for _, t := range o.Tenants {
			if _, err := natsauth.EnsureTenantSeed(f.NATSKeys, t.ID); err != nil {
				return err
			}
		}
	}
	if f.NATSURL == "" && o.Cluster {
		if err := f.startNATSCluster(ctx); err != nil {
			return err
		}
	} else if f.NATSURL == "" {
		// natsd reuses its previous port when free; the monitoring port is
		// given by NATSD_HTTP so that a restart can be told it again.
		p, err := f.start(ctx, supervise.Spec{Name: "natsd", Path: f.bin("natsd"),
			Args: []string{"-store", filepath.Join(o.VarDir, "nats"), "-keys", f.NATSKeys}, Env: []string{"NATSD_HTTP=127.0.0.1:0"}},
			map[string]string{"http": "NATSD_HTTP"})
		if err != nil {
			return err
		}
		f.NATSURL = p.Addrs["nats"]
		f.NATSMonitor = "http://" + p.Addrs["http"]
	} else if f.NATSKeys == "" {
		return errors.New("a NATS server given by URL needs the folder of its users' NKey seeds (aggregator.nk, gateway.nk, ops.nk)")
	}
	// The ops user provisions the content and inbox streams, as an operator
	// does.
	if err := f.provisionStreams(ctx); err != nil {
		return err
	}

	creds, err := registerTenants(ctx, hub, o.Tenants, filepath.Join(o.VarDir, "credentials"))
	if err != nil {
		return err
	}
	if o.SeedDemo || anyDemo(o.Tenants) {
		if f.DemoPassword, err = demoPassword(filepath.Join(o.VarDir, "credentials", "demo-password")); err != nil {
			return err
		}
		if err := demoOpsAccounts(ctx, hub, f.DemoPassword); err != nil {
			return err
		}
	}

	if o.Mailpit != "" {
		if err := f.startMailpit(ctx); err != nil {
			return err
		}
	}
	f.CAFile = filepath.Join(o.VarDir, "tls", "ca.pem")
	// The public port is fixed before the hub starts: the hub's e-mail links
	// name it.
	if f.opts.GatewayAddr, err = fixedPort(o.GatewayAddr); err != nil {
		return err
	}
	o.GatewayAddr = f.opts.GatewayAddr
	if err := f.feedbackSecrets(filepath.Join(o.VarDir, "credentials"), o.GatewayAddr); err != nil {
		return err
	}
	if o.Cluster {
		if err := f.startClusterServices(ctx); err != nil {
			return err
		}
	} else {
		if err := f.StartAggregator(ctx, orDefault(o.HubAddr, "127.0.0.1:0")); err != nil {
			return err
		}
		gw, err := f.startGateway(ctx, "gateway", orDefault(o.GatewayAddr, "127.0.0.1:0"), hub, nil)
		if err != nil {
			return err
		}
		f.Gateway = "http://" + localhost(gw.Addrs["http"])
		f.GatewayOps = "http://" + gw.Addrs["ops"]
	}

	for _, t := range o.Tenants {
		server := f.BaseURL
		if t.DatabaseServer != "" {
			server = t.DatabaseServer
		}
		db, err := EnsureDatabase(ctx, server, "portalhub_"+strings.ReplaceAll(t.ID, "-", "_"))
		if err != nil {
			return err
		}
		sp := &SubPortal{Tenant: t, HubToken: creds[t.ID].hubToken, DatabaseURL: db}
		sp.env = []string{
			"SUBPORTAL_TENANT=" + t.ID, "SUBPORTAL_NAME=" + t.NameVI, "DATABASE_URL=" + db,
			"SUBPORTAL_HUB_ADDR=" + f.HubAddr, "SUBPORTAL_HUB_CA=" + f.CAFile,
			"SUBPORTAL_HUB_TOKEN_FILE=" + creds[t.ID].tokenFile,
			"NATS_URL=" + f.NATSURL, "NATS_NKEY_FILE=" + natsauth.SeedFile(f.NATSKeys, natsauth.Tenant(t.ID)), "NATS_CA_FILE=" + f.NATSCAFile,
			fmt.Sprintf("SUBPORTAL_ADDR=127.0.0.1:%d", t.Port), "SUBPORTAL_OPS_ADDR=127.0.0.1:0",
		}
		if o.SeedDemo || t.Demo {
			env := append(append([]string{}, o.Env...), sp.env...)
			for _, args := range [][]string{{"seed", "--demo", t.ID}, {"users", "demo"}} {
				spec := supervise.Spec{Name: args[0] + " " + t.ID, Path: f.bin("subportal"), Args: args,
					Env: append(env, "SUBPORTAL_DEMO_PASSWORD="+f.DemoPassword), Output: o.Output}
				if err := supervise.Run(ctx, spec); err != nil {
					return err
				}
			}
		}
		if sp.APIToken, err = f.apiToken(ctx, sp); err != nil {
			return err
		}
		if err := f.startSubPortal(ctx, sp); err != nil {
			return err
		}
		f.SubPortals[t.ID] = sp
	}
	return nil
}

// StartSubPortal starts tenant's sub-portal again after its process was
// stopped (tests: a sub-portal down for a while, then back).
func (f *Federation) StartSubPortal(ctx context.Context, tenant string) error {
	sp, ok := f.SubPortals[tenant]
	if !ok {
		return fmt.Errorf("no sub-portal %s", tenant)
	}
	return f.startSubPortal(ctx, sp)
}

// startSubPortal starts sp's `subportal serve`; a restart rebinds its
// public and ops addresses.
func (f *Federation) startSubPortal(ctx context.Context, sp *SubPortal) error {
	p, err := f.start(ctx, supervise.Spec{Name: "subportal " + sp.Tenant.ID, Path: f.bin("subportal"), Args: []string{"serve"}, Env: sp.env},
		map[string]string{"http": "SUBPORTAL_ADDR", "ops": "SUBPORTAL_OPS_ADDR"})
	if err != nil {
		return err
	}
	sp.Process, sp.URL, sp.OpsURL = p, "http://"+p.Addrs["http"], "http://"+p.Addrs["ops"]
	return nil
}

// APIAccount is the back-office account (approver role) whose personal API
// token the harness gives tests, benchmarks and make run's curl examples.
const APIAccount = "tich-hop-api"

// apiToken makes sure the sub-portal has the account APIAccount and issues
// it a personal API token (a new one at each start), kept in
// credentials/<tenant>.api-token (mode 0600), as an operator would with
// subportal users create and subportal api-tokens issue.
func (f *Federation) apiToken(ctx context.Context, sp *SubPortal) (string, error) {
	dir := filepath.Join(f.opts.VarDir, "credentials")
	pwFile := filepath.Join(dir, sp.Tenant.ID+".api-password")
	if _, err := os.Stat(pwFile); errors.Is(err, os.ErrNotExist) {
		raw := make([]byte, 18)
		if _, err := rand.Read(raw); err != nil {
			return "", err
		}
		if err := writeSecret(pwFile, base64.RawURLEncoding.EncodeToString(raw)); err != nil {
			return "", err
		}
	}
	tokenFile := filepath.Join(dir, sp.Tenant.ID+".api-token")
	env := append(append([]string{}, f.opts.Env...), sp.env...)
	for _, args := range [][]string{
		{"users", "create", "--if-missing", "--username", APIAccount, "--name", "Hệ thống tích hợp (API)", "--roles", "approver", "--password-file", pwFile},
		{"api-tokens", "issue", "--username", APIAccount, "--name", "federation harness", "--days", "366", "--out", tokenFile},
	} {
		spec := supervise.Spec{Name: args[0] + " " + sp.Tenant.ID, Path: f.bin("subportal"), Args: args, Env: env, Output: f.opts.Output}
		if err := supervise.Run(ctx, spec); err != nil {
			return "", err
		}
	}
	b, err := os.ReadFile(tokenFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// StartAggregator starts the aggregator listening on addr (port 0 picks
// one). Tests use it to restart the aggregator on the address it had.
func (f *Federation) StartAggregator(ctx context.Context, addr string) error {
	p, err := f.startAggregator(ctx, "aggregator", addr, f.opts.HubOpsAddr, f.opts.HubAdminAddr, f.opts.ConsoleAddr)
	if err != nil {
		return err
	}
	f.Aggregator = p
	f.HubAddr = p.Addrs["grpc"]
	f.HubOpsAddr = p.Addrs["http"]
	f.HubAdminAddr = p.Addrs["ops"]
	f.Console = "http://" + p.Addrs["console"]
	return nil
}

// startAggregator starts an aggregator named name, its gRPC IngestService
// on addr, its health and metrics, OpsService and console on the others
// (empty: any port).
func (f *Federation) startAggregator(ctx context.Context, name, addr, opsAddr, adminAddr, consoleAddr string) (*supervise.Process, error) {
	return f.start(ctx, supervise.Spec{Name: name, Path: f.bin("aggregator"), Env: append([]string{
		"DATABASE_URL=" + f.HubDatabaseURL,
		"AGGREGATOR_TLS_DIR=" + filepath.Join(f.opts.VarDir, "tls"),
		"AGGREGATOR_GRPC_ADDR=" + addr, "AGGREGATOR_HTTP_ADDR=" + orDefault(opsAddr, "127.0.0.1:0"),
		"AGGREGATOR_OPS_ADDR=" + orDefault(adminAddr, "127.0.0.1:0"),
		"AGGREGATOR_CONSOLE_ADDR=" + orDefault(consoleAddr, "127.0.0.1:0"),
	}, append(append(f.natsEnv(natsauth.Aggregator), f.mailEnv...), f.feedbackEnv...)...)},
		map[string]string{"grpc": "AGGREGATOR_GRPC_ADDR", "http": "AGGREGATOR_HTTP_ADDR", "ops": "AGGREGATOR_OPS_ADDR",
			"console": "AGGREGATOR_CONSOLE_ADDR"})
}

// StartGateway starts another gateway named name, on a free port, reading
// the hub's database as the federation's gateway does, with env added
// (e.g. GOMAXPROCS=1: the bench compares gateways of one and two threads
// against nginx with one and two workers). It returns its base URL and its
// ops listener's; Stop stops it with the rest.
func (f *Federation) StartGateway(ctx context.Context, name string, env []string) (url, ops string, err error) {
	p, err := f.startGateway(ctx, name, "127.0.0.1:0", f.HubDatabaseURL, env)
	if err != nil {
		return "", "", err
	}
	return "http://" + localhost(p.Addrs["http"]), "http://" + p.Addrs["ops"], nil
}

// startGateway starts a gateway named name on addr, its ops listener on a
// free port (Addrs["ops"]), reading the hub's database hubURL as
// portalhub_gateway, with env added.
func (f *Federation) startGateway(ctx context.Context, name, addr, hubURL string, env []string) (*supervise.Process, error) {
	return f.start(ctx, supervise.Spec{Name: name, Path: f.bin("gateway"), Env: append(append([]string{
		"DATABASE_URL=" + WithUser(hubURL, "portalhub_gateway"), "GATEWAY_ADDR=" + addr,
		"GATEWAY_OPS_ADDR=127.0.0.1:0", // /readyz, /metrics: never on the public port
		"GATEWAY_HUB_ADDR=" + f.HubAddr, "GATEWAY_HUB_CA=" + f.CAFile,
	}, append(f.natsEnv(natsauth.Gateway), f.gatewayHubEnv...)...), env...)},
		map[string]string{"http": "GATEWAY_ADDR", "ops": "GATEWAY_OPS_ADDR"})
}

// provisionStreams creates the content and inbox streams as the ops user
// does (hubctl nats stream), with three replicas on a cluster, whose
// JetStream may take a few seconds to elect its leader.
func (f *Federation) provisionStreams(ctx context.Context) error {
	env := append(append([]string{}, f.opts.Env...), f.natsEnv(natsauth.Ops)...)
	if f.opts.Cluster {
		env = append(env, fmt.Sprintf("JETSTREAM_REPLICAS=%d", natsNodes))
	}
	spec := supervise.Spec{Name: "hubctl nats stream", Path: f.bin("hubctl"), Args: []string{"nats", "stream"}, Env: env, Output: f.opts.Output}
	deadline := time.Now().Add(time.Minute)
	for {
		err := supervise.Run(ctx, spec)
		if err == nil || !f.opts.Cluster || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		f.logf("streams not created yet (%v); retrying while the NATS cluster elects its leader", err)
		time.Sleep(time.Second)
	}
}

// natsEnv is the environment that connects a process to NATS as the user
// of role r: the server and the path of the user's seed (never the seed).
func (f *Federation) natsEnv(r natsauth.Role) []string {
	return []string{"NATS_URL=" + f.NATSURL, "NATS_NKEY_FILE=" + natsauth.SeedFile(f.NATSKeys, r), "NATS_CA_FILE=" + f.NATSCAFile}
}

// stopper is a child process, kept or not.
type stopper interface{ Stop(time.Duration) error }

// start runs a long-lived child and reports its exit on Exited; with
// Options.Restart, it keeps it running instead, started again where
// rebind's environment variables say it listened (see supervise.Restart).
func (f *Federation) start(ctx context.Context, spec supervise.Spec, rebind map[string]string) (*supervise.Process, error) {
	spec.Output = f.opts.Output
	spec.Env = append(append([]string{}, f.opts.Env...), spec.Env...)
	dir := filepath.Join(f.opts.VarDir, "run")
	if f.opts.Restart {
		r := supervise.DefaultRestart
		r.Rebind, r.Logf = rebind, f.logf
		k, err := supervise.Keep(ctx, dir, spec, r)
		if err != nil {
			return nil, err
		}
		if err := f.add(k); err != nil {
			return nil, err
		}
		f.mu.Lock()
		if f.kept == nil {
			f.kept = map[string]*supervise.Kept{}
		}
		f.kept[spec.Name] = k
		f.mu.Unlock()
		return k.Process(), nil
	}
	p, err := supervise.Start(ctx, dir, spec)
	if err != nil {
		return nil, err
	}
	if err := f.add(p); err != nil {
		return nil, err
	}
	go func() {
		<-p.Done()
		select {
		case f.exited <- p:
		default:
		}
	}()
	return p, nil
}

// add records a started child for Stop; one started while Stop ran
// (Mailpit, Options.MailpitLater) is stopped at once.
func (f *Federation) add(p stopper) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		p.Stop(15 * time.Second)
		return errors.New("the federation is stopping")
	}
	f.procs = append(f.procs, p)
	return nil
}

// Kept is the child named name ("gateway", "aggregator", "subportal
// so-du-lich", ...) that Options.Restart keeps running; nil without it.
func (f *Federation) Kept(name string) *supervise.Kept {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.kept[name]
}

// primaryConfig is the private PostgreSQL's, on port (0: any).
func (f *Federation) primaryConfig(port int) pgcluster.Config {
	o := f.opts
	// The clustered topology's fault tests kill the server: what it
	// acknowledged must survive that.
	return pgcluster.Config{Dir: filepath.Join(o.VarDir, "pg"), Port: port, Ephemeral: o.Ephemeral, SyncCommit: o.Cluster, Archive: o.WALArchive}
}

// keepPG keeps the private PostgreSQL server c running under name, with
// Options.Restart (see PGKept).
func (f *Federation) keepPG(name string, c *pgcluster.Cluster, start func(context.Context) error) {
	if !f.opts.Restart {
		return
	}
	r := supervise.DefaultRestart
	r.Logf = f.logf
	if f.pgKept == nil {
		f.pgKept = map[string]*PGKept{}
	}
	f.pgKept[name] = keepPG(name, c, start, r)
}

// The names of the private PostgreSQL servers (PG).
const (
	PrimaryPG = "postgresql primary"
	ReplicaPG = "postgresql replica"
)

// PG is the private PostgreSQL server name (PrimaryPG, ReplicaPG) that
// Options.Restart keeps running; nil without it.
func (f *Federation) PG(name string) *PGKept { return f.pgKept[name] }

// Stop stops the children in reverse order, then the private PostgreSQL.
func (f *Federation) Stop() {
	for _, k := range f.pgKept {
		k.stop()
	}
	f.pgKept = nil
	f.mu.Lock()
	procs := f.procs
	f.procs, f.stopped = nil, true
	f.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		if err := procs[i].Stop(15 * time.Second); err != nil {
			f.logf("stop: %v", err)
		}
	}
	f.stopCluster()
	if f.cluster != nil {
		if err := f.cluster.Stop(); err != nil {
			f.logf("stop PostgreSQL: %v", err)
		}
		f.cluster = nil
	}
}

func (f *Federation) bin(name string) string { return filepath.Join(f.opts.BinDir, name) }

func (f *Federation) logf(format string, args ...any) {
	if f.opts.Output != nil {
		fmt.Fprintf(f.opts.Output, "%-22s %s\n", "federation", fmt.Sprintf(format, args...))
	}
}

// EnsureDatabase creates the database if it is missing and returns its URL.
func EnsureDatabase(ctx context.Context, base, name string) (string, error) {
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// WithUser returns the URL with another user name and no password.
func WithUser(base, user string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.User = url.User(user)
	return u.String()
}

// anyDemo tells whether a tenant is to be seeded with its demo content.
func anyDemo(tenants []Tenant) bool {
	for _, t := range tenants {
		if t.Demo {
			return true
		}
	}
	return false
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// fixedPort turns an address without a port, or with port 0, into a local
// address with a port free at the moment; other addresses are kept as given.
func fixedPort(addr string) (string, error) {
	if addr == "" {
		return freeAddr()
	}
	if _, port, err := net.SplitHostPort(addr); err == nil && port == "0" {
		return freeAddr()
	}
	return addr, nil
}

// localhost makes a wildcard listen address into one a browser can open.
func localhost(addr string) string {
	for _, wild := range []string{"[::]", "0.0.0.0"} {
		if strings.HasPrefix(addr, wild+":") {
			return "localhost" + strings.TrimPrefix(addr, wild)
		}
	}
	if strings.HasPrefix(addr, ":") {
		return "localhost" + addr
	}
	return addr
}

// RunSubPortalCommand runs a one-off `subportal` subcommand (seed, users,
// publish) against a tenant's sub-portal database, with env added.
func (f *Federation) RunSubPortalCommand(ctx context.Context, tenant string, env []string, args ...string) error {
	sp, ok := f.SubPortals[tenant]
	if !ok {
		return fmt.Errorf("no sub-portal %q", tenant)
	}
	spec := supervise.Spec{Name: strings.Join(append([]string{"subportal"}, args...), " "), Path: f.bin("subportal"), Args: args,
		Env: append(append(append([]string{}, f.opts.Env...), sp.env...), env...), Output: f.opts.Output}
	return supervise.Run(ctx, spec)
}
