package hubread_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/hubread"
)

func TestSitemapURLs(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi) VALUES ('so-a', 'department', 'Sở A'), ('so-b', 'department', 'Sở B'),
		('xa-c', 'commune', 'Xã C'), ('xa-d', 'commune', 'Xã D')`)
	exec(t, db, `INSERT INTO tenant_hosts (tenant_id, host, is_primary) VALUES ('so-b', 'sob.example', true)`)
	exec(t, db, `UPDATE tenants SET status = 'suspended' WHERE id = 'xa-d'`)
	at := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	putItem(t, db, "so-a", "published", item("a1", at, tr("vi", "tin-1", "Tin 1"), tr("en", "news-1", "News 1")))
	putItem(t, db, "so-a", "published", item("a2", at, tr("vi", "tin-2", "Tin 2")))
	putItem(t, db, "so-a", "withdrawn", item("a3", at, tr("vi", "tin-3", "Tin 3")))
	putItem(t, db, "so-a", "published", item("a4", at, tr("vi", "tin-4", "Tin 4")))
	exec(t, db, `UPDATE items SET taken_down_at = now() WHERE content_id = 'a4'`)
	putItem(t, db, "so-b", "published", item("b1", at, tr("vi", "tin-b", "Tin B"), tr("ru", "novosti-b", "Новости Б")))
	putItem(t, db, "xa-c", "published", item("c1", at, tr("vi", "tin-c", "Tin C")))
	putItem(t, db, "xa-d", "published", item("d1", at, tr("vi", "tin-d", "Tin D")))

	list := func(site hubread.SitemapSite, off, n int) string {
		t.Helper()
		urls, err := s.SitemapURLs(ctx, site, off, n)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range urls {
			out = append(out, fmt.Sprintf("%s/%s:%s=%s(%d)", u.Tenant, u.ContentID, u.Locale, u.Slug, len(u.Slugs)))
		}
		return fmt.Sprint(out)
	}
	provincial := hubread.SitemapSite{}
	if n, err := s.SitemapCount(ctx, provincial); err != nil || n != 4 {
		t.Errorf("provincial count = %d, %v; want 4", n, err)
	}
	if got := list(provincial, 0, 10); got != "[so-a/a1:en=news-1(2) so-a/a1:vi=tin-1(2) so-a/a2:vi=tin-2(1) xa-c/c1:vi=tin-c(1)]" {
		t.Errorf("provincial = %s", got)
	}
	if got := list(provincial, 1, 2); got != "[so-a/a1:vi=tin-1(2) so-a/a2:vi=tin-2(1)]" {
		t.Errorf("provincial from 1 = %s", got)
	}
	own := hubread.SitemapSite{Tenant: "so-b"}
	if n, err := s.SitemapCount(ctx, own); err != nil || n != 2 {
		t.Errorf("so-b count = %d, %v", n, err)
	}
	if got := list(own, 0, 10); got != "[so-b/b1:ru=novosti-b(2) so-b/b1:vi=tin-b(2)]" {
		t.Errorf("so-b = %s", got)
	}
}
