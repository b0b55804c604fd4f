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
	"google.golang.org/grpc/health"

	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/dburl"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/ingest"
	"github.com/portalhub/portalhub/services/internal/mailout"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/internal/outbox"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/pgmigrate"
)

type settings struct {
	GRPCAddr        string
	OpsAddr         string
	Profiling       bool
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
	ComplianceRules string
	ComplianceEvery time.Duration
	Console         consoleSettings
	Mail            mailSettings
	Feedback        feedbackSettings
}

func main() {
	var s settings
	set := config.New("aggregator", "receives content from sub-portals over gRPC, stores it and announces it on NATS JetStream")
	set.String(&s.GRPCAddr, "AGGREGATOR_GRPC_ADDR", "127.0.0.1:9443", "gRPC (TLS) listen address of the IngestService (port 0 picks one)")
	set.Bool(&s.Reflection, "AGGREGATOR_GRPC_REFLECTION", false,
		"serve gRPC server reflection (grpcurl list) to anyone who can connect, without a credential: development only (make run turns it on)")
	set.String(&s.OpsAddr, "AGGREGATOR_OPS_ADDR", "127.0.0.1:9445", "gRPC (TLS) listen address of the OpsService, the ops team's admin API (hubctl login, tenants, credentials); not the ingest port (port 0 picks one)")
	set.String(&s.HTTPAddr, "AGGREGATOR_HTTP_ADDR", "127.0.0.1:9444", "ops HTTP listen address: /healthz, /readyz, /metrics (port 0 picks one)")
	set.Secret(&s.DatabaseURL, "DATABASE_URL", "", "hub PostgreSQL URL (required); migrated at start-up")
	set.Secret(&s.NATSURL, "NATS_URL", "nats://127.0.0.1:4222", "NATS server(s) with the HUB_CONTENT stream (provisioned by `hubctl nats stream`), comma-separated")
	set.String(&s.NATSNKeyFile, "NATS_NKEY_FILE", "", "NKey seed file of the aggregator's NATS user (required; make run: var/nats/keys/aggregator.nk)")
	set.String(&s.NATSCAFile, "NATS_CA_FILE", "", "CA of NATS's TLS certificate, when it is not in the system's pool")
	set.String(&s.TLSDir, "AGGREGATOR_TLS_DIR", "./var/tls", "development mode: folder of the generated CA and localhost certificate (used unless AGGREGATOR_TLS_CERT and _KEY are set)")
	set.String(&s.TLSCert, "AGGREGATOR_TLS_CERT", "", "production: PEM certificate chain of the gRPC server")
	set.String(&s.TLSKey, "AGGREGATOR_TLS_KEY", "", "production: PEM private key of the gRPC server")
	set.String(&s.ReadyFile, "PORTALHUB_READY_FILE", "", "file to write {\"grpc\": addr, \"ops\": addr, \"http\": addr} to once serving")
	set.Duration(&s.ShutdownTimeout, "AGGREGATOR_SHUTDOWN_TIMEOUT", 15*time.Second, "how long in-flight calls may finish on shutdown")
	set.Duration(&s.StartTimeout, "AGGREGATOR_START_TIMEOUT", time.Minute, "how long to wait for PostgreSQL and NATS at start-up")
	set.Duration(&s.StreamIdle, "AGGREGATOR_STREAM_IDLE_TIMEOUT", ingest.DefaultIdleTimeout, "end an upload or bulk publish stream that sends no message for this long")
	set.Int(&s.Uploads, "AGGREGATOR_UPLOADS", 8, "blob uploads received at once, all tenants together")
	set.Int(&s.UploadsTenant, "AGGREGATOR_UPLOADS_PER_TENANT", 2, "blob uploads one tenant may have in progress (fewer than AGGREGATOR_UPLOADS)")
	set.Int(&s.UploadMemoryMiB, "AGGREGATOR_UPLOAD_MEMORY_MB", 128, "MiB the uploads in progress may hold, reserved as their bytes arrive")
	set.String(&s.ComplianceRules, "HUB_COMPLIANCE_RULES", "", "the deployment's Article 11 rules file (deploy/rules/*.toml); empty: no compliance alerts")
	set.Duration(&s.ComplianceEvery, "HUB_COMPLIANCE_EVERY", compliance.DefaultEvery, "how often to look for tenants behind their Article 11 updates and announce them on hub.compliance.<tenant>")
	declareConsoleSettings(set, &s.Console)
	lifecycle.DeclareHTTPTimeouts(set, &s.HTTP)
	lifecycle.DeclareProfiling(set, &s.Profiling)
	declareMailSettings(set, &s.Mail)
	declareFeedbackSettings(set, &s.Feedback)
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
	if err := s.check(); err != nil {
		return err
	}
	mailCfg, mailOn, err := s.Mail.relayConfig()
	if err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, s.StartTimeout)
	defer cancel()
	store, err := openStore(startCtx, s, log)
	if err != nil {
		return err
	}
	defer store.Close()
	nc, js, err := connectNATS(startCtx, s, log)
	if err != nil {
		return err
	}
	defer nc.Close()
	tlsCfg, err := serverTLS(s, log)
	if err != nil {
		return err
	}

	ops := lifecycle.NewOps()
	ops.Profiling = s.Profiling
	dbUp := func(ctx context.Context) error { return store.Ping(ctx) }
	natsUp := func(context.Context) error {
		if st := nc.Status(); st != nats.CONNECTED {
			return fmt.Errorf("NATS is %s", st)
		}
		return nil
	}
	ops.AddCheck("database", dbUp)
	ops.AddCheck("nats", natsUp)
	ops.Registry.MustRegister(newConsumerLag(backlog.JetStream(js), log))
	watch, err := complianceWatch(s, store, log)
	if err != nil {
		return err
	}
	defer startBackground(store, js, ops, watch, s.ComplianceEvery, mailRelay(s.Mail, mailCfg, mailOn, store, ops, log), log)()

	authn := auth.New(store, log, 0)
	fb, pdKeys, fbStore, err := feedbackService(s.Feedback, s.ComplianceRules, store, authn, log)
	if err != nil {
		return err
	}
	if fbStore != nil {
		// Shreds expired data keys, and erases the submissions they
		// protected (their questions, the sub-portals' copies).
		shredCtx, stopShred := context.WithCancel(context.Background())
		tick := time.NewTicker(s.Feedback.ShredEvery)
		defer func() { stopShred(); tick.Stop() }()
		go fbStore.RunRetention(shredCtx, tick.C, log)
	}
	subs, subsSrv, err := subscriptionService(s.Feedback, store, pdKeys, log)
	if err != nil {
		return err
	}
	if subs != nil {
		digestCtx, stopDigests := context.WithCancel(context.Background())
		tick := time.NewTicker(s.Feedback.DigestEvery)
		defer func() { stopDigests(); tick.Stop() }()
		go subs.RunDigests(digestCtx, tick.C, log)
	}
	srv, hs := ingest.NewGRPCServer(ingest.GRPCConfig{
		TLS:           tlsCfg,
		Auth:          authn,
		Feedback:      fb,      // nil when off
		Subscriptions: subsSrv, // nil when off
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
	serveErr := make(chan error, 2)
	go func() { serveErr <- srv.Serve(ln) }()
	grpcAddr := ln.Addr().String()
	log.Info().Str("server", "grpc").Str("addr", grpcAddr).Msg("listening")

	var rules *compliance.Rules
	if watch != nil {
		rules = watch.Rules
	}
	accounts := opsaccounts.New(store.Pool())
	opsAPI := opsapi.New(opsapi.Config{Store: store, Accounts: accounts, Rules: rules, Log: log, Registerer: ops.Registry,
		Consumers: backlog.JetStream(js), PersonalData: pdKeys, Context: ctx})
	opsSrv := opsapi.NewGRPCServer(opsAPI, tlsCfg, ingest.RecoverUnary(log))
	opsLn, err := net.Listen("tcp", s.OpsAddr)
	if err != nil {
		srv.Stop()
		return fmt.Errorf("listen on %s (AGGREGATOR_OPS_ADDR): %w", s.OpsAddr, err)
	}
	go func() { serveErr <- opsSrv.Serve(opsLn) }()
	opsAddr := opsLn.Addr().String()
	log.Info().Str("server", "ops-grpc").Str("addr", opsAddr).Msg("listening")
	defer gracefulStop(opsSrv, s.ShutdownTimeout, log)

	httpAddr, err := lifecycle.Serve(ctx, log, "ops", s.HTTPAddr, ops.Mux(), s.HTTP)
	if err != nil {
		srv.Stop()
		return fmt.Errorf("ops listener: %w", err)
	}
	// One ops accounts store per process (it bounds the memory password
	// hashing takes): the OpsService's and the console's.
	consoleAddr, err := startConsole(ctx, s, store, accounts, opsAPI, js, rules, log)
	if err != nil {
		srv.Stop()
		return err
	}
	ingest.SetServing(hs, true)
	go watchHealth(ctx, hs, log, 5*time.Second, dbUp, natsUp)

	ready := map[string]string{"grpc": grpcAddr, "ops": opsAddr, "http": httpAddr}
	if consoleAddr != "" {
		ready["console"] = consoleAddr
	}
	if err := lifecycle.WriteReadyFile(s.ReadyFile, ready); err != nil {
		srv.Stop()
		return err
	}
	log.Info().Str("grpc", grpcAddr).Str("ops", opsAddr).Str("http", httpAddr).Str("console", consoleAddr).Msg("aggregator ready")

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		srv.Stop()
		return fmt.Errorf("gRPC server stopped: %w", err)
	}
	log.Info().Msg("shutting down")
	hs.Shutdown() // NOT_SERVING from now on, whatever the watcher sees
	gracefulStop(srv, s.ShutdownTimeout, log)
	return nil
}

// check refuses settings the aggregator cannot start with.
func (s settings) check() error {
	if err := dburl.Check("DATABASE_URL", s.DatabaseURL); err != nil {
		return fmt.Errorf("%w (the hub's PostgreSQL database)", err)
	}
	if s.NATSNKeyFile == "" {
		return errors.New("NATS_NKEY_FILE is required: the NKey seed of the aggregator's NATS user (make run: var/nats/keys/aggregator.nk)")
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return errors.New("set both AGGREGATOR_TLS_CERT and AGGREGATOR_TLS_KEY, or neither (development certificate)")
	}
	return nil
}

// openStore migrates the hub database and opens the store, waiting for
// PostgreSQL until ctx ends.
func openStore(ctx context.Context, s settings, log zerolog.Logger) (*hubstore.Store, error) {
	if err := retry(ctx, log, "migrate hub database", func() error { return hubschema.Migrate(ctx, s.DatabaseURL) }); err != nil {
		return nil, err
	}
	var store *hubstore.Store
	err := retry(ctx, log, "open hub database", func() (err error) {
		store, err = hubstore.Open(ctx, s.DatabaseURL)
		return err
	})
	return store, err
}

// connectNATS connects as the aggregator's NATS user (reconnecting for
// ever once connected) and waits until ctx ends for the content stream,
// which the ops user provisions: the aggregator may only publish.
func connectNATS(ctx context.Context, s settings, log zerolog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := natsauth.Connect(s.NATSURL, natsauth.Aggregator, s.NATSNKeyFile, s.NATSCAFile,
		nats.Name("portalhub-aggregator"),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn().Err(err).Msg("NATS disconnected") }),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info().Str("url", c.ConnectedUrlRedacted()).Msg("NATS reconnected") }),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to NATS: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream: %w", err)
	}
	if err := retry(ctx, log, "check content stream", func() error { return streamReady(ctx, nc, js) }); err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// streamReady checks that the content stream exists, saying so when NATS
// does not answer at all rather than that the check ran out of time.
func streamReady(ctx context.Context, nc *nats.Conn, js jetstream.JetStream) error {
	unreachable := func() error {
		detail := ""
		if err := nc.LastError(); err != nil {
			detail = " (" + err.Error() + ")"
		}
		return fmt.Errorf("NATS does not answer at NATS_URL%s: start it (bin/natsd, or make run) or fix NATS_URL; "+
			"the aggregator waits for it up to AGGREGATOR_START_TIMEOUT", detail)
	}
	if !nc.IsConnected() {
		return unreachable()
	}
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := events.CheckStreams(c, js)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && !nc.IsConnected() {
		return unreachable()
	}
	return err
}

// complianceWatch reads the rules file HUB_COMPLIANCE_RULES names into the
// watch that announces tenants behind their Article 11 updates; nil when
// none is named.
func complianceWatch(s settings, store *hubstore.Store, log zerolog.Logger) (*compliance.Watch, error) {
	if s.ComplianceRules == "" {
		log.Info().Msg("HUB_COMPLIANCE_RULES is not set: no Article 11 compliance alerts")
		return nil, nil
	}
	rules, err := compliance.Load(s.ComplianceRules)
	if err != nil {
		return nil, err
	}
	return &compliance.Watch{Rules: rules, Tenants: store.ComplianceTenants, Updates: store.ComplianceUpdates,
		Raise: store.RaiseComplianceAlert, Log: log}, nil
}

// startBackground starts the outbox relay, the compliance watch (unless
// watch is nil), the mail relay (unless mail is nil) and, for a hub migrated from before search or with an older
// definition of the index, its online rebuild (the old index answers
// meanwhile; pushes write both). The function returned stops them and
// waits for them.
func startBackground(store *hubstore.Store, js jetstream.JetStream, ops *lifecycle.Ops, watch *compliance.Watch, every time.Duration, mail *mailout.Relay, log zerolog.Logger) (stop func()) {
	relay := outbox.NewRelay(outbox.Config{Pool: store.Pool(), JS: js, Log: log, Registerer: ops.Registry})
	// A push's event leaves when its transaction commits, not when the
	// notification has come round through the database.
	store.OnOutbox(relay.Wake)
	// and the rows it knows are handed to the relay as they are, so that
	// the relay publishes them without reading them back.
	store.OnOutboxRows(func(rows []hubstore.OutboxRow) {
		for _, r := range rows {
			relay.Hand(r.ID, r.Subject, r.MsgID, r.Payload)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if watch != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			watch.Run(ctx, every)
		}()
	}
	wg.Add(2)
	if mail != nil {
		wg.Go(func() {
			if err := mail.Run(ctx); err != nil {
				log.Error().Err(err).Msg("mail relay stopped")
			}
		})
	}
	go func() {
		defer wg.Done()
		if err := relay.Run(ctx); err != nil {
			log.Error().Err(err).Msg("outbox relay stopped")
		}
	}()
	go func() {
		defer wg.Done()
		store.ReindexIfStale(ctx, func(msg string, done, total int, err error) {
			if err != nil {
				log.Error().Err(err).Msg(msg)
				return
			}
			log.Info().Int("done", done).Int("total", total).Msg(msg)
		})
	}()
	return func() { cancel(); wg.Wait() }
}

// watchHealth keeps the gRPC health status in step with the dependencies
// until ctx ends: SERVING while every check answers, NOT_SERVING while one
// does not. It checks every interval and logs each change.
func watchHealth(ctx context.Context, hs *health.Server, log zerolog.Logger, every time.Duration, checks ...func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	serving := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		up := true
		for _, check := range checks {
			up = up && check(c) == nil
		}
		cancel()
		if up != serving && ctx.Err() == nil {
			serving = up
			ingest.SetServing(hs, up)
			log.Warn().Bool("serving", up).Msg("health changed")
		}
	}
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
		var wrong *pgmigrate.WrongDatabaseError
		if errors.As(err, &wrong) {
			return fmt.Errorf("%s: %w", what, err) // waiting does not change whose database it is
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
