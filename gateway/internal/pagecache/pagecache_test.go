package pagecache

import (
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func page(body string) *Page { return &Page{Status: 200, Body: []byte(body)} }

func TestGetPutInvalidate(t *testing.T) {
	c := New(1<<20, nil)
	item, home, tenantHome := "/vi/so/tin", "/vi/", "/vi/so/"
	gen := c.Generation()
	c.Put(item, page("item"), []Tag{ItemTag("so", "a"), TenantTag("so")}, gen)
	c.Put(tenantHome, page("tenant"), []Tag{TenantTag("so")}, gen)
	c.Put(home, page("home"), []Tag{AnyContent}, gen)
	c.Put("/vi/other/", page("other"), []Tag{TenantTag("other")}, gen)
	if p, ok := c.Get(item); !ok || string(p.Body) != "item" {
		t.Fatalf("Get(item) = %v, %v", p, ok)
	}
	c.Invalidate(ItemTag("so", "b"))
	if _, ok := c.Get(item); !ok {
		t.Error("invalidating another item dropped the page")
	}
	c.Invalidate(ItemTag("so", "a"), TenantTag("so"), AnyContent)
	for _, k := range []string{item, home, tenantHome} {
		if _, ok := c.Get(k); ok {
			t.Errorf("%s still cached after its event", k)
		}
	}
	if _, ok := c.Get("/vi/other/"); !ok {
		t.Error("another tenant's home was dropped")
	}
}

// A render that began before an invalidation of one of its tags is not
// stored: it may show the state before the event.
func TestRenderDuringInvalidationIsNotStored(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := New(1<<20, reg)
	tags := []Tag{ItemTag("so", "a"), TenantTag("so")}
	gen := c.Generation() // render starts, reads the old row...
	c.Invalidate(ItemTag("so", "a"), TenantTag("so"), AnyContent)
	if c.Put("/vi/so/tin", page("old"), tags, gen) {
		t.Error("Put stored a page rendered before the invalidation")
	}
	if _, ok := c.Get("/vi/so/tin"); ok {
		t.Error("stale page served")
	}
	if got := testutil.ToFloat64(c.refused); got != 1 {
		t.Errorf("refused = %v, want 1", got)
	}
	// An invalidation of something else does not refuse it.
	gen = c.Generation()
	c.Invalidate(ItemTag("other", "x"), TenantTag("other"))
	if !c.Put("/vi/so/tin", page("new"), tags, gen) {
		t.Error("Put refused a page whose tags were not invalidated")
	}
	// Clear refuses every render that began before it.
	gen = c.Generation()
	c.Clear()
	if c.Put("/vi/so/tin2", page("x"), tags, gen) {
		t.Error("Put stored a page rendered before Clear")
	}
	if c.Len() != 0 {
		t.Errorf("Len after Clear = %d", c.Len())
	}
}

func TestDisabled(t *testing.T) {
	c := New(1<<20, nil)
	c.Put("/a", page("a"), nil, c.Generation())
	c.ItemEvent("so", "a", 5)
	before := c.Generation() // a render that began while enabled
	c.SetEnabled(false)
	if _, ok := c.Get("/a"); ok {
		t.Error("disabled cache served a page")
	}
	if c.Put("/b", page("b"), nil, c.Generation()) {
		t.Error("disabled cache stored a page")
	}
	c.SetEnabled(true)
	if c.Put("/c", page("c"), nil, before) {
		t.Error("re-enabled cache stored a page rendered before it was disabled")
	}
	if c.Floor("so", "a") != 0 {
		t.Error("disabling kept the version floors")
	}
	if !c.Put("/b", page("b"), nil, c.Generation()) {
		t.Error("re-enabled cache refused a page")
	}
}

func TestLRUBound(t *testing.T) {
	reg := prometheus.NewRegistry()
	body := strings.Repeat("x", 1000)
	c := New(3500, reg)
	for _, k := range []string{"/1", "/2", "/3"} {
		c.Put(k, page(body), []Tag{"t"}, c.Generation())
	}
	c.Get("/1") // /2 is now the least recently used
	c.Put("/4", page(body), []Tag{"t"}, c.Generation())
	if _, ok := c.Get("/2"); ok {
		t.Error("least recently used page was not evicted")
	}
	for _, k := range []string{"/1", "/3", "/4"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
	if got := testutil.ToFloat64(c.evictions); got != 1 {
		t.Errorf("evictions = %v, want 1", got)
	}
	if c.bytes > c.maxBytes {
		t.Errorf("bytes %d over bound %d", c.bytes, c.maxBytes)
	}
	// Evicted pages leave no tag index behind.
	c.Invalidate("t")
	if c.Len() != 0 || len(c.byTag) != 0 {
		t.Errorf("after invalidating t: %d pages, %d tags", c.Len(), len(c.byTag))
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := New(1<<20, reg)
	c.Get("/a")
	c.Put("/a", page("a"), nil, c.Generation())
	c.Get("/a")
	c.Get("/a")
	if h, m := testutil.ToFloat64(c.hits), testutil.ToFloat64(c.misses); h != 2 || m != 1 {
		t.Errorf("hits %v misses %v, want 2 and 1", h, m)
	}
	if n, err := testutil.GatherAndCount(reg, "portalhub_gateway_pagecache_entries"); err != nil || n != 1 {
		t.Errorf("entries gauge: %d, %v", n, err)
	}
}

// An item page showing an older version than the newest event seen for the
// item is not stored, also when its render began after the event (a replica
// that has not caught up); older events are dropped and invalidate nothing.
func TestVersionFloor(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := New(1<<20, reg)
	key, tags := "/vi/so/tin", []Tag{ItemTag("so", "a"), TenantTag("so")}
	if !c.ItemEvent("so", "a", 5, tags...) {
		t.Fatal("first event dropped")
	}
	gen := c.Generation() // the render begins after the event...
	if c.PutItem(key, page("v4"), tags, gen, "so", "a", 4) {
		t.Error("stored a page showing version 4 after an event for version 5")
	}
	if got := testutil.ToFloat64(c.belowFloor); got != 1 {
		t.Errorf("below floor = %v, want 1", got)
	}
	if !c.PutItem(key, page("v5"), tags, gen, "so", "a", 5) {
		t.Fatal("refused the page of the announced version")
	}
	if !c.PutItem("/vi/so/khac", page("other"), []Tag{ItemTag("so", "b")}, gen, "so", "b", 1) {
		t.Error("another item's floor applied")
	}
	// An older event is dropped: the page stays.
	if c.ItemEvent("so", "a", 3, tags...) {
		t.Error("older event not dropped")
	}
	if _, ok := c.Get(key); !ok {
		t.Error("an older event dropped the page")
	}
	if got := c.Floor("so", "a"); got != 5 {
		t.Errorf("floor = %d after an older event, want 5", got)
	}
	// The same version again (a takedown keeps the version) invalidates.
	if !c.ItemEvent("so", "a", 5, tags...) {
		t.Error("event of the floor's version dropped")
	}
	if _, ok := c.Get(key); ok {
		t.Error("page kept after an event of its version")
	}
	// Clearing forgets the floors.
	c.Clear()
	if got := c.Floor("so", "a"); got != 0 {
		t.Errorf("floor = %d after Clear, want 0", got)
	}
}

func TestVersionFloorsBounded(t *testing.T) {
	c := New(1<<20, nil)
	for i := 0; i < maxFloors+10; i++ {
		c.ItemEvent("so", strconv.Itoa(i), 1)
	}
	if len(c.floors) != maxFloors || c.floorsLRU.Len() != maxFloors {
		t.Errorf("%d floors (%d in LRU), want %d", len(c.floors), c.floorsLRU.Len(), maxFloors)
	}
	if c.Floor("so", "0") != 0 || c.Floor("so", strconv.Itoa(maxFloors+9)) != 1 {
		t.Error("the bound did not forget the least recently announced floor first")
	}
}
