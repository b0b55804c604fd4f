package pagecache

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portalhub/portalhub/services/testenv"
)

// clock is a fake clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newCache(t *testing.T, clk *clock) *Cache {
	t.Helper()
	return New(Config{MaxBytes: 1 << 20, Registerer: prometheus.NewRegistry(), Now: clk.Now})
}

// pages renders numbered pages ("name 1", "name 2", ...) with fixed tags
// and counts its renders.
type pages struct {
	name string
	tags []Tag
	item *ItemVersion
	n    atomic.Int64
}

func (p *pages) render(context.Context) (*Render, error) {
	n := p.n.Add(1)
	r := &Render{Page: &Page{Status: 200, Body: []byte(p.name + " " + strconv.FormatInt(n, 10))}, Tags: p.tags}
	if p.item != nil {
		it := *p.item
		r.Item = &it
	}
	return r, nil
}

func fetch(t *testing.T, c *Cache, key string, render func(context.Context) (*Render, error)) Answer {
	t.Helper()
	a, err := c.Fetch(context.Background(), key, render)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", key, err)
	}
	return a
}

func (a Answer) String() string { return fmt.Sprintf("%s %q keep=%v", a.Source, a.Page.Body, a.Keep) }

// waitIdle waits until no render of key runs.
func waitIdle(t *testing.T, c *Cache, key string) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.flights[key] != nil {
			return errors.New("render still running")
		}
		return nil
	})
}

func TestFetchAndInvalidate(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	item := &pages{name: "item", tags: []Tag{ItemTag("so", "a"), TenantTag("so")}, item: &ItemVersion{"so", "a", 1}}
	other := &pages{name: "other", tags: []Tag{ItemTag("so", "b"), TenantTag("so")}, item: &ItemVersion{"so", "b", 1}}
	if a := fetch(t, c, "/vi/so/a", item.render); a.Source != Rendered || string(a.Page.Body) != "item 1" || !a.Keep {
		t.Fatalf("first fetch: %v", a)
	}
	fetch(t, c, "/vi/so/b", other.render)
	if a := fetch(t, c, "/vi/so/a", item.render); a.Source != Hit || string(a.Page.Body) != "item 1" {
		t.Fatalf("second fetch: %v", a)
	}
	c.Invalidate(ItemTag("so", "a"))
	if a := fetch(t, c, "/vi/so/a", item.render); a.Source != Rendered || string(a.Page.Body) != "item 2" {
		t.Errorf("after its event: %v; an item page is never served stale", a)
	}
	if a := fetch(t, c, "/vi/so/b", other.render); a.Source != Hit {
		t.Errorf("another item's event dropped the page: %v", a)
	}
}

// Concurrent requests for a page that is not stored share one render.
func TestOneRenderAtATime(t *testing.T) {
	c := newCache(t, newClock())
	release := make(chan struct{})
	var renders atomic.Int64
	render := func(context.Context) (*Render, error) {
		renders.Add(1)
		<-release
		return &Render{Page: &Page{Status: 200, Body: []byte("home")}, Tags: []Tag{AnyContent}}, nil
	}
	const clients = 50
	answers := make(chan Answer, clients)
	for i := 0; i < clients; i++ {
		go func() {
			a, err := c.Fetch(context.Background(), "/vi/", render)
			if err != nil {
				t.Error(err)
			}
			answers <- a
		}()
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if f := c.flights["/vi/"]; f == nil || f.waiters != clients {
			return errors.New("not every client waits yet")
		}
		return nil
	})
	close(release)
	sources := map[Source]int{}
	for i := 0; i < clients; i++ {
		a := <-answers
		if string(a.Page.Body) != "home" {
			t.Errorf("answer %q", a.Page.Body)
		}
		sources[a.Source]++
	}
	if renders.Load() != 1 || sources[Rendered] != 1 || sources[Shared] != clients-1 {
		t.Errorf("%d renders, sources %v; want 1 render shared by all", renders.Load(), sources)
	}
	if got := testutil.ToFloat64(c.shared); got != clients-1 {
		t.Errorf("shared = %v", got)
	}
}

// An aggregate page is served stale for at most MaxStale after an event,
// while one render of its successor runs; it is rendered at most once per
// MaxStale however many events arrive.
func TestStaleWhileRevalidate(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	home := &pages{name: "home", tags: []Tag{AnyContent}}
	key := "/vi/"
	fetch(t, c, key, home.render)

	c.Invalidate(AnyContent)
	// Within MaxStale of the render that produced it: served stale, no
	// render yet (the last began less than MaxStale ago).
	for i := 0; i < 5; i++ {
		c.Invalidate(AnyContent)
		if a := fetch(t, c, key, home.render); a.Source != Stale || string(a.Page.Body) != "home 1" || a.Keep {
			t.Fatalf("right after events: %v, want the previous page, stale, not kept", a)
		}
	}
	if n := home.n.Load(); n != 1 {
		t.Fatalf("%d renders within MaxStale", n)
	}
	// MaxStale later: still served stale (the events are MaxStale old) and
	// its successor renders in the background.
	clk.Advance(time.Second)
	if a := fetch(t, c, key, home.render); a.Source != Stale || string(a.Page.Body) != "home 1" {
		t.Fatalf("at MaxStale: %v", a)
	}
	waitIdle(t, c, key)
	if a := fetch(t, c, key, home.render); a.Source != Hit || string(a.Page.Body) != "home 2" {
		t.Fatalf("after the refresh: %v", a)
	}
	// Stale for longer than MaxStale (nobody asked meanwhile): the visitor
	// waits for the successor rather than see a page that old.
	c.Invalidate(AnyContent)
	clk.Advance(time.Second + time.Millisecond)
	if a := fetch(t, c, key, home.render); a.Source != Rendered || string(a.Page.Body) != "home 3" || !a.Keep {
		t.Fatalf("stale beyond MaxStale: %v, want a new render", a)
	}
	if n := home.n.Load(); n != 3 {
		t.Errorf("%d renders, want 3", n)
	}
}

// An aggregate page whose render overlapped an event is stored, stale since
// its render began; an item page in that case is not stored.
func TestRenderDuringEvent(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	for _, tt := range []struct {
		key    string
		item   *ItemVersion
		stored bool
	}{
		{"/vi/", nil, true},
		{"/vi/so/a", &ItemVersion{"so", "a", 1}, false},
	} {
		var n int
		render := func(context.Context) (*Render, error) {
			n++
			if n == 1 {
				c.Invalidate(AnyContent, ItemTag("so", "a")) // the event arrives mid-render
			}
			return &Render{Page: &Page{Status: 200, Body: []byte("p" + strconv.Itoa(n))}, Tags: []Tag{AnyContent, ItemTag("so", "a")}, Item: tt.item}, nil
		}
		if a := fetch(t, c, tt.key, render); a.Keep {
			t.Errorf("%s: a render overlapping an event was kept by others: %v", tt.key, a)
		}
		a := fetch(t, c, tt.key, render)
		if tt.stored && (a.Source != Stale || string(a.Page.Body) != "p1") {
			t.Errorf("%s: %v, want p1 served stale", tt.key, a)
		}
		if !tt.stored && (a.Source != Rendered || string(a.Page.Body) != "p2") {
			t.Errorf("%s: %v, want p2 rendered", tt.key, a)
		}
	}
	if got := testutil.ToFloat64(c.refused); got != 1 {
		t.Errorf("refused = %v, want 1", got)
	}
}

// A render slower than the page's own does not stretch the bound: a visitor
// who comes more than MaxStale after an event that arrived while a render
// was running gets neither the stale page nor that render's answer (it
// began before the event) but a new render's. The slow render, being older,
// does not replace the newer page when it ends.
func TestSlowRenderOvertaken(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	key := "/vi/"
	var n atomic.Int64
	slowBegan, release := make(chan struct{}), make(chan struct{})
	render := func(context.Context) (*Render, error) {
		i := n.Add(1)
		if i == 2 { // the slow one
			close(slowBegan)
			<-release
		}
		return &Render{Page: &Page{Status: 200, Body: []byte("home " + strconv.FormatInt(i, 10))}, Tags: []Tag{AnyContent}}, nil
	}
	fetch(t, c, key, render) // home 1, stored

	// An event; MaxStale later a visitor is served home 1 stale and starts
	// render 2, which hangs; a second event arrives while it runs.
	c.Invalidate(AnyContent)
	clk.Advance(time.Second)
	if a := fetch(t, c, key, render); a.Source != Stale || string(a.Page.Body) != "home 1" {
		t.Fatalf("at MaxStale: %v", a)
	}
	<-slowBegan
	c.Invalidate(AnyContent)
	clk.Advance(time.Second + time.Millisecond)
	// More than MaxStale after the second event: not render 2's answer.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // joining render 2 would wait for ever
	defer cancel()
	if a, err := c.Fetch(ctx, key, render); err != nil || a.Source != Rendered || string(a.Page.Body) != "home 3" {
		close(release)
		t.Fatalf("more than MaxStale after an event, during a slow render: %v %v, want home 3 rendered", a, err)
	}
	close(release)
	waitIdle(t, c, key)
	if a := fetch(t, c, key, render); a.Source != Hit || string(a.Page.Body) != "home 3" {
		t.Errorf("after the slow render ended: %v, want home 3 kept", a)
	}
}

// Renders slower than MaxStale under a steady stream of events (a loaded
// machine: issue 11's load part measured aggregate renders of 0.3-1.6 s on
// average with 27-40 events a second) do not make visitors wait: while the
// successor of a stale page renders, begun within MaxStale of the page
// becoming stale or being stored, for as long as the page's own render
// took, the page is served stale (a visitor who waited would get nothing
// sooner), and a page stored less than MaxStale ago starts its successor
// and is served. Before, every visitor more than MaxStale after the first
// event waited for a render, and started a render of its own when the one
// running began before an event (overtaken): the homes kept 0.30 of their
// idle requests/s.
func TestStaleWhileSlowSuccessorRenders(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	key := "/vi/"
	var n atomic.Int64
	began, release := make(chan struct{}, 1), make(chan struct{})
	var during func() // run inside a render (an event arriving during it)
	render := func(context.Context) (*Render, error) {
		i := n.Add(1)
		switch i {
		case 2:
			began <- struct{}{}
			<-release
		case 4:
			during()
		}
		if i != 2 {
			clk.Advance(1500 * time.Millisecond) // each render takes 1.5 s of the clock
		}
		return &Render{Page: &Page{Status: 200, Body: []byte("home " + strconv.FormatInt(i, 10))}, Tags: []Tag{AnyContent}}, nil
	}
	fetch(t, c, key, render) // home 1, which took 1.5 s
	c.Invalidate(AnyContent)
	clk.Advance(time.Second)
	if a := fetch(t, c, key, render); a.Source != Stale || string(a.Page.Body) != "home 1" {
		t.Fatalf("at MaxStale: %v", a)
	}
	<-began // render 2, begun as it was due; events keep coming
	c.Invalidate(AnyContent)
	clk.Advance(1200 * time.Millisecond)
	c.Invalidate(AnyContent)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // waiting for render 2 would hang
	a, err := c.Fetch(ctx, key, render)
	cancel()
	if err != nil || a.Source != Stale || string(a.Page.Body) != "home 1" || a.Keep {
		close(release)
		t.Fatalf("2.2 s after the first event, render 2 running for 1.2 s: %v %v, want home 1 served stale", a, err)
	}
	if a, ok := c.Peek(key); !ok || a.Source != Stale || string(a.Page.Body) != "home 1" {
		t.Errorf("Peek then: %v %v, want home 1 stale", a.Page, ok)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("%d renders started, want 2 (none beside the running one)", got)
	}
	// Render 2 has run longer than home 1's render took: a visitor now
	// gets a render begun after the last event, not the stale page.
	clk.Advance(400 * time.Millisecond)
	if _, ok := c.Peek(key); ok {
		t.Error("Peek answered the stale page with its successor slower than the page's own render")
	}
	if a := fetch(t, c, key, render); a.Source != Rendered || string(a.Page.Body) != "home 3" {
		t.Fatalf("render 2 running longer than home 1's render: %v, want home 3 rendered", a)
	}
	close(release)
	waitIdle(t, c, key)
	// Render 4 overlaps an event: stored, already stale for its 1.5 s, but
	// stored just now, so it is served while render 5 starts.
	c.Invalidate(AnyContent)
	clk.Advance(1100 * time.Millisecond)
	during = func() { c.Invalidate(AnyContent) }
	if a := fetch(t, c, key, render); a.Source != Rendered || string(a.Page.Body) != "home 4" {
		t.Fatalf("1.1 s after an event: %v, want home 4 rendered", a)
	}
	if a := fetch(t, c, key, render); a.Source != Stale || string(a.Page.Body) != "home 4" {
		t.Fatalf("just after render 4 was stored: %v, want home 4 served stale while render 5 runs", a)
	}
	waitIdle(t, c, key)
	if a := fetch(t, c, key, render); a.Source != Hit || string(a.Page.Body) != "home 5" {
		t.Errorf("after render 5: %v, want home 5", a)
	}
}

// Pages are re-rendered MaxAge after their render began, without any event.
func TestMaxAge(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	home := &pages{name: "home", tags: []Tag{AnyContent}}
	item := &pages{name: "item", tags: []Tag{ItemTag("so", "a")}, item: &ItemVersion{"so", "a", 1}}
	fetch(t, c, "/vi/", home.render)
	fetch(t, c, "/vi/so/a", item.render)
	clk.Advance(5*time.Minute - time.Millisecond)
	if a, b := fetch(t, c, "/vi/", home.render), fetch(t, c, "/vi/so/a", item.render); a.Source != Hit || b.Source != Hit {
		t.Fatalf("before MaxAge: %v, %v", a, b)
	}
	clk.Advance(time.Millisecond)
	if a := fetch(t, c, "/vi/so/a", item.render); a.Source != Rendered || string(a.Page.Body) != "item 2" {
		t.Errorf("item page at MaxAge: %v, want re-rendered", a)
	}
	if a := fetch(t, c, "/vi/", home.render); a.Source != Stale {
		t.Errorf("home at MaxAge: %v, want served stale while it re-renders", a)
	}
	waitIdle(t, c, "/vi/")
	if a := fetch(t, c, "/vi/", home.render); a.Source != Hit || string(a.Page.Body) != "home 2" {
		t.Errorf("home after MaxAge: %v", a)
	}
}

// Continuous events and many readers: each page is rendered at most once
// per MaxStale interval (counted by the fake clock's time when its render
// began, so not by wall-clock time), every reader is answered, and the
// pages keep up: one render per interval while events flow, and a visitor
// more than MaxStale after the last event gets a page rendered after it.
func TestRendersBoundedUnderEvents(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	var mu sync.Mutex
	renders := map[string]map[time.Time]int{} // key -> render start -> renders
	renderOf := func(key string, tags ...Tag) func(context.Context) (*Render, error) {
		return func(context.Context) (*Render, error) {
			c.mu.Lock()
			began := c.flights[key].began
			c.mu.Unlock()
			mu.Lock()
			if renders[key] == nil {
				renders[key] = map[time.Time]int{}
			}
			renders[key][began]++
			mu.Unlock()
			return &Render{Page: &Page{Status: 200, Body: []byte(key + " " + began.String())}, Tags: tags}, nil
		}
	}
	keys := map[string]func(context.Context) (*Render, error){
		"/vi/":    renderOf("/vi/", AnyContent, TenantTag("so")),
		"/en/":    renderOf("/en/", AnyContent, TenantTag("so")),
		"/vi/so/": renderOf("/vi/so/", TenantItemsTag("so"), TenantTag("so")),
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var served, failed atomic.Int64
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				for key, render := range keys {
					a, err := c.Fetch(ctx, key, render)
					if ctx.Err() != nil {
						return
					}
					if err != nil || a.Page.Status != 200 {
						failed.Add(1)
					}
					served.Add(1)
				}
			}
		}()
	}
	var events atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := uint64(1); ctx.Err() == nil; v++ {
			c.ItemEvent("so", "a"+strconv.FormatUint(v%50, 10), v, ItemTag("so", "x"), TenantItemsTag("so"), AnyContent)
			events.Add(1)
		}
	}()

	const ticks = 10
	for tick := 0; tick < ticks; tick++ {
		s, e, now := served.Load(), events.Load(), clk.Now()
		// Each page must be rendered again in each interval of events
		// (waited for, not timed: on a loaded machine the readers may take
		// a while to come round), and at most once (checked below).
		testenv.WaitFor(t, time.Minute, func() error { // long: the race detector on a loaded machine
			if served.Load() < s+200 || events.Load() < e+200 {
				return errors.New("not enough requests and events this tick")
			}
			mu.Lock()
			defer mu.Unlock()
			for key := range keys {
				if renders[key][now] == 0 {
					return fmt.Errorf("%s not yet rendered in the interval from %s", key, now.Format("15:04:05"))
				}
			}
			return nil
		})
		clk.Advance(time.Second)
	}
	stop()
	wg.Wait()
	for key := range keys {
		waitIdle(t, c, key)
	}
	if failed.Load() != 0 {
		t.Errorf("%d of %d requests failed", failed.Load(), served.Load())
	}
	mu.Lock()
	for key, byStart := range renders {
		for began, n := range byStart {
			if n > 1 {
				t.Errorf("%s: %d renders began at %s, want at most one per interval", key, n, began.Format("15:04:05"))
			}
		}
		// One render per interval from the first on (the last interval
		// may end before a reader asks).
		if len(byStart) < ticks {
			t.Errorf("%s rendered in %d of %d intervals of events: it did not keep up", key, len(byStart), ticks+1)
		}
	}
	mu.Unlock()

	c.ItemEvent("so", "last", 1, AnyContent)
	clk.Advance(time.Second + time.Millisecond)
	if a := fetch(t, c, "/vi/", keys["/vi/"]); a.Source != Rendered || string(a.Page.Body) != "/vi/ "+clk.Now().String() {
		t.Errorf("more than MaxStale after the last event: %v, want a page rendered now", a)
	}
	t.Logf("%d requests, %d events, renders %v", served.Load(), events.Load(), renders)
}

// A visitor who leaves does not fail the render others wait for.
func TestWaiterCancelled(t *testing.T) {
	c := newCache(t, newClock())
	release := make(chan struct{})
	render := func(ctx context.Context) (*Render, error) {
		<-release
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return &Render{Page: &Page{Status: 200, Body: []byte("ok")}}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.Fetch(ctx, "/vi/", render); errc <- err }()
	testenv.WaitFor(t, 10*time.Second, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.flights["/vi/"] == nil {
			return errors.New("no render yet")
		}
		return nil
	})
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled visitor: %v", err)
	}
	got := make(chan Answer, 1)
	go func() { got <- fetch(t, c, "/vi/", render) }()
	testenv.WaitFor(t, 10*time.Second, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if f := c.flights["/vi/"]; f == nil || f.waiters != 1 {
			return errors.New("the other visitor does not wait yet")
		}
		return nil
	})
	close(release)
	if a := <-got; string(a.Page.Body) != "ok" || a.Source != Shared {
		t.Errorf("the other visitor: %v", a)
	}
	if c.Len() != 1 {
		t.Errorf("render not stored")
	}
}

func TestRenderErrorsAndPanics(t *testing.T) {
	c := newCache(t, newClock())
	boom := errors.New("boom")
	if _, err := c.Fetch(context.Background(), "/a", func(context.Context) (*Render, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("error: %v", err)
	}
	if _, err := c.Fetch(context.Background(), "/b", func(context.Context) (*Render, error) { panic("oops") }); err == nil ||
		!strings.Contains(err.Error(), "panicked") {
		t.Errorf("panic: %v", err)
	}
	if _, err := c.Fetch(context.Background(), "/c", func(context.Context) (*Render, error) { return nil, nil }); err == nil {
		t.Error("a render without a page was accepted")
	}
	if c.Len() != 0 {
		t.Errorf("%d pages stored from failed renders", c.Len())
	}
}

func TestNoStore(t *testing.T) {
	c := newCache(t, newClock())
	redirect := func(context.Context) (*Render, error) {
		return &Render{Page: &Page{Status: 301, Header: map[string][]string{"Location": {"/vi/"}}}, NoStore: true}, nil
	}
	if a := fetch(t, c, "/vi", redirect); a.Keep || c.Len() != 0 {
		t.Errorf("NoStore answer: %v, %d stored", a, c.Len())
	}
}

func TestClearAndDisabled(t *testing.T) {
	c := newCache(t, newClock())
	home := &pages{name: "home", tags: []Tag{AnyContent}}
	fetch(t, c, "/a", home.render)
	c.ItemEvent("so", "a", 5)
	// A render that began before Clear is answered, not stored.
	render := func(context.Context) (*Render, error) {
		c.Clear()
		return home.render(context.Background())
	}
	if a := fetch(t, c, "/b", render); a.Page == nil || c.Len() != 0 {
		t.Fatalf("render across Clear: %v, %d stored", a, c.Len())
	}
	if f := c.versions.get("so", "a", false); f != nil {
		t.Error("Clear kept the version floors")
	}
	c.SetEnabled(false)
	if a := fetch(t, c, "/a", home.render); a.Source != Rendered || c.Len() != 0 {
		t.Errorf("disabled: %v, %d stored", a, c.Len())
	}
	c.SetEnabled(true)
	fetch(t, c, "/a", home.render)
	if a := fetch(t, c, "/a", home.render); a.Source != Hit {
		t.Errorf("re-enabled: %v", a)
	}
}

func TestLRUBound(t *testing.T) {
	clk := newClock()
	c := New(Config{MaxBytes: 3500, Registerer: prometheus.NewRegistry(), Now: clk.Now})
	body := strings.Repeat("x", 1000)
	render := func(context.Context) (*Render, error) {
		return &Render{Page: &Page{Status: 200, Body: []byte(body)}, Tags: []Tag{"t"}}, nil
	}
	for _, k := range []string{"/1", "/2", "/3"} {
		fetch(t, c, k, render)
	}
	fetch(t, c, "/1", render) // /2 is now the least recently used
	fetch(t, c, "/4", render)
	if _, ok := c.entries["/2"]; ok {
		t.Error("least recently used page was not evicted")
	}
	for _, k := range []string{"/1", "/3", "/4"} {
		if _, ok := c.entries[k]; !ok {
			t.Errorf("%s evicted", k)
		}
	}
	if got := testutil.ToFloat64(c.evictions); got != 1 {
		t.Errorf("evictions = %v, want 1", got)
	}
	if c.bytes > c.cfg.MaxBytes {
		t.Errorf("bytes %d over bound %d", c.bytes, c.cfg.MaxBytes)
	}
	c.Clear()
	if c.Len() != 0 || len(c.byTag) != 0 || c.bytes != 0 {
		t.Errorf("after Clear: %d pages, %d tags, %d bytes", c.Len(), len(c.byTag), c.bytes)
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := New(Config{MaxBytes: 1 << 20, Registerer: reg})
	home := &pages{name: "home"}
	for i := 0; i < 3; i++ {
		fetch(t, c, "/a", home.render)
	}
	if h, m, r := testutil.ToFloat64(c.hits), testutil.ToFloat64(c.misses), testutil.ToFloat64(c.renders); h != 2 || m != 1 || r != 1 {
		t.Errorf("hits %v misses %v renders %v, want 2, 1, 1", h, m, r)
	}
	if n, err := testutil.GatherAndCount(reg, "portalhub_gateway_pagecache_entries"); err != nil || n != 1 {
		t.Errorf("entries gauge: %d, %v", n, err)
	}
}

// An item page showing an older version than the newest event seen for the
// item is not stored, also when its render began after the event (a
// replica that has not caught up); a render of the announced version is.
func TestVersionFloor(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	key, tags := "/vi/so/tin", []Tag{ItemTag("so", "a"), TenantTag("so")}
	at := func(v uint64) func(context.Context) (*Render, error) {
		p := &pages{name: "v" + strconv.FormatUint(v, 10), tags: tags, item: &ItemVersion{"so", "a", v}}
		return p.render
	}
	c.ItemEvent("so", "a", 5, tags...)
	if a := fetch(t, c, key, at(4)); a.Keep || c.Len() != 0 {
		t.Fatalf("stored a page showing version 4 after an event for version 5: %v", a)
	}
	if got := testutil.ToFloat64(c.belowFloor); got != 1 {
		t.Errorf("below floor = %v, want 1", got)
	}
	if a := fetch(t, c, key, at(5)); !a.Keep || c.Len() != 1 {
		t.Fatalf("refused the page of the announced version: %v", a)
	}
	if a := fetch(t, c, "/vi/so/khac", (&pages{name: "b", item: &ItemVersion{"so", "b", 1}}).render); !a.Keep {
		t.Error("another item's floor applied")
	}
	// A replica behind the one read before: version 4 again is refused,
	// though no claim lives any more.
	c.Invalidate(ItemTag("so", "a"))
	if a := fetch(t, c, key, at(4)); a.Keep {
		t.Errorf("a page older than a version read before was kept: %v", a)
	}
	// An event of the floor's own version (a takedown keeps the version)
	// invalidates, and so does an older one: an event is a hint.
	fetch(t, c, key, at(5))
	for _, v := range []uint64{5, 3} {
		if older := c.ItemEvent("so", "a", v, tags...); older != (v < 5) {
			t.Errorf("event %d: older = %v", v, older)
		}
		if a := fetch(t, c, key, at(5)); a.Source != Rendered || !a.Keep {
			t.Errorf("after an event of version %d: %v, want the page re-rendered and kept", v, a)
		}
	}
}

// An event claiming version 2^64-1 does not pin the item: the floor only
// rises to versions read from the store, and the claim lapses after
// VersionWait; a real event and its version then show and are cached.
func TestForgedVersionExpires(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	key, tags := "/vi/so/tin", []Tag{ItemTag("so", "a")}
	at := func(v uint64) func(context.Context) (*Render, error) {
		return (&pages{name: "v" + strconv.FormatUint(v, 10), tags: tags, item: &ItemVersion{"so", "a", v}}).render
	}
	fetch(t, c, key, at(3))
	c.ItemEvent("so", "a", math.MaxUint64, tags...) // forged
	if f := c.versions.get("so", "a", false); f.read != 3 {
		t.Errorf("read floor %d after a forged event, want 3", f.read)
	}
	if a := fetch(t, c, key, at(3)); a.Keep || string(a.Page.Body) != "v3 1" {
		t.Errorf("while the forged claim lives: %v, want the store's page, not kept", a)
	}
	c.ItemEvent("so", "a", 4, tags...) // the real next version
	if a := fetch(t, c, key, at(4)); a.Keep || string(a.Page.Body) != "v4 1" {
		t.Errorf("real version while the forged claim lives: %v, want shown, not kept", a)
	}
	clk.Advance(time.Minute)
	if a := fetch(t, c, key, at(4)); !a.Keep || string(a.Page.Body) != "v4 1" || c.Len() != 1 {
		t.Errorf("after VersionWait: %v, %d stored; want the real version cached", a, c.Len())
	}
	if a := fetch(t, c, key, at(4)); a.Source != Hit {
		t.Errorf("not served from the cache: %v", a)
	}
	if got := testutil.ToFloat64(c.claimsExpired); got != 1 {
		t.Errorf("claims expired = %v, want 1", got)
	}
	// Real events work as before.
	c.ItemEvent("so", "a", 5, tags...)
	if a := fetch(t, c, key, at(4)); a.Keep {
		t.Errorf("version 4 kept after an event for 5: %v", a)
	}
	if a := fetch(t, c, key, at(5)); !a.Keep {
		t.Errorf("version 5 not kept: %v", a)
	}
}

func TestVersionFloorsBounded(t *testing.T) {
	c := newCache(t, newClock())
	for i := 0; i < maxFloors+10; i++ {
		c.ItemEvent("so", strconv.Itoa(i), 1)
	}
	if len(c.versions.byKey) != maxFloors || c.versions.lru.Len() != maxFloors {
		t.Errorf("%d floors (%d in LRU), want %d", len(c.versions.byKey), c.versions.lru.Len(), maxFloors)
	}
	if c.versions.get("so", "0", false) != nil || c.versions.get("so", strconv.Itoa(maxFloors+9), false) == nil {
		t.Error("the bound did not forget the least recently touched floor first")
	}
}

// A page that depends on a time (a document coming into force, a tender's
// closing) is dropped and rendered again when that time passes, whether
// item or aggregate page, with no event and before MaxAge; a render already
// past its expiry is answered and not stored.
func TestExpiresAt(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	at := clk.Now().Add(time.Minute)
	var n atomic.Int64
	render := func(expires time.Time, item bool) func(context.Context) (*Render, error) {
		return func(context.Context) (*Render, error) {
			r := &Render{Page: &Page{Status: 200, Body: []byte("page " + strconv.FormatInt(n.Add(1), 10))},
				Tags: []Tag{AnyContent}, ExpiresAt: expires}
			if item {
				r.Item = &ItemVersion{"so", "a", 1}
			}
			return r, nil
		}
	}
	fetch(t, c, "/vi/phap-luat/", render(at, false))
	fetch(t, c, "/vi/so/a", render(at, true))
	clk.Advance(time.Minute - time.Millisecond)
	if a, b := fetch(t, c, "/vi/phap-luat/", render(at, false)), fetch(t, c, "/vi/so/a", render(at, true)); a.Source != Hit || b.Source != Hit {
		t.Fatalf("before its expiry: %v, %v", a, b)
	}
	clk.Advance(time.Millisecond)
	for _, key := range []string{"/vi/phap-luat/", "/vi/so/a"} {
		if a := fetch(t, c, key, render(time.Time{}, key == "/vi/so/a")); a.Source != Rendered || !a.Keep {
			t.Errorf("%s at its expiry: %v, want rendered again (never served stale)", key, a)
		}
		if a := fetch(t, c, key, nil); a.Source != Hit {
			t.Errorf("%s after its re-render: %v", key, a)
		}
	}
	if got := testutil.ToFloat64(c.expired); got != 2 {
		t.Errorf("expired = %v, want 2", got)
	}
	past := render(clk.Now(), false)
	fetch(t, c, "/vi/past/", past)
	if a := fetch(t, c, "/vi/past/", past); a.Source != Rendered {
		t.Errorf("a render already past its expiry was stored: %v", a)
	}
}

func TestEarliest(t *testing.T) {
	a, b := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := Earliest(time.Time{}, b, a, time.Time{}); !got.Equal(a) {
		t.Errorf("Earliest = %v, want %v", got, a)
	}
	if got := Earliest(time.Time{}); !got.IsZero() {
		t.Errorf("Earliest of zeros = %v, want zero", got)
	}
}
