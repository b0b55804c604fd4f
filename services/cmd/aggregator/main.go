// Command aggregator is the hub's ingest process: it serves the gRPC
// IngestService to sub-portals over TLS, stores what they push in the hub
// PostgreSQL database together with an outbox event, and relays the outbox to
// NATS JetStream. Ops endpoints (/healthz, /readyz, /metrics) are served on a
// separate HTTP address. `aggregator --help` lists its environment variables.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"

	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/ingest"
	"github.com/portalhub/portalhub/services/internal/outbox"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
)

type settings struct {
	GRPCAddr        string
	HTTPAddr        string
	DatabaseURL     string
	NATSURL         string
	NATSNKeyFile    string
	NATSCAFile      string
	TLSDir          string
	TLSCert         string
	TLSKey          string
	ReadyFile       string
	ShutdownTimeout time.Duration
	StartTimeout    time.Duration
	HTTP            lifecycle.HTTPTimeouts
	StreamIdle      time.Duration
	Uploads         int
	UploadsTenant   int
	UploadMemoryMiB int
	Reflection      bool
}

func main() {
	var s settings
	set := config.New("aggregator", "receives content from sub-portals over gRPC, stores it and announces it on NATS JetStream")
	set.String(&s.GRPCAddr, "AGGREGATOR_GRPC_ADDR", "127.0.0.1:9443", "gRPC (TLS) listen address of the IngestService (port 0 picks one)")
	set.Bool(&s.Reflection, "AGGREGATOR_GRPC_REFLECTION", false,
		"serve gRPC server reflection (grpcurl list) to anyone who can connect, without a credential: development only (make run turns it on)")
	set.String(&s.HTTPAddr, "AGGREGATOR_HTTP_ADDR", "127.0.0.1:9444", "ops HTTP listen address: /healthz, /readyz, /metrics (port 0 picks one)")
	set.Secret(&s.DatabaseURL, "DATABASE_URL", "", "hub PostgreSQL URL (required); migrated at start-up")
	set.Secret(&s.NATSURL, "NATS_URL", "nats://127.0.0.1:4222", "NATS server(s) with the HUB_CONTENT stream (provisioned by `hubctl nats stream`), comma-separated")
	set.String(&s.NATSNKeyFile, "NATS_NKEY_FILE", "", "NKey seed file of the aggregator's NATS user (required; make run: var/nats/keys/aggregator.nk)")
	set.String(&s.NATSCAFile, "NATS_CA_FILE", "", "CA of NATS's TLS certificate, when it is not in the system's pool")
	set.String(&s.TLSDir, "AGGREGATOR_TLS_DIR", "./var/tls", "development mode: folder of the generated CA and localhost certificate (used unless AGGREGATOR_TLS_CERT and _KEY are set)")
	set.String(&s.TLSCert, "AGGREGATOR_TLS_CERT", "", "production: PEM certificate chain of the gRPC server")
	set.String(&s.TLSKey, "AGGREGATOR_TLS_KEY", "", "production: PEM private key of the gRPC server")
	set.String(&s.ReadyFile, "PORTALHUB_READY_FILE", "", "file to write {\"grpc\": addr, \"http\": addr} to once serving")
	set.Duration(&s.ShutdownTimeout, "AGGREGATOR_SHUTDOWN_TIMEOUT", 15*time.Second, "how long in-flight calls may finish on shutdown")
	set.Duration(&s.StartTimeout, "AGGREGATOR_START_TIMEOUT", time.Minute, "how long to wait for PostgreSQL and NATS at start-up")
	set.Duration(&s.StreamIdle, "AGGREGATOR_STREAM_IDLE_TIMEOUT", ingest.DefaultIdleTimeout, "end an upload or bulk publish stream that sends no message for this long")
	set.Int(&s.Uploads, "AGGREGATOR_UPLOADS", 8, "blob uploads received at once, all tenants together")
	set.Int(&s.UploadsTenant, "AGGREGATOR_UPLOADS_PER_TENANT", 2, "blob uploads one tenant may have in progress (fewer than AGGREGATOR_UPLOADS)")
	set.Int(&s.UploadMemoryMiB, "AGGREGATOR_UPLOAD_MEMORY_MB", 128, "MiB the uploads in progress may hold, reserved as their bytes arrive")
	lifecycle.DeclareHTTPTimeouts(set, &s.HTTP)
	set.MustParse(os.Args[1:])

	log := lifecycle.Logger("aggregator")
	set.Log(log)
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	if err := run(ctx, s, log); err != nil {
		log.Error().Err(err).Msg("aggregator failed")
		os.Exit(1)
	}
}

func run(ctx context.Context, s settings, log zerolog.Logger) error {
	if s.DatabaseURL == "" {
		return errors.New("DATABASE_URL is required (the hub PostgreSQL database)")
	}
	if s.NATSNKeyFile == "" {
		return errors.New("NATS_NKEY_FILE is required: the NKey seed of the aggregator's NATS user (make run: var/nats/keys/aggregator.nk)")
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return errors.New("set both AGGREGATOR_TLS_CERT and AGGREGATOR_TLS_KEY, or neither (development certificate)")
	}

	startCtx, cancel := context.WithTimeout(ctx, s.StartTimeout)
	defer cancel()
	if err := retry(startCtx, log, "migrate hub database", func() error { return hubschema.Migrate(startCtx, s.DatabaseURL) }); err != nil {
		return err
	}
	var store *hubstore.Store
	if err := retry(startCtx, log, "open hub database", func() (err error) {
		store, err = hubstore.Open(startCtx, s.DatabaseURL)
		return err
	}); err != nil {
		return err
	}
	defer store.Close()

	nc, err := natsauth.Connect(s.NATSURL, natsauth.Aggregator, s.NATSNKeyFile, s.NATSCAFile,
		nats.Name("portalhub-aggregator"),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn().Err(err).Msg("NATS disconnected") }),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info().Str("url", c.ConnectedUrlRedacted()).Msg("NATS reconnected") }),
	)
	if err != nil {
		return fmt.Errorf("connect to NATS: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("JetStream: %w", err)
	}
	// The ops user provisions the stream; the aggregator may only publish.
	if err := retry(startCtx, log, "check content stream", func() error {
		c, cancel := context.WithTimeout(startCtx, 5*time.Second)
		defer cancel()
		return events.CheckContentStream(c, js)
	}); err != nil {
		return err
	}

	tlsCfg, err := serverTLS(s, log)
	if err != nil {
		return err
	}

	ops := lifecycle.NewOps()
	dbUp := func(ctx context.Context) error { return store.Ping(ctx) }
	natsUp := func(context.Context) error {
		if st := nc.Status(); st != nats.CONNECTED {
			return fmt.Errorf("NATS is %s", st)
		}
		return nil
	}
	ops.AddCheck("database", dbUp)
	ops.AddCheck("nats", natsUp)

	relay := outbox.NewRelay(outbox.Config{Pool: store.Pool(), JS: js, Log: log, Registerer: ops.Registry})
	relayCtx, stopRelay := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := relay.Run(relayCtx); err != nil {
			log.Error().Err(err).Msg("outbox relay stopped")
		}
	}()
	defer func() { stopRelay(); wg.Wait() }()

	// A hub migrated from before search, or with an older definition of
	// the index, rebuilds it online while serving (the old index answers
	// meanwhile; pushes write both).
	wg.Add(1)
	go func() {
		defer wg.Done()
		store.ReindexIfStale(relayCtx, func(msg string, done, total int, err error) {
			if err != nil {
				log.Error().Err(err).Msg(msg)
				return
			}
			log.Info().Int("done", done).Int("total", total).Msg(msg)
		})
	}()

	srv, hs := ingest.NewGRPCServer(ingest.GRPCConfig{
		TLS:  tlsCfg,
		Auth: auth.New(store, log, 0),
		Ingest: ingest.NewServer(ingest.Config{Store: store, Log: log, Registerer: ops.Registry,
			MaxConcurrentUploads: s.Uploads, MaxUploadsPerTenant: s.UploadsTenant, UploadMemory: int64(s.UploadMemoryMiB) << 20}),
		Log:         log,
		IdleTimeout: s.StreamIdle,
		Reflection:  s.Reflection,
	})
	if s.Reflection {
		log.Warn().Msg("gRPC server reflection is on: anyone who can connect can list the services (development only)")
	}
	ln, err := net.Listen("tcp", s.GRPCAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.GRPCAddr, err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	grpcAddr := ln.Addr().String()
	log.Info().Str("server", "grpc").Str("addr", grpcAddr).Msg("listening")

	httpAddr, err := lifecycle.Serve(ctx, log, "ops", s.HTTPAddr, ops.Mux(), s.HTTP)
	if err != nil {
		srv.Stop()
		return fmt.Errorf("ops listener: %w", err)
	}

	// Health follows the dependencies: SERVING while both answer.
	ingest.SetServing(hs, true)
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		serving := true
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			c, cancel := context.WithTimeout(ctx, 2*time.Second)
			up := dbUp(c) == nil && natsUp(c) == nil
			cancel()
			if up != serving && ctx.Err() == nil {
				serving = up
				ingest.SetServing(hs, up)
				log.Warn().Bool("serving", up).Msg("health changed")
			}
		}
	}()

	if err := lifecycle.WriteReadyFile(s.ReadyFile, map[string]string{"grpc": grpcAddr, "http": httpAddr}); err != nil {
		srv.Stop()
		return err
	}
	log.Info().Str("grpc", grpcAddr).Str("http", httpAddr).Msg("aggregator ready")

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return fmt.Errorf("gRPC server stopped: %w", err)
	}
	log.Info().Msg("shutting down")
	hs.Shutdown() // NOT_SERVING from now on, whatever the watcher sees
	gracefulStop(srv, s.ShutdownTimeout, log)
	return nil
}

// gracefulStop lets in-flight calls finish for up to timeout, then cuts them.
func gracefulStop(srv *grpc.Server, timeout time.Duration, log zerolog.Logger) {
	done := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		log.Warn().Dur("timeout", timeout).Msg("calls still running at the shutdown deadline; stopping")
		srv.Stop()
		<-done
	}
}

func serverTLS(s settings, log zerolog.Logger) (*tls.Config, error) {
	cert, key := s.TLSCert, s.TLSKey
	if cert == "" {
		ca, c, k, err := devtls.Ensure(s.TLSDir)
		if err != nil {
			return nil, fmt.Errorf("development TLS in %s: %w", s.TLSDir, err)
		}
		log.Info().Str("ca", ca).Str("cert", c).Msg("development TLS certificate (clients trust the CA file)")
		cert, key = c, k
	}
	return devtls.ServerTLS(cert, key)
}

// retry runs f until it succeeds or ctx ends, backing off up to 5s.
func retry(ctx context.Context, log zerolog.Logger, what string, f func() error) error {
	delay := 100 * time.Millisecond
	for {
		err := f()
		if err == nil {
			return nil
		}
		log.Warn().Err(err).Str("step", what).Dur("retry_in", delay).Msg("start-up step failed")
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}
