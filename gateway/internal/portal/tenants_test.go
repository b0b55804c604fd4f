package portal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/invalidate"
	"github.com/portalhub/portalhub/services/testenv"
)

// Tenants are not announced on the bus yet: the gateway polls them, and a
// renamed, suspended or retired tenant leaves no stale cached page behind.
func TestTenantChangesRefreshPages(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := invalidate.NewTenantWatcher(invalidate.TenantWatchConfig{Source: e.store, Cache: e.cache,
		Log: zerolog.Nop(), Every: 20 * time.Millisecond, OnChange: e.portal.TenantsChanged})
	go w.Run(ctx)

	pages := []string{"/en/", "/en/sotttt/", "/en/sotttt/sea-festival"}
	// Fill the cache once the first poll is behind us.
	testenv.WaitFor(t, 10*time.Second, func() error {
		for _, p := range pages {
			e.get(t, p)
		}
		if n := e.cache.Len(); n != len(pages) {
			return fmt.Errorf("%d pages cached", n)
		}
		return nil
	})

	e.exec(t, `UPDATE tenants SET name_en = 'Department of Science and Technology', updated_at = now() WHERE id = 'sotttt'`)
	testenv.WaitFor(t, 10*time.Second, func() error {
		for _, p := range pages {
			_, doc := e.get(t, p)
			sel := ".brand-name a"
			if p == "/en/" {
				sel = `.subportals-newest .meta a[href="/en/sotttt/"]`
			}
			if got := text(doc, sel); got != "Department of Science and Technology" {
				return fmt.Errorf("%s shows %q", p, got)
			}
		}
		return nil
	})

	for _, status := range []string{"suspended", "retired"} {
		e.exec(t, `UPDATE tenants SET status = 'active' WHERE id = 'nhatrang'`)
		testenv.WaitFor(t, 10*time.Second, func() error {
			if _, doc := e.get(t, "/en/"); doc.Find(`.subportals-newest .meta a[href="/en/nhatrang/"]`).Length() != 1 {
				return fmt.Errorf("active ward not listed")
			}
			return nil
		})
		e.exec(t, `UPDATE tenants SET status = $1 WHERE id = 'nhatrang'`, status)
		testenv.WaitFor(t, 10*time.Second, func() error {
			if _, doc := e.get(t, "/en/"); doc.Find(`.subportals-newest .meta a[href="/en/nhatrang/"]`).Length() != 0 {
				return fmt.Errorf("%s ward still listed on the provincial home", status)
			}
			return nil
		})
	}
}
