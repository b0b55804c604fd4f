package invalidate

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// TenantSource answers a fingerprint per tenant (hubread.Store does).
type TenantSource interface {
	TenantFingerprints(ctx context.Context) (map[string]string, error)
}

// TenantWatchConfig wires a TenantWatcher.
type TenantWatchConfig struct {
	Source TenantSource
	Cache  *pagecache.Cache
	Log    zerolog.Logger
	// Every is the polling interval, the safety net for announcements
	// missed; default 30s.
	Every time.Duration
	// Poke, when set, makes Run check at once (the consumer of the hub's
	// tenant changes sends on it: invalidate.Config.OnTenant).
	Poke <-chan struct{}
	// Registerer receives the watcher's metrics; nil registers none.
	Registerer prometheus.Registerer
	// OnChange, when set, is called when tenants changed (and on the first
	// poll), before their pages are dropped: the portal reloads its
	// registry of tenants (host names, footers) there, so that the pages
	// rendered again show the change. An error is logged; the pages are
	// dropped all the same.
	OnChange func(ctx context.Context) error
}

// TenantWatcher keeps the pages that show tenants (the provincial home lists
// the sub-portals; a sub-portal's pages show its name) true to the tenants
// table. It reads a fingerprint of every tenant when the hub announces a
// tenant change (Poke) and, as a safety net, every interval; when one
// changed (renamed, suspended, retired, added, removed), it invalidates the
// provincial home and that tenant's pages.
type TenantWatcher struct {
	cfg     TenantWatchConfig
	known   map[string]string // nil until the first successful poll
	changes prometheus.Counter
}

// NewTenantWatcher returns a watcher; Run polls.
func NewTenantWatcher(cfg TenantWatchConfig) *TenantWatcher {
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	w := &TenantWatcher{cfg: cfg, changes: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "portalhub_gateway_tenant_changes_total",
		Help: "Tenant changes noticed in the tenants table, announced or polled (each invalidates the pages showing the tenant)."})}
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(w.changes)
	}
	return w
}

// Run checks until ctx ends: once at once, then on each poke and every
// interval.
func (w *TenantWatcher) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	for {
		if err := w.Check(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Log.Warn().Err(err).Msg("tenant refresh failed; retrying at the next tick")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-w.cfg.Poke:
		}
	}
}

// Poker returns a channel for TenantWatchConfig.Poke and the function that
// pokes it without blocking (a poke pending already covers the next one),
// for invalidate.Config.OnTenant.
func Poker() (<-chan struct{}, func(string)) {
	ch := make(chan struct{}, 1)
	return ch, func(string) {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Check polls once and invalidates the pages of the tenants that changed
// since the last poll. The first poll invalidates every tenant's pages (pages may
// have been rendered before it). It is not safe for concurrent use.
func (w *TenantWatcher) Check(ctx context.Context) error {
	now, err := w.cfg.Source.TenantFingerprints(ctx)
	if err != nil {
		return err
	}
	var tags []pagecache.Tag
	for id, fp := range now {
		if old, ok := w.known[id]; !ok || old != fp {
			tags = append(tags, pagecache.TenantTag(id))
		}
	}
	for id := range w.known {
		if _, ok := now[id]; !ok {
			tags = append(tags, pagecache.TenantTag(id))
		}
	}
	first := w.known == nil
	w.known = now
	if len(tags) == 0 && !first {
		return nil
	}
	if w.cfg.OnChange != nil {
		if err := w.cfg.OnChange(ctx); err != nil {
			w.cfg.Log.Warn().Err(err).Msg("reloading the tenant registry failed")
		}
	}
	// AnyContent: the provincial home lists every sub-portal, a new one too.
	w.cfg.Cache.Invalidate(append(tags, pagecache.AnyContent)...)
	if !first {
		w.changes.Add(float64(len(tags)))
		w.cfg.Log.Info().Int("tenants", len(tags)).Msg("tenants changed; their pages and the provincial home dropped")
	}
	return nil
}
