// Package pagecache keeps rendered pages in memory, keyed by URL, each with
// the dependency tags it was rendered from (an item, a tenant, its list of
// items, everything), renders each page at most once at a time, and keeps
// the pages true to the hub's events within stated bounds.
//
// Pages come in two sorts. An item page shows one version of one item: an
// event for the item drops it, and it is never served older than the item's
// version floor (see floor.go). An aggregate page (a home, later sections
// and lists) shows many items and changes with every event of any of them;
// under a steady stream of events, dropping it on each would have every
// visitor render it at once, and a render overlapping an event would never
// be stored. So an event only marks an aggregate page stale: the previous
// page is served while one render of its successor runs, for at most
// MaxStale after the event (or, when its renders are slower than that,
// while its successor renders, as long as it took itself), and an aggregate page is re-rendered at most
// once per MaxStale however many events arrive (see Fetch). Every page is
// re-rendered at the latest MaxAge after its render began, event or not, so
// a missed or forged event cannot keep a page for good.
//
// The cache is bounded in bytes and evicts the least recently used pages.
package pagecache

import (
	"container/list"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Tag names something pages depend on.
type Tag string

// AnyContent is the tag of pages that depend on every tenant's content (the
// provincial home); every content event invalidates it.
const AnyContent Tag = "any-content"

// TenantTag is the tag of pages that show a tenant itself (its name, its
// status): its home, its item pages, the provincial home's list of
// sub-portals. A change of the tenant invalidates it.
func TenantTag(tenant string) Tag { return Tag("tenant:" + tenant) }

// TenantItemsTag is the tag of pages that list a tenant's items (its home);
// every content event of the tenant invalidates it.
func TenantItemsTag(tenant string) Tag { return Tag("tenant-items:" + tenant) }

// LegalDocuments is the tag of pages that show what other legal documents,
// of any tenant, state of a document (a legal document's page: replaced
// by, amended by, and its validity, which those set); every legal
// document's event invalidates it.
const LegalDocuments Tag = "legal-documents"

// ItemTag is the tag of pages that depend on one item.
func ItemTag(tenant, contentID string) Tag { return Tag("item:" + tenant + "/" + contentID) }

// Page is a response as it is stored and served: its status, the headers
// it always carries (Content-Type, ETag and those its handler adds;
// Cache-Control is decided when it is served, see Answer.Keep), its bytes
// and its entity tag. Everything about it is computed once, when it is
// rendered, so that serving it (or answering 304) renders nothing.
type Page struct {
	Status int
	Header http.Header
	Body   []byte
	// ETag is the value of its ETag header (a hash of Body, see ETag), kept
	// apart to answer If-None-Match; empty on answers without a
	// representation (redirects).
	ETag string
	// Forms are its representations ready to send, one per content
	// coding: the identity form made by Prepare before it is stored (nil
	// until then, and on pages Prepare leaves alone), the compressed ones
	// by Compressed, on a copy of the page that replaces it in the cache
	// (Cache.compress). A stored page is never changed.
	Forms [numEncodings]*Form
	// compress: prepared, its compressed forms still to make.
	compress bool
}

// NewPage returns a page of status holding body, of contentType, with its
// strong entity tag.
func NewPage(status int, contentType string, body []byte) *Page {
	etag := ETag(body)
	return &Page{Status: status, Body: body, ETag: etag,
		Header: http.Header{"Content-Type": {contentType}, "Etag": {etag}}}
}

func (p *Page) size() int64 {
	n := int64(len(p.Body)) + 64 + headerSize(p.Header)
	for _, f := range p.Forms {
		if f != nil {
			n += 64 + headerSize(f.Header) + headerSize(f.NotModified)
			if f.Encoding != Identity { // the identity form's body is Body
				n += int64(len(f.Body))
			}
		}
	}
	return n
}

func headerSize(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(k) + len(v))
		}
	}
	return n
}

// Config sets up a Cache. Zero durations take their defaults.
type Config struct {
	// MaxBytes bounds the size of the stored pages.
	MaxBytes int64
	// MaxStale is how long an aggregate page may still be served after an
	// event it may not show, while its successor renders; it is also the
	// least time between two renders of an aggregate page. Default 1s.
	MaxStale time.Duration
	// MaxStaleRender bounds how long a render of an aggregate page's
	// successor may run while the page, stale for longer than MaxStale, is
	// still served (see Cache.renewing: as long as the page's own render
	// took, at most this): renders slower than MaxStale (a loaded machine)
	// do not make visitors wait, and a render stuck longer gives way to a
	// new one. Default 10s.
	MaxStaleRender time.Duration
	// MaxAge is how long after its render began a page is re-rendered
	// even without an event. Default 5 minutes.
	MaxAge time.Duration
	// VersionWait is how long a version announced by an event, and not yet
	// read from the store, keeps older renders of its item out of the cache
	// (it covers the replicas' lag). Default 1 minute.
	VersionWait time.Duration
	// RenderTimeout bounds one render, which runs apart from the request
	// that started it. Default 30s.
	RenderTimeout time.Duration
	// Registerer receives the cache's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Background runs the making of a stored page's compressed forms
	// (see compress). Default: a goroutine each, at most GOMAXPROCS of them
	// compressing at once. Tests may run it inline, which makes the
	// compressed forms before the render's waiters are answered (the
	// behaviour before they were made in the background).
	Background func(task func())
}

type entry struct {
	key  string
	page *Page
	tags []Tag
	size int64
	// item: an item page, dropped by its events and never served stale.
	item bool
	// renderedAt is when the render of page began; refreshedAt when the
	// last render of the key began (a refresh may be running or have
	// failed).
	renderedAt, refreshedAt time.Time
	// storedAt is when the page was stored (its render ended).
	storedAt time.Time
	// invalidatedAt is when the first event the page may not show arrived
	// (or, for an event during its render, when the render began); zero
	// while none did.
	invalidatedAt time.Time
	// expiresAt is when the page stops being true by itself (zero: never;
	// see Render.ExpiresAt).
	expiresAt time.Time
	// used is set by Peek, which holds only the read lock and so cannot
	// move the page to the front of the LRU list: eviction gives a page
	// whose flag is set a second chance (moves it to the front and clears
	// the flag) instead of dropping it.
	used atomic.Bool
}

// expired reports whether the page is past its own expiry at now.
func (e *entry) expired(now time.Time) bool {
	return !e.expiresAt.IsZero() && !now.Before(e.expiresAt)
}

// staleSince reports whether the page may be out of date at now, and since
// when: since the first event it may not show, or since it reached maxAge.
func (e *entry) staleSince(now time.Time, maxAge time.Duration) (time.Time, bool) {
	expires := e.renderedAt.Add(maxAge)
	if !e.invalidatedAt.IsZero() && e.invalidatedAt.Before(expires) {
		return e.invalidatedAt, true
	}
	if !now.Before(expires) {
		return expires, true
	}
	return time.Time{}, false
}

// maxTagMarks bounds how many per-tag invalidation marks are remembered;
// beyond it the marks are forgotten and the floor raised instead, which
// keeps every render that began before out of the cache (safe, briefly less
// effective).
const maxTagMarks = 100_000

// Cache is safe for concurrent use.
type Cache struct {
	cfg Config

	mu       sync.RWMutex   // Peek reads under RLock; everything else locks
	gen      uint64         // increases on every invalidation
	floor    uint64         // renders that began before this are not stored
	marks    map[Tag]uint64 // generation of each tag's last invalidation
	lru      *list.List     // of *entry; front = most recently used
	entries  map[string]*list.Element
	byTag    map[Tag]map[string]struct{}
	bytes    int64
	disabled bool
	flights  map[string]*flight // renders running, by key
	versions versionFloors

	hits, misses, stale, shared, renders, evictions prometheus.Counter
	refused, belowFloor, claimsExpired, expired     prometheus.Counter
	renderSeconds                                   *prometheus.HistogramVec
	compressSeconds                                 prometheus.Histogram
}

// New returns a cache configured by cfg. It registers its metrics with
// cfg.Registerer when that is not nil.
func New(cfg Config) *Cache {
	if cfg.MaxStale <= 0 {
		cfg.MaxStale = time.Second
	}
	if cfg.MaxStaleRender <= 0 {
		cfg.MaxStaleRender = 10 * time.Second
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 5 * time.Minute
	}
	if cfg.VersionWait <= 0 {
		cfg.VersionWait = time.Minute
	}
	if cfg.RenderTimeout <= 0 {
		cfg.RenderTimeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Background == nil {
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		cfg.Background = func(task func()) {
			go func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				task()
			}()
		}
	}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_pagecache_" + name, Help: help})
	}
	c := &Cache{
		cfg:      cfg,
		marks:    map[Tag]uint64{},
		lru:      list.New(),
		entries:  map[string]*list.Element{},
		byTag:    map[Tag]map[string]struct{}{},
		flights:  map[string]*flight{},
		versions: newVersionFloors(),
		hits:     counter("hits_total", "Pages served fresh from the page cache."),
		misses:   counter("misses_total", "Page look-ups that found no page to serve (none stored, or too stale) and waited for a render."),
		stale: counter("stale_served_total",
			"Aggregate pages served stale while their successor renders (at most GATEWAY_CACHE_MAX_STALE after an event, or while a successor begun within it renders)."),
		shared:    counter("shared_total", "Requests answered by a render that another request started."),
		renders:   counter("renders_total", "Page renders started (at most one per page at a time)."),
		evictions: counter("evictions_total", "Pages evicted to stay under the size bound."),
		refused: counter("stale_refused_total",
			"Rendered item pages not stored because an event for them arrived during the render."),
		belowFloor: counter("below_floor_total",
			"Rendered item pages not stored because they show an older version than one read before or announced by an event."),
		expired: counter("expired_total",
			"Pages dropped because a time they depend on passed (Render.ExpiresAt: a document's validity, a tender's closing)."),
		claimsExpired: counter("version_claims_expired_total",
			"Versions announced by an event that the store did not show within GATEWAY_CACHE_VERSION_WAIT (a replica lagging longer, or a forged event)."),
	}
	c.renderSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portalhub_gateway_pagecache_render_seconds",
		Help:    "Time of the renders that succeeded (store queries, templates, compression), by page: item or aggregate.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"page"})
	c.compressSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "portalhub_gateway_pagecache_compress_seconds",
		Help:    "Time of making a stored page's gzip and brotli forms, after its render (the page is sent uncompressed meanwhile).",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14)})
	entries := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portalhub_gateway_pagecache_entries",
		Help: "Pages in the cache."}, func() float64 { return float64(c.Len()) })
	bytes := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portalhub_gateway_pagecache_bytes",
		Help: "Approximate bytes of the pages in the cache."}, func() float64 { c.mu.Lock(); defer c.mu.Unlock(); return float64(c.bytes) })
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(c.hits, c.misses, c.stale, c.shared, c.renders, c.evictions, c.refused,
			c.belowFloor, c.claimsExpired, c.expired, c.renderSeconds, c.compressSeconds, entries, bytes)
	}
	return c
}

// Invalidate marks the pages carrying one of tags out of date: item pages
// are dropped, aggregate pages stale (see Fetch).
func (c *Cache) Invalidate(tags ...Tag) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidate(tags, c.cfg.Now())
}

func (c *Cache) invalidate(tags []Tag, now time.Time) {
	c.gen++
	if len(c.marks)+len(tags) > maxTagMarks {
		c.marks = map[Tag]uint64{}
		c.floor = c.gen
	}
	for _, t := range tags {
		c.marks[t] = c.gen
		for key := range c.byTag[t] {
			e := c.entries[key].Value.(*entry)
			switch {
			case e.item:
				c.remove(key)
			case e.invalidatedAt.IsZero():
				e.invalidatedAt = now
			}
		}
	}
}

// invalidatedSince reports whether one of tags was invalidated after gen.
func (c *Cache) invalidatedSince(tags []Tag, gen uint64) bool {
	for _, t := range tags {
		if c.marks[t] > gen {
			return true
		}
	}
	return false
}

// Clear drops every page and every version floor, and keeps every render
// that began before now out of the cache.
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clear()
}

// SetEnabled turns the cache on or off; a disabled cache (for instance while
// the event stream is unreachable, when invalidations could be missed)
// stores and serves nothing, though concurrent requests for a page still
// share one render. Disabling also clears it.
func (c *Cache) SetEnabled(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disabled = !on
	if !on {
		c.clear()
	}
}

// Len returns how many pages are stored.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *Cache) clear() {
	c.gen++
	c.floor = c.gen
	c.marks = map[Tag]uint64{}
	c.versions = newVersionFloors()
	c.lru.Init()
	c.entries = map[string]*list.Element{}
	c.byTag = map[Tag]map[string]struct{}{}
	c.bytes = 0
}

// insert stores e under e.key, replacing what was there, and evicts the
// least recently used pages beyond the size bound.
func (c *Cache) insert(e *entry) bool {
	e.size = e.page.size() + int64(len(e.key))
	if e.size > c.cfg.MaxBytes {
		return false
	}
	c.remove(e.key)
	c.entries[e.key] = c.lru.PushFront(e)
	c.bytes += e.size
	for _, t := range e.tags {
		if c.byTag[t] == nil {
			c.byTag[t] = map[string]struct{}{}
		}
		c.byTag[t][e.key] = struct{}{}
	}
	c.evict(e)
	return true
}

// evict removes the least recently used pages but keep until the stored
// pages are within the size bound.
func (c *Cache) evict(keep *entry) {
	for c.bytes > c.cfg.MaxBytes {
		back := c.lru.Back()
		old := back.Value.(*entry)
		if old == keep {
			if c.lru.Len() == 1 {
				return // keep alone is within MaxBytes (insert checked it)
			}
			c.lru.MoveToFront(back)
			continue
		}
		if old.used.Swap(false) {
			c.lru.MoveToFront(back) // served by Peek since: a second chance
			continue
		}
		c.remove(old.key)
		c.evictions.Inc()
	}
}

// Peek answers the page stored under key when Fetch would answer it
// without starting a render, and the cache is enabled: a page no event or
// age has made stale (Hit), or an aggregate page Fetch would serve stale
// while a render of its successor runs or before one is due (Stale, not
// kept by others). Otherwise it reports false, and the caller goes the way
// of Fetch (which may start a render, or wait for one). It takes only the
// read lock and changes nothing but a flag and a count, so concurrent
// answers do not wait on each other: it is the fast path of the answers
// from the cache, the homes' too while events flow.
func (c *Cache) Peek(key string) (Answer, bool) {
	c.mu.RLock()
	el, ok := c.entries[key]
	if !ok || c.disabled {
		c.mu.RUnlock()
		return Answer{}, false
	}
	e := el.Value.(*entry)
	now := c.cfg.Now()
	a := Answer{Page: e.page, Source: Hit, Keep: true}
	if since, stale := e.staleSince(now, c.cfg.MaxAge); e.expired(now) {
		ok = false
	} else if stale {
		f := c.flights[key]
		ok = !e.item && (now.Sub(since) <= c.cfg.MaxStale || c.renewing(e, f, since, now)) &&
			(f != nil || now.Sub(e.refreshedAt) < c.cfg.MaxStale) // else Fetch starts the successor
		a = Answer{Page: e.page, Source: Stale}
	}
	if !ok {
		c.mu.RUnlock()
		return Answer{}, false
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	c.mu.RUnlock()
	if a.Source == Hit {
		c.hits.Inc()
	} else {
		c.stale.Inc()
	}
	return a, true
}

func (c *Cache) remove(key string) {
	el, ok := c.entries[key]
	if !ok {
		return
	}
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.entries, key)
	c.bytes -= e.size
	for _, t := range e.tags {
		if m := c.byTag[t]; m != nil {
			delete(m, key)
			if len(m) == 0 {
				delete(c.byTag, t)
			}
		}
	}
}
