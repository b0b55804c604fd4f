package portal_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/testenv"
)

// A page is served from the cache until the hub announces a change of its
// item; then the next response shows the new version.
func TestCacheFollowsEvents(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	path := "/vi/sotttt/le-hoi-bien"
	h1 := func(p string) string {
		_, doc := e.get(t, p)
		return text(doc, "h1")
	}
	if got := h1(path); got != "Lễ hội biển Nha Trang" {
		t.Fatalf("h1 = %q", got)
	}
	e.get(t, "/vi/") // cache the provincial home too

	// Change the row without an event: the cached page is still served.
	v4 := article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang 2025", "", "<p>Mới</p>"),
		tr("en", "sea-festival", "Nha Trang Sea Festival 2025", "", ""))
	e.put(t, "sotttt", v4)
	if got := h1(path); got != "Lễ hội biển Nha Trang" {
		t.Fatalf("h1 = %q: the page was not served from the cache", got)
	}
	_, home := e.get(t, "/vi/")
	if contains(texts(home, homeItems), "Lễ hội biển Nha Trang 2025") {
		t.Fatal("provincial home not cached")
	}

	e.publish(t, "sotttt", v4, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := h1(path); got != "Lễ hội biển Nha Trang 2025" {
			return fmt.Errorf("item h1 = %q", got)
		}
		return nil
	})
	// The provincial home may be served stale for up to a second after the
	// event (GATEWAY_CACHE_MAX_STALE), never more.
	e.clock.Advance(1100 * time.Millisecond)
	_, home = e.get(t, "/vi/")
	if !contains(texts(home, homeItems), "Lễ hội biển Nha Trang 2025") {
		t.Error("provincial home still shows the old title more than a second after the event")
	}
	if e.consumer.LastSequence() == 0 {
		t.Error("newest stream sequence not recorded")
	}
}

// When the NATS connection comes back, events may have been missed: the
// whole cache is cleared.
func TestCacheClearedOnReconnect(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.get(t, "/vi/")
	e.get(t, "/vi/sotttt/le-hoi-bien")
	if e.cache.Len() != 2 {
		t.Fatalf("cache holds %d pages, want 2", e.cache.Len())
	}
	if err := e.nc.ForceReconnect(); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if !e.nc.IsConnected() || e.cache.Len() != 0 {
			return fmt.Errorf("connected %v, %d pages cached", e.nc.IsConnected(), e.cache.Len())
		}
		return nil
	})
	// And it caches again once reconnected.
	testenv.WaitFor(t, 10*time.Second, func() error {
		e.get(t, "/vi/")
		if e.cache.Len() == 0 {
			return fmt.Errorf("nothing cached after reconnect")
		}
		return nil
	})
}

// waitSeq waits until the consumer has seen a stream sequence beyond seq.
func (e *env) waitSeq(t *testing.T, seq uint64) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := e.consumer.LastSequence(); got <= seq {
			return fmt.Errorf("last sequence %d, waiting for > %d", got, seq)
		}
		return nil
	})
}

// festival fetches the seeded festival's Vietnamese page: the version it
// shows, its Cache-Control and its heading.
func (e *env) festival(t *testing.T) (version, cacheControl, h1 string) {
	t.Helper()
	res, doc := e.get(t, "/vi/sotttt/le-hoi-bien")
	wantStatus(t, res, 200)
	return res.Header.Get("X-Content-Version"), res.Header.Get("Cache-Control"), text(doc, "h1")
}

// The cache never stores a page showing an older version of an item than
// the newest event seen for it, also when the render begins after the event
// but reads a store that has not caught up (a replica): that page is served
// with no-store. Events older than the newest version seen still invalidate.
func TestCacheVersionFloor(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	get := func() (version, cacheControl, h1 string) { return e.festival(t) }
	if v, cc, _ := get(); v != "3" || cc != "public, max-age=0, must-revalidate" {
		t.Fatalf("version %s, Cache-Control %q", v, cc)
	}

	// The hub announces version 4; the store still holds 3.
	v4 := article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang 2025", "", "<p>Mới</p>"),
		tr("en", "sea-festival", "Nha Trang Sea Festival 2025", "", ""))
	seq := e.consumer.LastSequence()
	e.publish(t, "sotttt", v4, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	for i := 0; i < 2; i++ {
		if v, cc, _ := get(); v != "3" || cc != "no-store" {
			t.Fatalf("behind the event: version %s, Cache-Control %q; want 3, no-store", v, cc)
		}
	}
	if n := e.cache.Len(); n != 0 {
		t.Fatalf("%d pages cached; the page older than the event must not be", n)
	}
	// The store catches up (no further event): the new version is served and cached.
	e.put(t, "sotttt", v4)
	if v, cc, h1 := get(); v != "4" || cc != "public, max-age=0, must-revalidate" || h1 != "Lễ hội biển Nha Trang 2025" {
		t.Fatalf("after catching up: version %s, Cache-Control %q, h1 %q", v, cc, h1)
	}
	if n := e.cache.Len(); n != 1 {
		t.Fatalf("%d pages cached, want 1", n)
	}

	// A late event for version 3 is a hint all the same: the page is
	// rendered again from the store (the row is changed behind the cache's
	// back to tell), which is the truth, and cached again.
	e.put(t, "sotttt", article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "đổi ngầm", "", ""),
		tr("en", "sea-festival", "Nha Trang Sea Festival 2025", "", "")))
	v3 := article("le-hoi", 3, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang", "", ""))
	seq = e.consumer.LastSequence()
	e.publish(t, "sotttt", v3, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	if v, cc, h1 := get(); v != "4" || cc != "public, max-age=0, must-revalidate" || h1 != "đổi ngầm" {
		t.Fatalf("after an older event: version %s, Cache-Control %q, h1 %q; want 4, cached, đổi ngầm", v, cc, h1)
	}
	if got := e.counter(t, "portalhub_gateway_content_events_older_total"); got != 1 {
		t.Errorf("older events = %v, want 1", got)
	}

	// An event that cannot be decoded has no version to claim: it
	// invalidates the item's pages all the same.
	e.put(t, "sotttt", article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "đổi ngầm lần hai", "", ""),
		tr("en", "sea-festival", "Nha Trang Sea Festival 2025", "", "")))
	seq = e.consumer.LastSequence()
	if _, err := e.js.Publish(context.Background(), events.ContentSubject("sotttt", "le-hoi"), []byte{0xff, 0xff}); err != nil {
		t.Fatal(err)
	}
	e.waitSeq(t, seq)
	if _, _, h1 := get(); h1 != "đổi ngầm lần hai" {
		t.Fatalf("an undecodable event kept the page: h1 %q", h1)
	}
}

// A home or sub-portal home render that began before an event is stored,
// stale: it is served (with no-store) for at most a second after the event,
// while its successor renders, and then no more.
func TestHomeRenderDuringEventServedStale(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.clock.Freeze()
	ctx := context.Background()
	tx, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// Hold the renders inside their first query of the items (the tenants
	// come from the registry kept in memory).
	if _, err := tx.Exec(ctx, `LOCK TABLE items IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/vi/", "/vi/sotttt/"}
	done := make(chan int, 2)
	for _, p := range paths {
		go func() {
			res, _ := e.get(t, p)
			done <- res.StatusCode
		}()
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		var n int
		if err := e.db.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE usename = 'portalhub_gateway' AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			return err
		}
		if n < 2 {
			return fmt.Errorf("%d renders waiting", n)
		}
		return nil
	})
	seq := e.consumer.LastSequence()
	e.publish(t, "sotttt", article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội", "", "")),
		pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if st := <-done; st != 200 {
			t.Fatalf("status %d", st)
		}
	}
	if n := e.cache.Len(); n != 2 {
		t.Errorf("%d pages cached, want the 2 homes, stale", n)
	}
	renders := e.counter(t, "portalhub_gateway_pagecache_renders_total")
	for _, p := range paths {
		if res, _ := e.get(t, p); res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s right after the event: Cache-Control %q, want the stale page with no-store", p, res.Header.Get("Cache-Control"))
		}
	}
	if got := e.counter(t, "portalhub_gateway_pagecache_renders_total"); got != renders {
		t.Errorf("%v renders within a second of the last", got-renders)
	}
	// More than a second after the event: a new render, kept.
	e.clock.Advance(1100 * time.Millisecond)
	for _, p := range paths {
		if res, _ := e.get(t, p); res.Header.Get("Cache-Control") != "public, max-age=0, must-revalidate" {
			t.Errorf("%s more than a second after the event: Cache-Control %q", p, res.Header.Get("Cache-Control"))
		}
	}
	if got := e.counter(t, "portalhub_gateway_pagecache_renders_total"); got != renders+2 {
		t.Errorf("%v renders, want 2", got-renders)
	}
}

// Sub-portals publishing continuously while many visitors read the
// provincial home: the home is rendered at most once per second of the
// cache's clock (GATEWAY_CACHE_MAX_STALE; before, every event dropped it,
// every waiting visitor rendered it, and a render that overlapped an event
// was never stored), every visitor is answered 200, and the home keeps up.
func TestHomeUnderContinuousEvents(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.clock.Freeze()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	var answered, failed, published atomic.Int64
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				res, err := client.Get(e.srv.URL + "/vi/")
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				answered.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() { // the sub-portals
		defer wg.Done()
		for v := uint64(10); ctx.Err() == nil; v++ {
			id := fmt.Sprintf("tin-%d", v%20)
			b, err := proto.Marshal(&pb.ContentEvent{Tenant: "sotttt", ContentId: id, Version: v,
				Change: pb.ContentChange_CONTENT_CHANGE_PUBLISHED})
			if err == nil {
				_, err = e.js.Publish(ctx, events.ContentSubject("sotttt", id), b)
			}
			if err != nil && ctx.Err() == nil {
				failed.Add(1)
			}
			published.Add(1)
		}
	}()

	renders := e.counter(t, "portalhub_gateway_pagecache_renders_total")
	fast, answered0 := e.counter(t, "portalhub_gateway_http_fast_path_total"), answered.Load()
	const intervals = 5
	r := renders
	for i := 0; i < intervals; i++ {
		a, seq := answered.Load(), e.consumer.LastSequence()
		// Each interval after the first (whose render may have begun
		// before it) lasts until its render began too: with the clock
		// frozen, 50 answers from the cache can take less time than one
		// render (which also compresses the page), and a render still
		// running when the clock moves rightly starts no second one.
		testenv.WaitFor(t, 20*time.Second, func() error {
			if answered.Load() < a+50 || e.consumer.LastSequence() < seq+10 ||
				(i > 0 && e.counter(t, "portalhub_gateway_pagecache_renders_total") == r) {
				return fmt.Errorf("%d answers, sequence %d, %v renders this interval", answered.Load()-a,
					e.consumer.LastSequence()-seq, e.counter(t, "portalhub_gateway_pagecache_renders_total")-r)
			}
			return nil
		})
		r = e.counter(t, "portalhub_gateway_pagecache_renders_total") // before the clock moves
		e.clock.Advance(time.Second)
	}
	stop()
	wg.Wait()
	got := e.counter(t, "portalhub_gateway_pagecache_renders_total") - renders
	// One render per clock value: the first miss, then one per interval.
	if got > intervals+1 {
		t.Errorf("%v renders of the home in %d intervals of events, want at most %d", got, intervals, intervals+1)
	}
	if got < intervals {
		t.Errorf("%v renders of the home in %d intervals of events: it did not keep up", got, intervals)
	}
	if failed.Load() != 0 {
		t.Errorf("%d of %d requests failed", failed.Load(), answered.Load())
	}
	// The home, stale all along, is served by the fast path but for the
	// requests that start its renders (before, a stale page went through
	// Gin, the handler and the cache's write lock every time).
	n, f := answered.Load()-answered0, e.counter(t, "portalhub_gateway_http_fast_path_total")-fast
	if f < float64(n)/2 {
		t.Errorf("%v of %d answers by the fast path while events flow, want most", f, n)
	}
	t.Logf("%d answers (%v by the fast path), %d events, %v renders", answered.Load(), f, published.Load(), got)

	// More than a second after the next event, the home shows it.
	news := article("tin-moi", 1, t0.Add(100*time.Hour), tr("vi", "tin-moi", "Tin mới nhất", "", ""))
	e.put(t, "sotttt", news)
	seq := e.consumer.LastSequence()
	e.publish(t, "sotttt", news, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	e.clock.Advance(1100 * time.Millisecond)
	if _, doc := e.get(t, "/vi/"); !contains(texts(doc, homeItems), "Tin mới nhất") {
		t.Error("the home does not show the newest item more than a second after its event")
	}
}

// An event is a hint: one claiming version 2^64-1 (forged) neither pins the
// item's floor nor keeps its page out of the cache for good. The page shows
// what the store holds throughout; the real next version shows at once, and
// is cached again once the forged claim lapses (GATEWAY_CACHE_VERSION_WAIT).
func TestForgedEventVersion(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	get := func() (version, cacheControl, h1 string) { return e.festival(t) }
	if v, cc, _ := get(); v != "3" || cc != "public, max-age=0, must-revalidate" {
		t.Fatalf("version %s, Cache-Control %q", v, cc)
	}
	forged := article("le-hoi", math.MaxUint64, t0, tr("vi", "le-hoi-bien", "giả", "", ""))
	seq := e.consumer.LastSequence()
	e.publish(t, "sotttt", forged, pb.ContentChange_CONTENT_CHANGE_WITHDRAWN)
	e.waitSeq(t, seq)
	if v, cc, h1 := get(); v != "3" || cc != "no-store" || h1 != "Lễ hội biển Nha Trang" {
		t.Fatalf("after the forged event: version %s, Cache-Control %q, h1 %q; want the store's page, no-store", v, cc, h1)
	}

	v4 := article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang 2025", "", ""))
	e.put(t, "sotttt", v4)
	seq = e.consumer.LastSequence()
	e.publish(t, "sotttt", v4, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	if v, _, h1 := get(); v != "4" || h1 != "Lễ hội biển Nha Trang 2025" {
		t.Fatalf("after the real event: version %s, h1 %q", v, h1)
	}

	e.clock.Advance(time.Minute)
	if v, cc, _ := get(); v != "4" || cc != "public, max-age=0, must-revalidate" {
		t.Fatalf("after the forged claim lapsed: version %s, Cache-Control %q; want 4, cached", v, cc)
	}
	// Served from the cache now: a change behind its back does not show.
	e.put(t, "sotttt", article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "đổi ngầm", "", "")))
	if _, _, h1 := get(); h1 != "Lễ hội biển Nha Trang 2025" || e.cache.Len() != 1 {
		t.Errorf("h1 %q, %d pages cached: the page is not cached again", h1, e.cache.Len())
	}
	if got := e.counter(t, "portalhub_gateway_pagecache_version_claims_expired_total"); got != 1 {
		t.Errorf("expired claims = %v, want 1", got)
	}
}

// Cached pages are rendered again GATEWAY_CACHE_MAX_AGE after their render,
// without any event (one missed or dropped cannot keep a page for good).
func TestCacheMaxAge(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	path := "/vi/sotttt/le-hoi-bien"
	h1 := func() string { _, doc := e.get(t, path); return text(doc, "h1") }
	homeShows := func(title string) bool {
		_, doc := e.get(t, "/vi/")
		return contains(texts(doc, homeItems), title)
	}
	h1()
	homeShows("")
	e.put(t, "sotttt", article("le-hoi", 3, t0, tr("vi", "le-hoi-bien", "đổi ngầm", "", "")))
	e.clock.Advance(5*time.Minute - time.Second)
	if got := h1(); got != "Lễ hội biển Nha Trang" || homeShows("đổi ngầm") {
		t.Fatalf("before the max age: h1 %q, home shows the change %v; want both from the cache", got, homeShows("đổi ngầm"))
	}
	e.clock.Advance(time.Second)
	if got := h1(); got != "đổi ngầm" {
		t.Errorf("at the max age: h1 %q, want the page rendered again", got)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if !homeShows("đổi ngầm") {
			return errors.New("the home is not rendered again at its max age")
		}
		return nil
	})
}
