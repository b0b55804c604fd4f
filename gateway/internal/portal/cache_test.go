package portal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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
	if contains(texts(home, ".latest h3 a"), "Lễ hội biển Nha Trang 2025") {
		t.Fatal("provincial home not cached")
	}

	e.publish(t, "sotttt", v4, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := h1(path); got != "Lễ hội biển Nha Trang 2025" {
			return fmt.Errorf("item h1 = %q", got)
		}
		return nil
	})
	_, home = e.get(t, "/vi/")
	if !contains(texts(home, ".latest h3 a"), "Lễ hội biển Nha Trang 2025") {
		t.Error("provincial home still shows the old title after the event")
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

// The cache never stores a page showing an older version of an item than
// the newest event seen for it, also when the render begins after the event
// but reads a store that has not caught up (a replica): that page is served
// with no-store. Events older than the newest version seen are dropped.
func TestCacheVersionFloor(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	path := "/vi/sotttt/le-hoi-bien"
	get := func() (version, cacheControl, h1 string) {
		res, doc := e.get(t, path)
		wantStatus(t, res, 200)
		return res.Header.Get("X-Content-Version"), res.Header.Get("Cache-Control"), text(doc, "h1")
	}
	if v, cc, _ := get(); v != "3" || cc != "public, max-age=60" {
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
	if v, cc, h1 := get(); v != "4" || cc != "public, max-age=60" || h1 != "Lễ hội biển Nha Trang 2025" {
		t.Fatalf("after catching up: version %s, Cache-Control %q, h1 %q", v, cc, h1)
	}
	if n := e.cache.Len(); n != 1 {
		t.Fatalf("%d pages cached, want 1", n)
	}

	// A late event for version 3 is dropped: the cached page stays (the row
	// is changed behind the cache's back to tell).
	// (The page shows the doc's text, so the doc is what changes.)
	e.put(t, "sotttt", article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "đổi ngầm", "", ""),
		tr("en", "sea-festival", "Nha Trang Sea Festival 2025", "", "")))
	v3 := article("le-hoi", 3, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang", "", ""))
	seq = e.consumer.LastSequence()
	e.publish(t, "sotttt", v3, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	if v, _, h1 := get(); v != "4" || h1 != "Lễ hội biển Nha Trang 2025" {
		t.Fatalf("an older event dropped the page: version %s, h1 %q", v, h1)
	}

	// An event that cannot be decoded has no version to compare: it drops
	// the item's pages all the same.
	seq = e.consumer.LastSequence()
	if _, err := e.js.Publish(context.Background(), events.ContentSubject("sotttt", "le-hoi"), []byte{0xff, 0xff}); err != nil {
		t.Fatal(err)
	}
	e.waitSeq(t, seq)
	if _, _, h1 := get(); h1 != "đổi ngầm" {
		t.Fatalf("an undecodable event kept the page: h1 %q", h1)
	}
}

// A home or sub-portal home render that began before an event is not
// stored (the generation check): the next request renders again.
func TestHomeRenderBeforeEventNotCached(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	ctx := context.Background()
	tx, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// Hold the renders inside their first query.
	if _, err := tx.Exec(ctx, `LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 2)
	for _, p := range []string{"/vi/", "/vi/sotttt/"} {
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
	if n := e.cache.Len(); n != 0 {
		t.Errorf("%d pages cached from renders that began before the event", n)
	}
	e.get(t, "/vi/")
	e.get(t, "/vi/sotttt/")
	if n := e.cache.Len(); n != 2 {
		t.Errorf("%d pages cached after the event, want 2", n)
	}
}
