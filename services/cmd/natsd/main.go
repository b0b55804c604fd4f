// Command natsd runs portalhub's NATS server, with JetStream, as a process of
// its own for `make run`: the bus outlives the aggregator and the portals
// that use it. Only the hub's users connect (package natsauth: aggregator,
// gateway and ops, each with its permissions; no anonymous user): natsd
// creates their NKey seeds in its keys folder on first start (mode 0600)
// and hands each service the path of its own. Each tenant whose key is in
// the folder (tenant-<id>.nk or .pub: hubctl credentials issue --nats-keys)
// is a user too, confined to its own inbox; on SIGHUP natsd reads the
// folder again and reloads its users without dropping anyone allowed.
//
// Its configuration comes from flags, each defaulting to an environment
// variable:
//
//	-addr      NATSD_ADDR       client address (default 127.0.0.1:0). Port 0
//	                            reuses the previous run's port when it is free,
//	                            so that clients reconnect, else picks one.
//	-store     NATSD_STORE      JetStream's storage folder (default ./var/nats)
//	-addr-file NATSD_ADDR_FILE  file to write the client URL to once the
//	                            server is ready (default none)
//	-keys      NATSD_KEYS       folder of the users' NKey seeds, <role>.nk
//	                            (default <store>/keys)
//	-http      NATSD_HTTP       monitoring address serving /healthz, /varz, ...
//	                            on loopback only (default none)
//	-name      NATSD_NAME       the server's name, unique in its cluster
//	                            (required with -cluster)
//	-cluster   NATSD_CLUSTER    address of the route listener: set, the node is
//	                            one of a JetStream cluster named portalhub,
//	                            fsyncing every write (sync_interval always),
//	                            as deploy/nats/cluster.conf configures one
//	-routes    NATSD_ROUTES     the cluster's route URLs, comma-separated
//	                            (nats-route://host:port, every node's, its own
//	                            included)
//	-tls-cert  NATSD_TLS_CERT   the node's certificate (PEM chain) and key:
//	-tls-key   NATSD_TLS_KEY    set, clients must connect over TLS (they trust
//	                            the CA with NATS_CA_FILE)
//	-route-ca  NATSD_ROUTE_CA   with -cluster and -tls-cert: routes run over
//	                            TLS, each node presenting its certificate and
//	                            accepting only peers whose certificate this
//	                            CA signed (deploy/nats/cluster.conf's
//	                            cluster.tls with verify: true)
//
// Like every portalhub process started by supervise, it also reports its
// addresses in the ready file PORTALHUB_READY_FILE names, under "nats" (the
// client URL) and "http" (the monitoring host:port, when enabled). Logging
// follows PORTALHUB_LOG and PORTALHUB_LOG_LEVEL (see lifecycle.Logger).
//
// It stops on SIGINT or SIGTERM, letting clients finish, and reloads its
// users on SIGHUP.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsserver"
)

// config is natsd's configuration.
type config struct {
	Addr     string // client address, host:port
	Store    string // JetStream's storage folder
	Keys     string // the users' NKey seeds; empty for <Store>/keys
	AddrFile string // where to write the client URL once ready; empty for nowhere
	HTTP     string // monitoring address, host:port; empty for none
	Name     string // server name, unique in the cluster
	Cluster  string // route listener, host:port; empty for a single server
	Routes   string // the cluster's route URLs, comma-separated
	TLSCert  string // the node's certificate for clients and routes; empty for no TLS
	TLSKey   string // its key
	RouteCA  string // the CA the routes' peers must be signed by; empty for plain routes

	ReadyFile string // lifecycle's ready file; empty for none
}

func main() {
	log := lifecycle.Logger("natsd")
	cfg, err := parseConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	log.Info().Str("addr", cfg.Addr).Str("store", cfg.Store).Str("keys", cfg.keyDir()).Str("addr_file", cfg.AddrFile).
		Str("http", cfg.HTTP).Str("name", cfg.Name).Str("cluster", cfg.Cluster).Str("routes", cfg.Routes).
		Str("tls_cert", cfg.TLSCert).Str("route_ca", cfg.RouteCA).Str("ready_file", cfg.ReadyFile).Msg("config")

	ctx, stop := lifecycle.SignalContext()
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error().Err(err).Msg("natsd failed")
		os.Exit(1)
	}
}

func parseConfig(args []string) (config, error) {
	env := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	cfg := config{ReadyFile: os.Getenv("PORTALHUB_READY_FILE")}
	fs := flag.NewFlagSet("natsd", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: natsd [flags]\n\n"+
			"natsd runs portalhub's NATS server with JetStream until SIGINT or SIGTERM.\n"+
			"Each flag defaults to the environment variable it names.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Addr, "addr", env("NATSD_ADDR", "127.0.0.1:0"), "client `host:port` (env NATSD_ADDR); port 0 reuses the previous run's port when free, else picks one")
	fs.StringVar(&cfg.Store, "store", env("NATSD_STORE", "./var/nats"), "JetStream storage `folder` (env NATSD_STORE)")
	fs.StringVar(&cfg.Keys, "keys", env("NATSD_KEYS", ""), "`folder` of the users' NKey seeds, created on first start (env NATSD_KEYS; default <store>/keys)")
	fs.StringVar(&cfg.AddrFile, "addr-file", env("NATSD_ADDR_FILE", ""), "`file` to write the client URL to once ready (env NATSD_ADDR_FILE)")
	fs.StringVar(&cfg.HTTP, "http", env("NATSD_HTTP", ""), "monitoring `host:port` serving /healthz, on loopback only, empty for none; port 0 picks one (env NATSD_HTTP)")
	fs.StringVar(&cfg.Name, "name", env("NATSD_NAME", ""), "server `name`, unique in the cluster (env NATSD_NAME; required with -cluster)")
	fs.StringVar(&cfg.Cluster, "cluster", env("NATSD_CLUSTER", ""), "route listener `host:port`: a node of the JetStream cluster portalhub, fsyncing every write (env NATSD_CLUSTER)")
	fs.StringVar(&cfg.Routes, "routes", env("NATSD_ROUTES", ""), "the cluster's route `URLs`, comma-separated, nats-route://host:port (env NATSD_ROUTES)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", env("NATSD_TLS_CERT", ""), "the node's certificate `file` (PEM chain): clients must connect over TLS (env NATSD_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", env("NATSD_TLS_KEY", ""), "the key `file` of -tls-cert (env NATSD_TLS_KEY)")
	fs.StringVar(&cfg.RouteCA, "route-ca", env("NATSD_ROUTE_CA", ""), "CA `file` of the cluster's nodes: routes over TLS, peers verified (env NATSD_ROUTE_CA; needs -tls-cert)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") || cfg.RouteCA != "" && cfg.TLSCert == "" {
		err := errors.New("-tls-cert and -tls-key go together, and -route-ca needs them (the node's certificate is its route certificate)")
		fmt.Fprintln(fs.Output(), err)
		return cfg, err
	}
	if cfg.Cluster != "" && cfg.Name == "" {
		err := errors.New("-cluster needs -name (each node of a cluster has a name of its own)")
		fmt.Fprintln(fs.Output(), err)
		return cfg, err
	}
	return cfg, nil
}

// ClusterName is the name of the NATS cluster natsd's nodes form.
const ClusterName = "portalhub"

// clustered makes opts a node of the JetStream cluster cfg describes: routes
// to the other nodes and every JetStream write fsynced before it is
// acknowledged (sync_interval: always), so that an acknowledged event is on
// the disk of a quorum.
func clustered(opts *server.Options, cfg config) error {
	host, port, err := splitAddr(cfg.Cluster)
	if err != nil {
		return fmt.Errorf("-cluster: %w", err)
	}
	if port == 0 {
		return errors.New("-cluster: give the route listener a fixed port: the other nodes' routes name it")
	}
	opts.ServerName = cfg.Name
	opts.Cluster.Name = ClusterName
	opts.Cluster.Host, opts.Cluster.Port = host, port
	if cfg.Routes != "" {
		opts.Routes = server.RoutesFromStr(cfg.Routes)
		if len(opts.Routes) == 0 {
			return fmt.Errorf("-routes %q: no route URL", cfg.Routes)
		}
	}
	opts.SyncAlways = true
	if cfg.RouteCA != "" {
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: cfg.TLSCert, KeyFile: cfg.TLSKey, CaFile: cfg.RouteCA, Verify: true})
		if err != nil {
			return fmt.Errorf("route TLS: %w", err)
		}
		// A node dials its peers too: it verifies their certificates
		// against the same CA (as nats-server does for cluster.tls).
		tc.RootCAs = tc.ClientCAs
		opts.Cluster.TLSConfig, opts.Cluster.TLSTimeout = tc, tlsTimeout
	}
	return nil
}

// tlsTimeout bounds a TLS handshake, a client's or a route's.
const tlsTimeout = 2 // seconds

// secured makes opts require TLS of every client, with the node's
// certificate.
func secured(opts *server.Options, cfg config) error {
	tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: cfg.TLSCert, KeyFile: cfg.TLSKey})
	if err != nil {
		return fmt.Errorf("client TLS: %w", err)
	}
	opts.TLS, opts.TLSConfig, opts.TLSTimeout = true, tc, tlsTimeout
	return nil
}

// run serves NATS until ctx is done or the server stops by itself.
func run(ctx context.Context, cfg config, log zerolog.Logger) error {
	host, port, err := splitAddr(cfg.Addr)
	if err != nil {
		return fmt.Errorf("-addr: %w", err)
	}
	if err := os.MkdirAll(cfg.Store, 0o755); err != nil {
		return err
	}
	if cfg.AddrFile != "" {
		// Whoever waits for the file must not read a previous run's.
		if err := os.Remove(cfg.AddrFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		defer os.Remove(cfg.AddrFile)
	}
	portFile := filepath.Join(cfg.Store, "port")
	if port == 0 {
		port = previousPort(portFile)
	}

	// SIGHUP reloads the users (from here on: it must not kill natsd).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	users, err := natsserver.Users(cfg.keyDir())
	if err != nil {
		return err
	}
	opts := natsserver.Options(cfg.Store, port, users)
	opts.Host = host
	if cfg.Name != "" {
		opts.ServerName = cfg.Name
	}
	if cfg.Cluster != "" {
		if err := clustered(opts, cfg); err != nil {
			return err
		}
	}
	if cfg.TLSCert != "" {
		if err := secured(opts, cfg); err != nil {
			return err
		}
	}
	if cfg.HTTP != "" {
		if opts.HTTPHost, opts.HTTPPort, err = splitAddr(cfg.HTTP); err != nil {
			return fmt.Errorf("-http: %w", err)
		}
		// The monitoring endpoints answer anyone who reaches them, with the
		// connections, subscriptions and accounts of the server.
		if ip := net.ParseIP(opts.HTTPHost); opts.HTTPHost != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("-http %s: monitoring listens on loopback only (127.0.0.1, ::1 or localhost)", cfg.HTTP)
		}
		if opts.HTTPPort == 0 {
			opts.HTTPPort = server.RANDOM_PORT // 0 would turn monitoring off
		}
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return err
	}
	s.SetLoggerV2(natsLogger{log.With().Str("component", "nats-server").Logger()}, false, false, false)
	s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return errors.New("NATS server not ready after 30s")
	}
	stopped := make(chan struct{})
	go func() {
		s.WaitForShutdown()
		close(stopped)
	}()

	actual := s.Addr().(*net.TCPAddr).Port
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // listening everywhere, reachable here
	}
	url := "nats://" + net.JoinHostPort(host, strconv.Itoa(actual))
	if err := writeFile(portFile, strconv.Itoa(actual)+"\n"); err != nil {
		s.Shutdown()
		return err
	}
	if cfg.AddrFile != "" {
		if err := writeFile(cfg.AddrFile, url+"\n"); err != nil {
			s.Shutdown()
			return err
		}
	}
	addrs := map[string]string{"nats": url}
	ready := log.Info().Str("url", url)
	if m := s.MonitorAddr(); m != nil {
		addrs["http"] = m.String()
		ready = ready.Str("monitor", "http://"+m.String())
	}
	if err := lifecycle.WriteReadyFile(cfg.ReadyFile, addrs); err != nil {
		s.Shutdown()
		return err
	}
	ready.Msg("ready")

	for {
		select {
		case <-ctx.Done():
			log.Info().Msg("shutting down")
			s.Shutdown()
			<-stopped
			return nil
		case <-stopped:
			return errors.New("NATS server stopped")
		case <-hup:
			if n, err := reloadUsers(s, opts, cfg.keyDir()); err != nil {
				log.Error().Err(err).Msg("users not reloaded; the previous ones stay")
			} else {
				log.Info().Int("users", n).Msg("users reloaded")
			}
		}
	}
}

// reloadUsers reads the users' keys in keyDir again and gives the server
// running with opts the new set.
func reloadUsers(s *server.Server, opts *server.Options, keyDir string) (int, error) {
	users, err := natsserver.Users(keyDir)
	if err != nil {
		return 0, err
	}
	next := opts.Clone()
	next.Nkeys = users
	if err := s.ReloadOptions(next); err != nil {
		return 0, err
	}
	return len(users), nil
}

// keyDir is the folder of the users' NKey seeds.
func (c config) keyDir() string {
	if c.Keys != "" {
		return c.Keys
	}
	return filepath.Join(c.Store, "keys")
}

// splitAddr splits host:port, port being a number.
func splitAddr(addr string) (host string, port int, err error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %q is not a number from 0 to 65535", p)
	}
	return host, port, nil
}

// previousPort returns the port recorded in portFile when nothing listens
// on it, else RANDOM_PORT.
func previousPort(portFile string) int {
	b, err := os.ReadFile(portFile)
	if err != nil {
		return server.RANDOM_PORT
	}
	port, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || port <= 0 {
		return server.RANDOM_PORT
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return server.RANDOM_PORT
	}
	l.Close()
	return port
}

// writeFile replaces the file at path with content at once, so that a reader
// never sees it half written.
func writeFile(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// natsLogger logs the NATS server's messages through zerolog.
type natsLogger struct{ log zerolog.Logger }

func (l natsLogger) Noticef(format string, v ...any) { l.log.Info().Msgf(format, v...) }
func (l natsLogger) Warnf(format string, v ...any)   { l.log.Warn().Msgf(format, v...) }
func (l natsLogger) Errorf(format string, v ...any)  { l.log.Error().Msgf(format, v...) }
func (l natsLogger) Debugf(format string, v ...any)  { l.log.Debug().Msgf(format, v...) }
func (l natsLogger) Tracef(format string, v ...any)  { l.log.Trace().Msgf(format, v...) }

// Fatalf logs and exits, as the NATS server expects of its logger.
func (l natsLogger) Fatalf(format string, v ...any) { l.log.Fatal().Msgf(format, v...) }
