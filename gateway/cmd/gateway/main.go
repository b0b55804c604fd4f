// Command gateway serves the public portal: the provincial home, every
// sub-portal's site and their items in Vietnamese, English and Russian, and
// attachments, read from the hub store and kept fresh by the hub's content
// events. The ops endpoints (/healthz, /readyz, /metrics) have a listener
// of their own (GATEWAY_OPS_ADDR); only /healthz is also on the public port.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh without the host's zoneinfo

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/invalidate"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/gateway/internal/viewcount"
	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/dburl"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
)

func main() {
	var cfg settings
	set := config.New("gateway", "serves the public portal and sub-portal sites")
	set.String(&cfg.Addr, "GATEWAY_ADDR", ":8080", "HTTP listen address of the portal's pages, files and API, and /healthz (port 0 picks one)")
	set.String(&cfg.OpsAddr, "GATEWAY_OPS_ADDR", "127.0.0.1:8081",
		"HTTP listen address of the ops endpoints /healthz, /readyz and /metrics, for probes and Prometheus; never the public port (port 0 picks one)")
	set.Secret(&cfg.DatabaseURL, "DATABASE_URL", "",
		"hub PostgreSQL URL as the read-only role portalhub_gateway (a replica in production), e.g. postgres://portalhub_gateway:PASSWORD@127.0.0.1:5432/portalhub?sslmode=disable (required)")
	set.Secret(&cfg.NATSURL, "NATS_URL", nats.DefaultURL, "NATS server(s) with the HUB_CONTENT stream, comma-separated")
	set.String(&cfg.NATSNKeyFile, "NATS_NKEY_FILE", "", "NKey seed file of the gateway's NATS user (required; make run: var/nats/keys/gateway.nk)")
	set.String(&cfg.NATSCAFile, "NATS_CA_FILE", "", "CA of NATS's TLS certificate, when it is not in the system's pool")
	set.String(&cfg.ReadyFile, "PORTALHUB_READY_FILE", "", `file to write {"http": "host:port", "ops": "host:port"} to once listening`)
	set.Bool(&cfg.Dev, "GATEWAY_DEV", false, "development mode: re-parse templates on every request")
	set.String(&cfg.MonitoringScript, "GATEWAY_MONITORING_SCRIPT_URL", "",
		"https address of the state monitoring agent's script (Circular 22/2023), loaded on every page and allowed by the CSP; empty (default): none")
	set.String(&cfg.TemplateDir, "GATEWAY_TEMPLATE_DIR", "", "in development mode, read templates from this folder instead of the binary")
	set.Int(&cfg.CacheMB, "GATEWAY_CACHE_MB", 256, "page cache size bound in MiB")
	set.Duration(&cfg.CacheMaxStale, "GATEWAY_CACHE_MAX_STALE", time.Second,
		"how long after an event a home (any page listing many items) may still be served while its successor renders; also the least time between two renders of such a page")
	set.Duration(&cfg.CacheMaxStaleRender, "GATEWAY_CACHE_MAX_STALE_RENDER", 10*time.Second,
		"how long such a page, stale for longer than GATEWAY_CACHE_MAX_STALE, is still served while its successor (begun within GATEWAY_CACHE_MAX_STALE) renders: renders slower than that bound do not make visitors wait")
	set.Duration(&cfg.CacheMaxAge, "GATEWAY_CACHE_MAX_AGE", 5*time.Minute,
		"how long after its render a cached page is rendered again even without an event")
	set.Duration(&cfg.CacheVersionWait, "GATEWAY_CACHE_VERSION_WAIT", time.Minute,
		"how long a version announced by an event, not yet read from the database, keeps older renders of its item out of the cache (cover the replicas' lag)")
	set.String(&cfg.PublicURL, "GATEWAY_PUBLIC_URL", "",
		"public address canonical and hreflang links start with, e.g. https://khanhhoa.gov.vn; its host is served (empty, for development: each request's scheme and Host, and only localhost, 127.0.0.1 and ::1 are served)")
	set.String(&cfg.Hosts, "GATEWAY_HOSTS", "",
		"further host names served, comma-separated, e.g. www.khanhhoa.gov.vn; any other Host is answered 421")
	set.String(&cfg.TrustedProxies, "GATEWAY_TRUSTED_PROXIES", "",
		"IP addresses or CIDR prefixes of the reverse proxies in front of the gateway, comma-separated; X-Forwarded-Proto and X-Forwarded-For are believed only from them")
	set.String(&cfg.ProvinceTenant, "GATEWAY_PROVINCE_TENANT", "",
		"the tenant whose registry entry (managing agency, person responsible, address, licence) the provincial pages' footer shows; empty: the first tenant of kind province")
	set.Duration(&cfg.TenantRefresh, "GATEWAY_TENANT_REFRESH", 5*time.Minute,
		"how often to poll the tenants table for changes (renamed, suspended, retired) that drop the pages showing them, as a safety net: the hub announces each change on hub.registry.<tenant> and the gateway reloads at once")
	set.Secret(&cfg.SearchStatsURL, "GATEWAY_SEARCH_STATS_URL", "",
		"hub PostgreSQL URL of the primary, as portalhub_gateway, where searches that found nothing (search_misses) and page views (page_views) are counted; empty: DATABASE_URL (set it when DATABASE_URL is a replica)")
	set.Duration(&cfg.SearchStatsEvery, "GATEWAY_SEARCH_STATS_EVERY", 30*time.Second,
		"how often the counts of searches that found nothing are written")
	set.Duration(&cfg.ViewsEvery, "GATEWAY_VIEWS_EVERY", 30*time.Second,
		"how often the page views counted in memory are added to the hub's page_views table (and once more at shutdown)")
	set.Int(&cfg.ViewsMaxPages, "GATEWAY_VIEWS_MAX_PAGES", 100_000,
		"most distinct pages counted per day in memory; views of further pages are counted under the path (other)")
	set.Duration(&cfg.StatementTimeout, "GATEWAY_STATEMENT_TIMEOUT", 5*time.Second,
		"longest a database statement of the gateway may run (PostgreSQL statement_timeout on each connection; 0: none); a page whose query is cut off is an error page, not a held connection")
	set.Int(&cfg.AccessLogSample, "GATEWAY_ACCESS_LOG_SAMPLE", 100,
		"log one in this many answers from the page cache (every other request is logged; all are counted in the metrics); 1 logs every request")
	set.String(&cfg.Hub.Addr, "GATEWAY_HUB_ADDR", "", "the aggregator's gRPC address, host:port, for the citizens' form (FeedbackService); empty: the form answers that it cannot take questions")
	set.String(&cfg.Hub.CAFile, "GATEWAY_HUB_CA", "", "CA of the aggregator's TLS certificate, when it is not in the system's pool (make run: var/tls/ca.pem)")
	set.String(&cfg.Hub.TokenFile, "GATEWAY_HUB_TOKEN_FILE", "", "file holding the gateway's token for the FeedbackService (the aggregator's AGGREGATOR_GATEWAY_TOKEN_FILE holds it too)")
	set.String(&cfg.Hub.FormKeyFile, "GATEWAY_FORM_KEY_FILE", "", "file holding the key of the forms' CSRF tokens and of the rate limits' address hashes, the same on every replica; empty: a random key per process")
	lifecycle.DeclareHTTPTimeouts(set, &cfg.HTTP)
	lifecycle.DeclareProfiling(set, &cfg.Profiling)
	set.MustParse(os.Args[1:])

	log := lifecycle.Logger("gateway")
	set.Log(log)
	if err := run(log, cfg); err != nil {
		log.Error().Err(err).Msg("gateway stopped")
		os.Exit(1)
	}
}

type settings struct {
	Hub                                            hubSettings
	Addr, OpsAddr, DatabaseURL, NATSURL, ReadyFile string
	TemplateDir                                    string
	Profiling                                      bool
	NATSNKeyFile, NATSCAFile                       string
	SearchStatsURL                                 string
	SearchStatsEvery, StatementTimeout             time.Duration
	ViewsEvery                                     time.Duration
	ViewsMaxPages                                  int
	PublicURL, Hosts, TrustedProxies               string
	Dev                                            bool
	CacheMB, AccessLogSample                       int
	TenantRefresh                                  time.Duration
	ProvinceTenant, MonitoringScript               string
	CacheMaxStale, CacheMaxStaleRender             time.Duration
	CacheMaxAge, CacheVersionWait                  time.Duration
	HTTP                                           lifecycle.HTTPTimeouts
}

func run(log zerolog.Logger, cfg settings) error {
	if err := dburl.Check("DATABASE_URL", cfg.DatabaseURL); err != nil {
		return fmt.Errorf("%w (the hub database, as portalhub_gateway)", err)
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()

	pool, err := openPool(ctx, cfg.DatabaseURL, cfg.StatementTimeout)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := hubread.New(pool)

	ops := lifecycle.NewOps()
	ops.Profiling = cfg.Profiling
	cache := pagecache.New(pagecache.Config{MaxBytes: int64(cfg.CacheMB) << 20, MaxStale: cfg.CacheMaxStale,
		MaxStaleRender: cfg.CacheMaxStaleRender, MaxAge: cfg.CacheMaxAge, VersionWait: cfg.CacheVersionWait, Registerer: ops.Registry})

	if cfg.NATSNKeyFile == "" {
		return errors.New("NATS_NKEY_FILE is required: the NKey seed of the gateway's NATS user (make run: var/nats/keys/gateway.nk)")
	}
	nc, err := natsauth.Connect(cfg.NATSURL, natsauth.Gateway, cfg.NATSNKeyFile, cfg.NATSCAFile,
		nats.Name("portalhub-gateway"), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true), nats.ReconnectWait(time.Second))
	if err != nil {
		return err
	}
	defer nc.Close()
	// The hub announces tenant changes on the content stream: the consumer
	// pokes the tenant watcher, which reloads the registry at once.
	tenantPoke, pokeTenants := invalidate.Poker()
	consumer, err := invalidate.New(invalidate.Config{Conn: nc, Cache: cache, Log: log, Registerer: ops.Registry, OnTenant: pokeTenants,
		Replay: cfg.CacheVersionWait})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- consumer.Run(ctx) }()
	ops.AddCheck("database", store.CheckSchema) // answers, migrated, readable
	ops.AddCheck("nats", consumer.Ready)

	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	statsURL := cfg.SearchStatsURL
	if statsURL == "" {
		statsURL = cfg.DatabaseURL
	}
	statsPool, err := openPool(ctx, statsURL, cfg.StatementTimeout)
	if err != nil {
		return err
	}
	defer statsPool.Close()
	misses := portal.NewMissCounter(statsPool, cfg.SearchStatsEvery, log)
	missesCtx, stopMisses := context.WithCancel(ctx)
	missesDone := make(chan struct{})
	go func() { misses.Run(missesCtx); close(missesDone) }()
	defer func() { stopMisses(); <-missesDone }() // the last counts are written

	views := viewcount.New(viewcount.Config{MaxKeys: cfg.ViewsMaxPages, Registerer: ops.Registry})

	hub, closeHub, err := dialHub(cfg.Hub)
	if err != nil {
		return err
	}
	defer closeHub()
	key, err := formKey(cfg.Hub.FormKeyFile)
	if err != nil {
		return err
	}
	var fb portal.FeedbackHub
	var subs portal.SubscriptionHub
	if hub.feedback != nil {
		fb, subs = hub.feedback, hub.subscriptions
	}
	srv, err := portal.New(portal.Config{
		Feedback: fb, Subscriptions: subs, FormKey: key,
		SearchMisses: misses, Views: views,
		Store: store, Cache: cache, Catalog: catalog, Log: log, Ops: ops, Dev: cfg.Dev, TemplateDir: cfg.TemplateDir,
		ResetConnections: pool.Reset,
		AccessLogSample:  cfg.AccessLogSample, MonitoringScript: cfg.MonitoringScript,
		PublicURL: cfg.PublicURL, Hosts: list(cfg.Hosts), TrustedProxies: list(cfg.TrustedProxies),
		TenantRefresh: cfg.TenantRefresh, ProvinceTenant: cfg.ProvinceTenant,
		ReadyDetail: func() map[string]any {
			return map[string]any{"content_stream_last_sequence": consumer.LastSequence(), "pagecache_entries": cache.Len()}
		},
	})
	if err != nil {
		return err
	}
	flusher := &viewcount.Flusher{Counter: views, Pool: statsPool, Resolve: srv.ViewPage, Every: cfg.ViewsEvery, Log: log}
	viewsCtx, stopViews := context.WithCancel(context.WithoutCancel(ctx))
	viewsDone := make(chan struct{})
	go func() { flusher.Run(viewsCtx); close(viewsDone) }()
	defer func() { stopViews(); <-viewsDone }() // after the HTTP server's shutdown: the last views are written

	// Tenants: checked when the hub announces a change, and polled every
	// GATEWAY_TENANT_REFRESH as a safety net. A change reloads the portal's
	// registry (host names, footers), then drops their pages.
	tenants := invalidate.NewTenantWatcher(invalidate.TenantWatchConfig{Source: store, Cache: cache, Log: log,
		Every: cfg.TenantRefresh, Poke: tenantPoke, Registerer: ops.Registry, OnChange: srv.TenantsChanged})
	go tenants.Run(ctx)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	opsAddr, err := lifecycle.Serve(ctx, log, "ops", cfg.OpsAddr, srv.OpsHandler(), cfg.HTTP)
	if err != nil {
		return fmt.Errorf("listen on %s (GATEWAY_OPS_ADDR): %w", cfg.OpsAddr, err)
	}
	hs := lifecycle.NewHTTPServer(srv, cfg.HTTP)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	log.Info().Str("addr", ln.Addr().String()).Msg("listening")
	if err := lifecycle.WriteReadyFile(cfg.ReadyFile, map[string]string{"http": ln.Addr().String(), "ops": opsAddr}); err != nil {
		return err
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	log.Info().Msg("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// list splits a comma-separated setting, dropping blanks.
func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
