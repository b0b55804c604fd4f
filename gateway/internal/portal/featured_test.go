package portal_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/services/testenv"
)

// The provincial home shows the featured items the ops team chose, in
// their order and period (the home changes when one starts or ends, with
// no event), only those the public may see, and the newest highlights
// when none is chosen.
func TestFeaturedItemsChosen(t *testing.T) {
	var e *env
	e = newEnvWith(t, func(c *portal.Config) { c.Now = func() time.Time { return e.clock.Now() } })
	seed(t, e)
	e.clock.Freeze()
	now := e.clock.Now()
	feature := article("noi-bat", 1, t0.Add(6*time.Hour), tr("vi", "noi-bat", "Khánh Hòa đón khách quốc tế", "", ""))
	feature.Category = "highlights"
	e.put(t, "sotttt", feature)
	featured := func() string {
		t.Helper()
		_, doc := e.get(t, "/vi/")
		return fmt.Sprint(texts(doc, ".featured h3 a"))
	}
	if got := featured(); got != "[Khánh Hòa đón khách quốc tế]" {
		t.Fatalf("featured %s, want the newest highlight", got)
	}
	e.exec(t, `INSERT INTO featured_items (tenant_id, content_id, position, starts_at, ends_at, created_by) VALUES
		('sotttt', 'qd-15', 2, $1, NULL, 'test'),
		('sotttt', 'le-hoi', 1, $1, $2, 'test'),
		('sotttt', 'goi-thau-1', 0, $2, NULL, 'test'),
		('sotttt', 'thong-bao-cu', 0, $1, NULL, 'test')`, now.Add(-time.Hour), now.Add(2*time.Minute))
	e.tenantsChanged(t) // the registry's refresh
	e.clock.Advance(2 * time.Second)
	want := "[Lễ hội biển Nha Trang Quyết định 15/2025/QĐ-UBND]" // the withdrawn item is left out
	testenv.WaitFor(t, 5*time.Second, func() error {
		if got := featured(); got != want {
			return errors.New("featured " + got + ", want " + want)
		}
		return nil
	})
	// Queries per page: the home's two, and the featured items' one while a
	// pick is in its period (the picks come with the registry).
	e.cache.Clear()
	e.queries.take()
	featured()
	if n := len(e.queries.take()); n != 3 {
		t.Errorf("the home with featured items: %d queries, want 3", n)
	}
	e.clock.Advance(2 * time.Minute) // one starts, one ends: within the cache's age
	if got, want := featured(), "[Gói thầu số 1 Quyết định 15/2025/QĐ-UBND]"; got != want {
		t.Errorf("after the picks' start and end: %s, want %s", got, want)
	}
	e.exec(t, `DELETE FROM featured_items`)
	e.tenantsChanged(t)
	e.clock.Advance(2 * time.Second)
	testenv.WaitFor(t, 5*time.Second, func() error {
		if got := featured(); got != "[Khánh Hòa đón khách quốc tế]" {
			return errors.New("after removing them: " + got)
		}
		return nil
	})
	e.cache.Clear()
	e.queries.take()
	featured()
	if n := len(e.queries.take()); n != 2 {
		t.Errorf("the home without featured items: %d queries, want 2", n)
	}
}
