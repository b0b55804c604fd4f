package portal_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/services/testenv"
)

// The category code list is read once per CategoryRefresh, not on every
// render: a renamed category shows only once the refresh has passed.
func TestCategoriesReadOncePerRefresh(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.CategoryRefresh = time.Second })
	seed(t, e)
	kicker := func() string {
		e.cache.Clear()
		_, doc := e.get(t, "/en/sotttt/sea-festival")
		return text(doc, ".kicker")
	}
	if got := kicker(); got != "News and events · Article" {
		t.Fatalf("kicker = %q", got)
	}
	e.exec(t, `UPDATE categories SET name_en = 'News' WHERE code = 'news'`)
	if got := kicker(); got != "News and events · Article" {
		t.Errorf("kicker right after the rename = %q; the code list was read again", got)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := kicker(); got != "News · Article" {
			return fmt.Errorf("kicker = %q after the refresh", got)
		}
		return nil
	})
}
