package portal_test

import (
	"fmt"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
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
