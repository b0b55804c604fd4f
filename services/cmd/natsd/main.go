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
//	-config    NATSD_CONFIG     a nats-server configuration file instead of
//	                            -addr, -store, -keys and -http: the file says
//	                            where the node listens, stores, routes and
//	                            which users it takes, its $VARIABLES read from
//	                            the environment, as nats-server -c reads it
//	                            (server.ProcessConfigFile). make cluster runs
//	                            each node of its JetStream cluster on
//	                            deploy/nats/cluster.conf this way, -name
//	                            naming the node as nats-server's -n does.
//	                            Its monitoring must listen on loopback only.
//
// Like every portalhub process started by supervise, it also reports its
// addresses in the ready file PORTALHUB_READY_FILE names, under "nats" (the
// client URL) and "http" (the monitoring host:port, when enabled). Logging
// follows PORTALHUB_LOG and PORTALHUB_LOG_LEVEL (see lifecycle.Logger).
//
// It stops on SIGINT or SIGTERM, letting clients finish, and reloads its
// users on SIGHUP: from the keys folder, or with -config the whole file
// again (as nats-server --signal reload), so that a users.conf rewritten
// by hubctl nats config takes effect.
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
	Config   string // a nats-server configuration file in place of Addr, Store, Keys and HTTP; empty for none

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
	if cfg.Config != "" {
		log.Info().Str("config", cfg.Config).Str("name", cfg.Name).Str("addr_file", cfg.AddrFile).Str("ready_file", cfg.ReadyFile).Msg("config")
	} else {
		log.Info().Str("addr", cfg.Addr).Str("store", cfg.Store).Str("keys", cfg.keyDir()).Str("addr_file", cfg.AddrFile).
			Str("http", cfg.HTTP).Str("name", cfg.Name).Str("ready_file", cfg.ReadyFile).Msg("config")
	}

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
	fs.StringVar(&cfg.Name, "name", env("NATSD_NAME", ""), "server `name`, unique in the cluster (env NATSD_NAME)")
	fs.StringVar(&cfg.Config, "config", env("NATSD_CONFIG", ""), "nats-server configuration `file` (deploy/nats/cluster.conf), its $VARIABLES from the environment, in place of -addr, -store, -keys and -http (env NATSD_CONFIG)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.Config != "" {
		var both []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "addr", "store", "keys", "http":
				both = append(both, "-"+f.Name)
			}
		})
		if len(both) > 0 {
			err := fmt.Errorf("-config and %s: the configuration file says where the server listens, stores and which users it takes", strings.Join(both, ", "))
			fmt.Fprintln(fs.Output(), err)
			return cfg, err
		}
	}
	return cfg, nil
}

// fileOptions reads the nats-server configuration file cfg.Config, its
// $VARIABLES from the environment, as nats-server -c does; cfg.Name names
// the server as nats-server's -n does. natsd handles the signals, and the
// monitoring must listen on loopback only.
func fileOptions(cfg config) (*server.Options, error) {
	opts, err := server.ProcessConfigFile(cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("-config %s: %w", cfg.Config, err)
	}
	if cfg.Name != "" {
		opts.ServerName = cfg.Name
	}
	opts.NoSigs = true
	if opts.HTTPPort != 0 || opts.HTTPSPort != 0 {
		host := opts.HTTPHost
		if host == "" {
			host = opts.Host // nats-server's default for the monitoring host
		}
		if !loopback(host) {
			return nil, fmt.Errorf("-config %s: monitoring on %q: it listens on loopback only (127.0.0.1, ::1 or localhost)", cfg.Config, host)
		}
	}
	return opts, nil
}

// flagOptions is the single server -addr, -store, -keys and -http
// configure, and the file recording its port.
func flagOptions(cfg config) (opts *server.Options, portFile string, err error) {
	host, port, err := splitAddr(cfg.Addr)
	if err != nil {
		return nil, "", fmt.Errorf("-addr: %w", err)
	}
	if err := os.MkdirAll(cfg.Store, 0o755); err != nil {
		return nil, "", err
	}
	portFile = filepath.Join(cfg.Store, "port")
	if port == 0 {
		port = previousPort(portFile)
	}
	users, err := natsserver.Users(cfg.keyDir())
	if err != nil {
		return nil, "", err
	}
	opts = natsserver.Options(cfg.Store, port, users)
	opts.Host = host
	if cfg.Name != "" {
		opts.ServerName = cfg.Name
	}
	if cfg.HTTP != "" {
		if opts.HTTPHost, opts.HTTPPort, err = splitAddr(cfg.HTTP); err != nil {
			return nil, "", fmt.Errorf("-http: %w", err)
		}
		// The monitoring endpoints answer anyone who reaches them, with the
		// connections, subscriptions and accounts of the server.
		if !loopback(opts.HTTPHost) {
			return nil, "", fmt.Errorf("-http %s: monitoring listens on loopback only (127.0.0.1, ::1 or localhost)", cfg.HTTP)
		}
		if opts.HTTPPort == 0 {
			opts.HTTPPort = server.RANDOM_PORT // 0 would turn monitoring off
		}
	}
	return opts, portFile, nil
}

// loopback tells whether host is a loopback address or localhost.
func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// run serves NATS until ctx is done or the server stops by itself.
func run(ctx context.Context, cfg config, log zerolog.Logger) error {
	if cfg.AddrFile != "" {
		// Whoever waits for the file must not read a previous run's.
		if err := os.Remove(cfg.AddrFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		defer os.Remove(cfg.AddrFile)
	}

	// SIGHUP reloads the users (from here on: it must not kill natsd).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var (
		opts     *server.Options
		portFile string
		err      error
	)
	if cfg.Config != "" {
		opts, err = fileOptions(cfg)
	} else {
		opts, portFile, err = flagOptions(cfg)
	}
	if err != nil {
		return err
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
	host := opts.Host
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // listening everywhere, reachable here
	}
	url := "nats://" + net.JoinHostPort(host, strconv.Itoa(actual))
	if portFile != "" {
		if err := writeFile(portFile, strconv.Itoa(actual)+"\n"); err != nil {
			s.Shutdown()
			return err
		}
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
			if n, err := reload(s, opts, cfg); err != nil {
				log.Error().Err(err).Msg("users not reloaded; the previous ones stay")
			} else {
				log.Info().Int("users", n).Msg("users reloaded")
			}
		}
	}
}

// reload gives the server running with opts its users again: with
// -config, the whole file read again (nats-server reloads what may change
// and refuses the rest); else the keys folder's.
func reload(s *server.Server, opts *server.Options, cfg config) (int, error) {
	if cfg.Config != "" {
		next, err := fileOptions(cfg)
		if err != nil {
			return 0, err
		}
		if err := s.ReloadOptions(next); err != nil {
			return 0, err
		}
		return len(next.Nkeys), nil
	}
	return reloadUsers(s, opts, cfg.keyDir())
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
