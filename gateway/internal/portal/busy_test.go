package portal_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestStatementTimeoutIsBusyPage: a page whose query outlives the gateway's
// statement timeout (GATEWAY_STATEMENT_TIMEOUT) answers 503 with
// Retry-After and the "busy" page in the visitor's language, not a 500;
// nothing of it is cached, so the page is served again once the database
// answers. The query is held by a lock on the items table, so that it
// times out whatever the machine's speed.
func TestStatementTimeoutIsBusyPage(t *testing.T) {
	e := newEnvPool(t, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["statement_timeout"] = "1000" }, nil)
	e.tenant(t, "sotttt", "department", "Sở Thông tin và Truyền thông", "Department of Information and Communications", "Департамент информации и связи")
	e.put(t, "sotttt", article("le-hoi", 1, time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		tr("vi", "le-hoi-bien", "Lễ hội biển", "Tóm tắt", "<p>Nội dung</p>"),
		tr("en", "sea-festival", "Sea festival", "Summary", "<p>Body</p>")))

	ctx := context.Background()
	lock, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(ctx)
	if _, err := lock.Exec(ctx, `LOCK TABLE items, item_translations IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, title string }{
		{"/vi/sotttt/le-hoi-bien", "Cổng thông tin đang bận"},
		{"/en/sotttt/sea-festival", "The portal is busy"},
		{"/ru/sotttt/", "Портал перегружен"},
	} {
		res, doc := e.get(t, c.path)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" {
			t.Errorf("%s while the database is stuck: %d, Retry-After %q; want 503 with Retry-After 5", c.path, res.StatusCode, res.Header.Get("Retry-After"))
		}
		if got := texts(doc, "h1"); len(got) != 1 || got[0] != c.title {
			t.Errorf("%s: h1 %v, want %q", c.path, got, c.title)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", c.path, got)
		}
	}
	// The API's answer is a problem document of the OpenAPI document's 503;
	// feeds and sitemaps are 503 with Retry-After too, never cached.
	for _, p := range []string{"/api/v1/items?tenant=sotttt", "/api/v1/items/sotttt/le-hoi", "/api/v1/legal-documents"} {
		res, body := e.apiGet(t, p)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" ||
			res.Header.Get("Content-Type") != "application/problem+json" || decode(t, body)["status"] != float64(503) {
			t.Errorf("%s while the database is stuck: %d, Retry-After %q, %s %s", p, res.StatusCode, res.Header.Get("Retry-After"),
				res.Header.Get("Content-Type"), body)
		}
	}
	for _, p := range []string{"/vi/rss.xml", "/en/sotttt/atom.xml", "/sitemap/items-1.xml", "/vi/van-ban-phap-luat/?year=2026"} {
		res, _ := e.do(t, http.MethodGet, p)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s while the database is stuck: %d, Retry-After %q, Cache-Control %q", p, res.StatusCode,
				res.Header.Get("Retry-After"), res.Header.Get("Cache-Control"))
		}
	}
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/items?tenant=sotttt", "/vi/rss.xml", "/sitemap/items-1.xml"} {
		if res, _ := e.do(t, http.MethodGet, p); res.StatusCode != http.StatusOK {
			t.Errorf("%s after the database answers again: %d, want 200", p, res.StatusCode)
		}
	}
	if res, _ := e.get(t, "/vi/sotttt/le-hoi-bien"); res.StatusCode != http.StatusOK {
		t.Errorf("after the database answers again: %d, want 200 (the 503 must not be cached)", res.StatusCode)
	}
}
