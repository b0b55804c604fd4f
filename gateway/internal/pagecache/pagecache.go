// Package pagecache keeps rendered pages in memory, keyed by path, each with
// the dependency tags it was rendered from (an item, a tenant, everything).
// Invalidating a tag drops the pages that depend on it.
//
// A render that began before an invalidation must not be stored, or the cache
// could keep a page older than the newest event seen. So a caller takes a
// Generation before reading the store, and Put refuses the page when any of
// its tags (or the whole cache) was invalidated after that generation. The
// cache is bounded in bytes and evicts the least recently used pages.
//
// The generation check does not cover a render that begins after an event but
// reads a store that has not caught up with it yet (the gateway reads from
// replicas). So the cache also keeps, per item, the highest version the hub
// announced (its version floor): ItemEvent records it, and PutItem refuses a
// page showing an older version of the item. The floors are bounded (least
// recently announced forgotten first) and forgotten when the cache is cleared.
package pagecache

import (
	"container/list"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Tag names something pages depend on.
type Tag string

// AnyContent is the tag of pages that depend on every tenant's content (the
// provincial home); every content event invalidates it.
const AnyContent Tag = "any-content"

// TenantTag is the tag of pages that depend on a tenant's content.
func TenantTag(tenant string) Tag { return Tag("tenant:" + tenant) }

// ItemTag is the tag of pages that depend on one item.
func ItemTag(tenant, contentID string) Tag { return Tag("item:" + tenant + "/" + contentID) }

// Page is a stored response.
type Page struct {
	Status int
	Header http.Header
	Body   []byte
}

func (p *Page) size() int64 {
	n := int64(len(p.Body)) + 64
	for k, vs := range p.Header {
		for _, v := range vs {
			n += int64(len(k) + len(v))
		}
	}
	return n
}

type entry struct {
	key  string
	page *Page
	tags []Tag
	size int64
}

// maxTagMarks bounds how many per-tag invalidation marks are remembered;
// beyond it the marks are forgotten and the floor raised instead, which
// refuses every render that began before (safe, briefly less effective).
const maxTagMarks = 100_000

// maxFloors bounds how many item version floors are remembered; beyond it the
// least recently announced item's floor is forgotten.
const maxFloors = 100_000

type floorEntry struct {
	key     string // tenant + "/" + content_id
	version uint64
}

// Cache is safe for concurrent use.
type Cache struct {
	maxBytes int64

	mu       sync.Mutex
	gen      uint64         // increases on every invalidation
	floor    uint64         // renders that began before this are refused
	marks    map[Tag]uint64 // generation of each tag's last invalidation
	lru      *list.List     // front = most recently used
	entries  map[string]*list.Element
	byTag    map[Tag]map[string]struct{}
	bytes    int64
	disabled bool

	floors    map[string]*list.Element // of *floorEntry
	floorsLRU *list.List               // front = most recently announced

	hits, misses, evictions, refused, belowFloor prometheus.Counter
	entriesG, bytesG                             prometheus.GaugeFunc
}

// New returns a cache holding at most maxBytes of pages. It registers its
// metrics with reg when reg is not nil.
func New(maxBytes int64, reg prometheus.Registerer) *Cache {
	c := &Cache{
		maxBytes:  maxBytes,
		marks:     map[Tag]uint64{},
		lru:       list.New(),
		entries:   map[string]*list.Element{},
		byTag:     map[Tag]map[string]struct{}{},
		floors:    map[string]*list.Element{},
		floorsLRU: list.New(),
		hits: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_pagecache_hits_total",
			Help: "Pages served from the page cache."}),
		misses: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_pagecache_misses_total",
			Help: "Page look-ups that missed the cache."}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_pagecache_evictions_total",
			Help: "Pages evicted to stay under the size bound."}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_pagecache_stale_refused_total",
			Help: "Rendered pages not stored because an invalidation happened during the render."}),
		belowFloor: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_pagecache_below_floor_total",
			Help: "Rendered item pages not stored because they show an older version than the newest event seen for the item."}),
	}
	c.entriesG = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portalhub_gateway_pagecache_entries",
		Help: "Pages in the cache."}, func() float64 { c.mu.Lock(); defer c.mu.Unlock(); return float64(len(c.entries)) })
	c.bytesG = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portalhub_gateway_pagecache_bytes",
		Help: "Approximate bytes of the pages in the cache."}, func() float64 { c.mu.Lock(); defer c.mu.Unlock(); return float64(c.bytes) })
	if reg != nil {
		reg.MustRegister(c.hits, c.misses, c.evictions, c.refused, c.belowFloor, c.entriesG, c.bytesG)
	}
	return c
}

// Get returns the page stored under key.
func (c *Cache) Get(key string) (*Page, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok || c.disabled {
		c.misses.Inc()
		return nil, false
	}
	c.lru.MoveToFront(el)
	c.hits.Inc()
	return el.Value.(*entry).page, true
}

// Generation returns the current generation; take it before reading what a
// page is rendered from, and pass it to Put.
func (c *Cache) Generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// Put stores page under key with its tags, unless the cache or one of the
// tags was invalidated after gen, or the cache is disabled. It reports
// whether the page was stored. The caller must not change page afterwards.
func (c *Cache) Put(key string, page *Page, tags []Tag, gen uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.put(key, page, tags, gen)
}

// PutItem is Put for a page showing version of the item (tenant,
// contentID): it also refuses the page when an event announced a newer
// version of the item (see Floor).
func (c *Cache) PutItem(key string, page *Page, tags []Tag, gen uint64, tenant, contentID string, version uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.versionFloor(tenant, contentID) {
		c.belowFloor.Inc()
		return false
	}
	return c.put(key, page, tags, gen)
}

func (c *Cache) put(key string, page *Page, tags []Tag, gen uint64) bool {
	if c.disabled || gen < c.floor {
		c.refused.Inc()
		return false
	}
	for _, t := range tags {
		if c.marks[t] > gen {
			c.refused.Inc()
			return false
		}
	}
	e := &entry{key: key, page: page, tags: tags, size: page.size() + int64(len(key))}
	if e.size > c.maxBytes {
		return false
	}
	c.remove(key)
	c.entries[key] = c.lru.PushFront(e)
	c.bytes += e.size
	for _, t := range tags {
		if c.byTag[t] == nil {
			c.byTag[t] = map[string]struct{}{}
		}
		c.byTag[t][key] = struct{}{}
	}
	for c.bytes > c.maxBytes {
		oldest := c.lru.Back()
		c.remove(oldest.Value.(*entry).key)
		c.evictions.Inc()
	}
	return true
}

// Invalidate drops every page carrying one of tags, and makes Put refuse
// pages with those tags whose render began before now.
func (c *Cache) Invalidate(tags ...Tag) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidate(tags)
}

func (c *Cache) invalidate(tags []Tag) {
	c.gen++
	if len(c.marks)+len(tags) > maxTagMarks {
		c.marks = map[Tag]uint64{}
		c.floor = c.gen
	}
	for _, t := range tags {
		c.marks[t] = c.gen
		for key := range c.byTag[t] {
			c.remove(key)
		}
	}
}

// ItemEvent handles the hub's announcement of version of the item (tenant,
// contentID). An event older than the item's floor (the newest version
// announced) is dropped, as consumers drop older versions (it reports false,
// and nothing changes). Otherwise the floor is raised to version and tags
// are invalidated as by Invalidate, in one step, so a render that begins
// after the event either sees the floor or began before the invalidation.
// An event of the floor's own version (a takedown keeps the version) still
// invalidates.
func (c *Cache) ItemEvent(tenant, contentID string, version uint64, tags ...Tag) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := tenant + "/" + contentID
	if el, ok := c.floors[key]; ok {
		f := el.Value.(*floorEntry)
		if version < f.version {
			return false
		}
		f.version = version
		c.floorsLRU.MoveToFront(el)
	} else {
		c.floors[key] = c.floorsLRU.PushFront(&floorEntry{key: key, version: version})
		for len(c.floors) > maxFloors {
			oldest := c.floorsLRU.Back()
			c.floorsLRU.Remove(oldest)
			delete(c.floors, oldest.Value.(*floorEntry).key)
		}
	}
	c.invalidate(tags)
	return true
}

// Floor returns the newest version announced for the item since the cache
// was last cleared (0 when none is remembered).
func (c *Cache) Floor(tenant, contentID string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.versionFloor(tenant, contentID)
}

func (c *Cache) versionFloor(tenant, contentID string) uint64 {
	if el, ok := c.floors[tenant+"/"+contentID]; ok {
		return el.Value.(*floorEntry).version
	}
	return 0
}

// Clear drops every page and every version floor, and refuses every render
// that began before now.
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clear()
}

// SetEnabled turns the cache on or off; a disabled cache (for instance while
// the event stream is unreachable, when invalidations could be missed)
// stores and serves nothing. Disabling also clears it.
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

// clear drops every page and version floor and refuses every render that
// began before now.
func (c *Cache) clear() {
	c.gen++
	c.floor = c.gen
	c.marks = map[Tag]uint64{}
	c.floors = map[string]*list.Element{}
	c.floorsLRU.Init()
	c.lru.Init()
	c.entries = map[string]*list.Element{}
	c.byTag = map[Tag]map[string]struct{}{}
	c.bytes = 0
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
