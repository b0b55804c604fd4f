package pagecache

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Render is what rendering a page produced.
type Render struct {
	Page *Page
	// Tags name what the page depends on.
	Tags []Tag
	// Item is the item an item page shows, at the version it shows; nil on
	// an aggregate page.
	Item *ItemVersion
	// NoStore keeps the answer out of the cache (a redirect).
	NoStore bool
	// ExpiresAt, when not zero, is when the page stops being true by
	// itself: a time it depends on passes (a document comes into force or
	// expires, a tender closes, a schedule's week ends). From then on the
	// page is neither served nor kept, whether or not an event came: the
	// next request renders it again (an aggregate page too is not served
	// stale past it). A render whose ExpiresAt has already passed is
	// answered and not stored. Use Earliest to combine the times a page
	// depends on.
	ExpiresAt time.Time
}

// Earliest returns the earliest of times that is not zero (zero if none):
// the expiry of a page that depends on each of them.
func Earliest(times ...time.Time) time.Time {
	var first time.Time
	for _, t := range times {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// ItemVersion names a version of an item.
type ItemVersion struct {
	Tenant, ContentID string
	Version           uint64
}

// Source says how Fetch answered.
type Source string

// The sources of an answer.
const (
	Hit      Source = "hit"      // a stored page, up to date as far as the cache knows
	Stale    Source = "stale"    // a stored aggregate page, while its successor renders
	Rendered Source = "rendered" // rendered for this request
	Shared   Source = "shared"   // rendered for another request, which this one waited for
)

// Answer is a page and how it was obtained.
type Answer struct {
	Page   *Page
	Source Source
	// Keep tells whether others (browsers, shared caches) may keep the
	// page: false when it is stale, when an event arrived during its
	// render, when it shows a version older than the item's floor, and for
	// answers kept out of the cache (NoStore).
	Keep bool
}

// A flight is one render of a key; every request for the key while it runs
// waits for it (or is served the previous page).
type flight struct {
	done  chan struct{}
	gen   uint64    // the cache's generation when the render began
	began time.Time // when the render began
	// waiters counts the requests waiting for it (tests watch it).
	waiters int
	// Set before done is closed:
	page *Page
	keep bool
	err  error
}

// Fetch answers the page stored under key, or renders it with render.
//
//   - A stored page past its ExpiresAt is dropped and rendered again
//     (never served, even stale).
//   - A stored page that no event or age has made stale is served (Hit).
//   - An aggregate page that has been stale for at most MaxStale is served
//     (Stale); if no render of it runs and the last one began at least
//     MaxStale ago, a render begins in the background. So an aggregate page
//     is rendered at most once per MaxStale, and no visitor sees one more
//     than MaxStale after an event it may not show, unless its renders take
//     longer than that and its successor, begun as soon as it was due, is
//     still rendering (renewing).
//   - Otherwise (nothing stored, an item page made stale, an aggregate page
//     stale for longer) the request waits for the render in flight for key,
//     or starts one: one render per page at a time, whose answer every
//     waiting request gets.
//
// Renders run apart from the request that started them (their context
// keeps its values, not its cancellation, and is bounded by RenderTimeout),
// so a visitor who leaves does not fail the others; a waiting request whose
// ctx ends returns ctx's error. A render that fails is answered to its
// waiters and not stored. Where a render is stored is decided by store.
func (c *Cache) Fetch(ctx context.Context, key string, render func(context.Context) (*Render, error)) (Answer, error) {
	c.mu.Lock()
	now := c.cfg.Now()
	if a, ok := c.lookup(ctx, key, render, now); ok {
		c.mu.Unlock()
		return a, nil
	}
	c.misses.Inc()
	f, source := c.flights[key], Shared
	if f != nil && c.overtaken(key, f, now) {
		f = nil // its answer would be older than this visitor may get
	}
	if f == nil {
		f, source = c.start(ctx, key, render, now), Rendered
	} else {
		c.shared.Inc()
	}
	f.waiters++
	c.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		c.mu.Lock()
		f.waiters--
		c.mu.Unlock()
		return Answer{}, ctx.Err()
	}
	if f.err != nil {
		return Answer{}, f.err
	}
	return Answer{Page: f.page, Source: source, Keep: f.keep}, nil
}

// lookup answers from the stored page when Fetch may (see there), starting
// the background render of a stale aggregate page when it is due.
func (c *Cache) lookup(ctx context.Context, key string, render func(context.Context) (*Render, error), now time.Time) (Answer, bool) {
	el, ok := c.entries[key]
	if !ok || c.disabled {
		return Answer{}, false
	}
	e := el.Value.(*entry)
	if e.expired(now) {
		c.remove(key) // no longer true: never served, even stale
		c.expired.Inc()
		return Answer{}, false
	}
	since, stale := e.staleSince(now, c.cfg.MaxAge)
	switch {
	case !stale:
		c.lru.MoveToFront(el)
		c.hits.Inc()
		return Answer{Page: e.page, Source: Hit, Keep: true}, true
	case e.item:
		c.remove(key) // an item page is never served stale
		return Answer{}, false
	case now.Sub(since) > c.cfg.MaxStale && !c.renewing(e, c.flights[key], since, now):
		return Answer{}, false // too stale: wait for its successor
	}
	if c.flights[key] == nil && now.Sub(e.refreshedAt) >= c.cfg.MaxStale {
		c.start(ctx, key, render, now)
	}
	c.lru.MoveToFront(el)
	c.stale.Inc()
	return Answer{Page: e.page, Source: Stale}, true
}

// renewing reports whether an aggregate page stale for longer than MaxStale
// may still be served because renders of it are slower than that bound
// and its successor is on its way: a render of it runs that began at most
// MaxStale after the page became stale or was stored (so the page was not
// left stale: the render began as soon as it was due) and has run for at
// most as long as the page's own render took (at most MaxStaleRender), or
// none runs yet and the page was stored at most MaxStale ago (lookup
// starts one now). A visitor who waited would get nothing before that
// render ends; serving the page the cache has keeps visitors answered while
// renders take longer than MaxStale (a loaded machine), one render at a
// time. A page is so served at most MaxStale plus twice its render's time
// after the first event it may not show. With renders quicker than the
// page's own, or a page nobody asked for while it went stale, nothing
// changes: the visitor waits for a render begun after the events (see
// overtaken).
func (c *Cache) renewing(e *entry, f *flight, since, now time.Time) bool {
	prompt := since
	if e.storedAt.After(prompt) {
		prompt = e.storedAt
	}
	prompt = prompt.Add(c.cfg.MaxStale)
	if f == nil {
		return !now.After(prompt)
	}
	took := min(e.storedAt.Sub(e.renderedAt), c.cfg.MaxStaleRender)
	return !f.began.After(prompt) && now.Sub(f.began) <= took
}

// overtaken reports whether the render in flight f of an aggregate page
// is too old to answer a visitor who may not get a stale page: it began
// more than MaxStale ago and an event for the page came after it began, so
// its answer would miss an event older than MaxStale. The visitor gets a
// new render instead (one per MaxStale at most: the new one began now);
// the old one still answers its own waiters. Without this, a render slower
// than MaxStale stretched the bound by its own duration.
func (c *Cache) overtaken(key string, f *flight, now time.Time) bool {
	el, ok := c.entries[key]
	if !ok {
		return false
	}
	e := el.Value.(*entry)
	return !e.item && now.Sub(f.began) > c.cfg.MaxStale && c.invalidatedSince(e.tags, f.gen)
}

// start begins a render of key in the background.
func (c *Cache) start(ctx context.Context, key string, render func(context.Context) (*Render, error), now time.Time) *flight {
	f := &flight{done: make(chan struct{}), gen: c.gen, began: now}
	c.flights[key] = f
	if el, ok := c.entries[key]; ok {
		el.Value.(*entry).refreshedAt = now
	}
	c.renders.Inc()
	go c.run(context.WithoutCancel(ctx), key, f, render)
	return f
}

// run renders, stores and hands the answer to the waiters.
func (c *Cache) run(ctx context.Context, key string, f *flight, render func(context.Context) (*Render, error)) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RenderTimeout)
	defer cancel()
	began := time.Now()
	r, err := renderSafely(ctx, key, render)
	if err == nil {
		page := "aggregate"
		if r.Item != nil {
			page = "item"
		}
		c.renderSeconds.WithLabelValues(page).Observe(time.Since(began).Seconds())
	}
	c.mu.Lock()
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	stored := false
	if err == nil {
		f.page, f.keep = r.Page, c.store(key, r, f)
		stored = c.holds(key, r.Page)
	}
	f.err = err
	c.mu.Unlock()
	if stored && r.Page.Pending() {
		c.cfg.Background(func() { c.compress(key, r.Page) })
		c.mu.Lock()
		if el, ok := c.entries[key]; ok && el.Value.(*entry).page.Forms[Identity] == r.Page.Forms[Identity] {
			// Compressed already (a Background run inline): the waiters
			// get the page with its forms.
			f.page = el.Value.(*entry).page
		}
		c.mu.Unlock()
	}
	close(f.done)
}

// holds reports whether the page stored under key is p.
func (c *Cache) holds(key string, p *Page) bool {
	el, ok := c.entries[key]
	return ok && el.Value.(*entry).page == p
}

// compress makes the compressed forms of p, stored under key and sent
// uncompressed until then, and stores the page with its forms in its
// place, unless p has been replaced or dropped meanwhile (an event, a
// newer render: the new page has its own compression) or the forms would
// not fit the cache. It runs after the render's waiters are answered
// (Config.Background): the first visitor after an event does not wait for
// the compressors, whose forms are the same bytes for every visitor after.
func (c *Cache) compress(key string, p *Page) {
	began := time.Now()
	np := p.Compressed()
	c.compressSeconds.Observe(time.Since(began).Seconds())
	if np == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok || el.Value.(*entry).page != p {
		return
	}
	e := el.Value.(*entry)
	size := np.size() + int64(len(key))
	if size > c.cfg.MaxBytes {
		return
	}
	e.page = np
	c.bytes += size - e.size
	e.size = size
	c.evict(e)
}

// renderSafely runs render, turning a panic into an error: it runs on its
// own goroutine, where nothing else would recover it.
func renderSafely(ctx context.Context, key string, render func(context.Context) (*Render, error)) (r *Render, err error) {
	defer func() {
		if v := recover(); v != nil {
			r, err = nil, fmt.Errorf("render %s panicked: %v", key, v)
		}
	}()
	r, err = render(ctx)
	if err == nil && (r == nil || r.Page == nil) {
		err = errors.New("render " + key + " produced no page")
	}
	return r, err
}

// store decides what becomes of a finished render, and whether others may
// keep its page (Answer.Keep):
//
//   - An item page showing a version older than the item's floor is not
//     stored, nor kept by others (see admit).
//   - NoStore answers are not stored, nor renders whose ExpiresAt passed.
//   - A render that began before the cache was cleared (or disabled) is not
//     stored.
//   - An item page whose item (or tenant) had an event during the render is
//     not stored: it may show the state before the event.
//   - An aggregate page is stored even then, already stale since its render
//     began: its successor renders within MaxStale (see Fetch). Refusing it
//     is what kept the homes out of the cache under a steady stream of
//     events.
func (c *Cache) store(key string, r *Render, f *flight) bool {
	if r.Item != nil && !c.admit(*r.Item, c.cfg.Now()) {
		c.belowFloor.Inc()
		return false
	}
	if r.NoStore {
		return false
	}
	if !r.ExpiresAt.IsZero() && !c.cfg.Now().Before(r.ExpiresAt) {
		return false // already past the time it depends on
	}
	if el, ok := c.entries[key]; ok && el.Value.(*entry).renderedAt.After(f.began) {
		return false // an overtaken render: a later one is stored already
	}
	invalidated := c.invalidatedSince(r.Tags, f.gen)
	switch {
	case c.disabled || f.gen < c.floor:
		return !invalidated
	case invalidated && r.Item != nil:
		c.refused.Inc()
		return false
	}
	e := &entry{key: key, page: r.Page, tags: r.Tags, item: r.Item != nil, renderedAt: f.began, refreshedAt: f.began,
		storedAt: c.cfg.Now(), expiresAt: r.ExpiresAt}
	if invalidated {
		e.invalidatedAt = f.began
	}
	c.insert(e)
	return !invalidated
}
