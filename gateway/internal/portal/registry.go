package portal

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"

	"github.com/portalhub/portalhub/services/hubread"
)

// The registry is what every page's frame and the Host mapping need of the
// hub, kept in memory: the tenants (names, registry entries for the
// footers, host names), the category code list (the navigation) and the
// reserved path words. It is read at most once per TenantRefresh, and at
// once after TenantsChanged (the tenant watcher calls it before it drops
// the pages showing a tenant, so that their re-render sees the change).
// With them, the maintenance windows ahead (every page's banner), the
// advertisements and the home's featured items. Six queries per refresh,
// none per page.

// registry is one snapshot; never modified once built.
type registry struct {
	tenants  map[string]hubread.Tenant
	ordered  []hubread.Tenant   // Vietnamese order, by kind (hubread.Tenants)
	hosts    map[string]string  // own host name -> tenant id
	province *hubread.Tenant    // whose registry entry the provincial footer shows; nil if none
	cats     []hubread.Category // the code list, in position order
	reserved map[string]bool    // the gateway's own path words
	// windows are the maintenance windows not ended when it was loaded,
	// soonest first (maintenance.go).
	windows []hubread.Maintenance
	// adverts are the advertisements current and coming while the slot is
	// on (none while off), picks the featured items of the provincial
	// home current and coming (highlights.go, homes.go).
	adverts []hubread.Advert
	picks   []hubread.FeaturedPick
	// The lifecycle (lifecycle.go): renamed units' old ids (to their
	// current ones), the redirect map's hosts, and whether any unit was
	// renamed, merged or retired with its pages gone.
	aliases      map[string]string
	mapHosts     map[string]bool
	changedUnits bool
	loadedAt     time.Time
}

// registryCache holds the current snapshot and reloads it.
type registryCache struct {
	mu      sync.Mutex
	cur     *registry
	stale   bool
	loading bool
	done    chan struct{} // closed when the running load ends
}

// registry returns the current snapshot. With none yet (at start), the
// request loads it and waits. When it is older than TenantRefresh or marked
// stale, one reload starts in the background and the previous snapshot is
// answered meanwhile, so a slow or unreachable database never holds up a
// page the cache can serve. A failed load keeps the previous snapshot (and
// is retried by a later request); with none, the error is returned.
func (s *Server) registry(ctx context.Context) (*registry, error) {
	rc := &s.reg
	rc.mu.Lock()
	cur := rc.cur
	due := cur == nil || rc.stale || time.Since(cur.loadedAt) >= s.cfg.TenantRefresh
	switch {
	case !due:
		rc.mu.Unlock()
		return cur, nil
	case rc.loading && cur != nil:
		rc.mu.Unlock()
		return cur, nil
	case rc.loading:
		done := rc.done
		rc.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return s.registry(ctx)
	}
	done := s.startRegistryLoad(ctx)
	rc.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	<-done
	rc.mu.Lock()
	cur = rc.cur
	rc.mu.Unlock()
	if cur == nil {
		return nil, errors.New("tenant registry not loaded")
	}
	return cur, nil
}

// startRegistryLoad starts a load of the registry (rc.mu held) and returns
// the channel closed when it ends.
func (s *Server) startRegistryLoad(ctx context.Context) chan struct{} {
	rc := &s.reg
	rc.loading, rc.done, rc.stale = true, make(chan struct{}), false
	done := rc.done
	go func() {
		next, err := s.loadRegistry(context.WithoutCancel(ctx))
		rc.mu.Lock()
		prev := rc.cur
		if err == nil {
			rc.cur = next
			s.fastReg.Store(next)
			// Due for its refresh: the fast path stops believing it, so
			// that the slow path, which reloads it, is taken (a clock read
			// per request cost the fast path a tenth of its time).
			time.AfterFunc(s.cfg.TenantRefresh, func() { s.fastReg.CompareAndSwap(next, nil) })
		} else {
			rc.stale = true
			s.fastReg.Store(nil) // the fast path waits for a good load
		}
		rc.loading = false
		rc.mu.Unlock()
		close(done)
		if err == nil && prev != nil && !sameWindows(prev.windows, next.windows) {
			// A window scheduled or cancelled: every page's banner.
			s.cfg.Cache.Invalidate(siteNotices)
		}
		if err == nil && prev != nil && (!reflect.DeepEqual(prev.adverts, next.adverts) || !reflect.DeepEqual(prev.picks, next.picks)) {
			// The home's featured items, the highlights' advertisements.
			s.cfg.Cache.Invalidate(pagecache.AnyContent)
		}
		if err != nil {
			s.cfg.Log.Warn().Err(err).Msg("tenant registry load failed; keeping the previous one")
		}
	}()
	return done
}

// currentRegistry returns the last snapshot without loading (nil before
// the first load): for the frame of pages, whose requests went through
// checkHost, which loaded it.
func (s *Server) currentRegistry() *registry {
	s.reg.mu.Lock()
	defer s.reg.mu.Unlock()
	return s.reg.cur
}

// TenantsChanged marks the registry out of date and reloads it: the tenant
// watcher calls it when a tenant changed (renamed, new host name), before
// it drops the pages showing the tenant.
func (s *Server) TenantsChanged(ctx context.Context) error {
	rc := &s.reg
	for {
		rc.mu.Lock()
		if !rc.loading {
			break
		}
		done := rc.done // a load that began before the change may miss it
		rc.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	done := s.startRegistryLoad(ctx)
	rc.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.stale {
		return errors.New("tenant registry reload failed")
	}
	return nil
}

func (s *Server) loadRegistry(ctx context.Context) (*registry, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ts, err := s.cfg.Store.Tenants(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	words, err := s.cfg.Store.ReservedWords(ctx)
	if err != nil {
		return nil, err
	}
	windows, err := s.cfg.Store.MaintenanceWindows(ctx, s.now())
	if err != nil {
		return nil, err
	}
	adverts, err := s.cfg.Store.Adverts(ctx, s.now())
	if err != nil {
		return nil, err
	}
	picks, err := s.cfg.Store.FeaturedPicks(ctx, s.now())
	if err != nil {
		return nil, err
	}
	aliases, err := s.cfg.Store.Aliases(ctx)
	if err != nil {
		return nil, err
	}
	mapHosts, err := s.cfg.Store.RedirectHosts(ctx)
	if err != nil {
		return nil, err
	}
	r := &registry{tenants: make(map[string]hubread.Tenant, len(ts)), ordered: ts, hosts: map[string]string{},
		cats: cats, reserved: map[string]bool{}, windows: windows, adverts: adverts, picks: picks,
		aliases: aliases, mapHosts: map[string]bool{}, changedUnits: len(aliases) > 0, loadedAt: time.Now()}
	for _, h := range mapHosts {
		r.mapHosts[h] = true
	}
	for _, t := range ts {
		if t.RetiredPages == retiredRedirect || t.RetiredPages == retiredGone {
			r.changedUnits = true
		}
		r.tenants[t.ID] = t
		for _, h := range t.Hosts {
			r.hosts[h] = t.ID
		}
	}
	for _, w := range words {
		r.reserved[w] = true
	}
	r.province = provinceTenant(ts, s.cfg.ProvinceTenant)
	return r, nil
}

// provinceTenant is the tenant whose registry entry is the provincial
// portal's (its managing agency, the person responsible, the licence): the
// configured one (GATEWAY_PROVINCE_TENANT), else the first tenant of kind
// province (the provincial People's Committee's office, vp-ubnd in the
// demo), else none (the footer then shows the catalogue's owner line only).
func provinceTenant(ts []hubread.Tenant, id string) *hubread.Tenant {
	for i := range ts {
		if (id != "" && ts[i].ID == id) || (id == "" && ts[i].Kind == "province") {
			return &ts[i]
		}
	}
	return nil
}
