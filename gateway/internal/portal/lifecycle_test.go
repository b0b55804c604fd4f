package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// crawl fetches each URL and fails unless it answers 200: the URLs taken
// before a change, which must keep answering after it.
func (e *env) crawl(t *testing.T, paths []string) {
	t.Helper()
	for _, p := range paths {
		if res, _ := e.do(t, http.MethodGet, p); res.StatusCode != http.StatusOK {
			t.Fatalf("before the change: GET %s = %d, want 200", p, res.StatusCode)
		}
	}
}

// followMoved fetches path, wants a 301 and returns its target's path and
// query (the Location is absolute), then wants the target to answer 200.
func (e *env) followMoved(t *testing.T, path string, header ...string) string {
	t.Helper()
	res, _ := e.do(t, http.MethodGet, path, header...)
	if res.StatusCode != http.StatusMovedPermanently {
		t.Errorf("GET %s = %d, want 301", path, res.StatusCode)
		return ""
	}
	u, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !u.IsAbs() {
		t.Errorf("GET %s: Location %q, want an absolute URL", path, res.Header.Get("Location"))
		return ""
	}
	to := u.RequestURI()
	var again *http.Response
	if u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" {
		again, _ = e.do(t, http.MethodGet, to)
	} else {
		again, _ = e.do(t, http.MethodGet, to, "Host", u.Host)
	}
	if again.StatusCode != http.StatusOK {
		t.Errorf("GET %s -> %s = %d, want 200", path, res.Header.Get("Location"), again.StatusCode)
	}
	return to
}

// The old URLs a rename must keep answering: pages, sections, feeds,
// files and the API, crawled before the rename.
func TestRenamedUnitRedirects(t *testing.T) {
	e := newEnv(t)
	pdf := seed(t, e)
	old := []string{
		"/vi/sotttt/", "/en/sotttt/", "/vi/sotttt/tin-tuc-su-kien/", "/vi/sotttt/le-hoi-bien", "/en/sotttt/sea-festival",
		"/vi/sotttt/rss.xml", "/vi/sotttt/tin-tuc-su-kien/atom.xml", "/files/sotttt/le-hoi/" + pdf,
		"/api/v1/items/sotttt/le-hoi", "/api/v1/tenants/sotttt", "/api/v1/items?tenant=sotttt", "/vi/search?tenant=sotttt",
	}
	e.crawl(t, old)
	e.exec(t, `UPDATE tenants SET id = 'so-khcn' WHERE id = 'sotttt'`) // the store's rename, in short
	e.exec(t, `INSERT INTO tenant_aliases (old_id, tenant_id) VALUES ('sotttt', 'so-khcn')`)
	e.tenantsChanged(t)
	for _, p := range old {
		to := e.followMoved(t, p)
		if want := strings.Replace(p, "sotttt", "so-khcn", 1); to != want {
			t.Errorf("GET %s -> %s, want %s", p, to, want)
		}
	}
	// A POST is nobody's old URL: no redirect of a form.
	if res, _ := e.do(t, http.MethodPost, "/vi/sotttt/"); res.StatusCode == http.StatusMovedPermanently {
		t.Errorf("POST to an old id: 301")
	}
}

// A renamed unit keeps its own host names: the URLs of its site there,
// crawled before the rename, answer after it (200, or 301 to a page that
// answers 200).
func TestRenamedUnitKeepsItsHostNames(t *testing.T) {
	e := newEnv(t)
	pdf := seed(t, e)
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sotttt.localhost', 'sotttt', true)`)
	e.tenantsChanged(t)
	u, _ := url.Parse(e.srv.URL)
	own := "sotttt.localhost:" + u.Port()
	old := []string{"/vi/", "/en/", "/vi/tin-tuc-su-kien/", "/vi/le-hoi-bien", "/en/sea-festival", "/files/sotttt/le-hoi/" + pdf,
		"/sitemap.xml", "/api/v1/items/sotttt/le-hoi"}
	for _, p := range old {
		if res, _ := e.do(t, http.MethodGet, p, "Host", own); res.StatusCode != http.StatusOK {
			t.Fatalf("before the rename: GET %s%s = %d, want 200", own, p, res.StatusCode)
		}
	}
	e.exec(t, `UPDATE tenants SET id = 'so-khcn' WHERE id = 'sotttt'`) // the store's rename, in short
	e.exec(t, `INSERT INTO tenant_aliases (old_id, tenant_id) VALUES ('sotttt', 'so-khcn')`)
	e.tenantsChanged(t)
	for _, p := range old {
		res, _ := e.do(t, http.MethodGet, p, "Host", own)
		if res.StatusCode == http.StatusMovedPermanently {
			to, err := url.Parse(res.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			host := own
			if to.IsAbs() {
				host = to.Host
			}
			if res, _ = e.do(t, http.MethodGet, to.RequestURI(), "Host", host); res.StatusCode != http.StatusOK {
				t.Errorf("after the rename: GET %s%s -> %s = %d, want 200", own, p, to, res.StatusCode)
			}
			continue
		}
		if res.StatusCode != http.StatusOK {
			t.Errorf("after the rename: GET %s%s = %d, want 200 or 301", own, p, res.StatusCode)
		}
	}
	// The host's pages are the renamed unit's.
	if _, doc := e.get(t, "/vi/", "Host", own); oneH1(t, doc) != "Sở Thông tin và Truyền thông" {
		t.Errorf("home on the host after the rename: h1 %q", oneH1(t, doc))
	}
}

// A merged unit's pages lead to its successor: items by the slug they had
// (changed to avoid a collision), the home, the sections, files and the
// API; each moved item names the unit that first published it.
func TestMergedUnitRedirects(t *testing.T) {
	e := newEnv(t)
	pdf := seed(t, e)
	e.tenant(t, "xa-cam-hai", "commune", "Xã Cam Hải", "Cam Hai Commune", "Коммуна Камхай")
	e.exec(t, `UPDATE tenants SET established_on = '2008-01-01' WHERE id = 'xa-cam-hai'`)
	item := article("le-hoi", 2, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Cam Hải", "", "<p>Cam Hải</p>"))
	item.Attachments = []*pb.Attachment{{Sha256: pdf, Filename: "qd.pdf", MediaType: "application/pdf"}}
	e.put(t, "xa-cam-hai", item)
	e.tenantsChanged(t)
	old := []string{"/vi/xa-cam-hai/", "/vi/xa-cam-hai/tin-tuc-su-kien/", "/vi/xa-cam-hai/le-hoi-bien", "/vi/xa-cam-hai/rss.xml",
		"/files/xa-cam-hai/le-hoi/" + pdf, "/api/v1/items/xa-cam-hai/le-hoi", "/api/v1/tenants/xa-cam-hai"}
	e.crawl(t, old)

	// What the store's merge leaves: sotttt holds le-hoi and le-hoi-bien
	// already, so the moved item is xa-cam-hai-le-hoi at le-hoi-bien-xa-cam-hai.
	e.exec(t, `DELETE FROM items WHERE tenant_id = 'xa-cam-hai'`)
	item.ContentId, item.Translations[0].Slug = "xa-cam-hai-le-hoi", "le-hoi-bien-xa-cam-hai"
	e.put(t, "sotttt", item)
	e.exec(t, `UPDATE items SET first_tenant_id = 'xa-cam-hai' WHERE content_id = 'xa-cam-hai-le-hoi'`)
	e.exec(t, `INSERT INTO item_moves VALUES ('xa-cam-hai', 'le-hoi', 'sotttt', 'xa-cam-hai-le-hoi')`)
	e.exec(t, `INSERT INTO slug_moves VALUES ('xa-cam-hai', 'vi', 'le-hoi-bien', 'sotttt', 'xa-cam-hai-le-hoi')`)
	e.exec(t, `UPDATE tenants SET status = 'retired', successor_id = 'sotttt', retired_pages = 'redirect', dissolved_on = '2025-06-30'
		WHERE id = 'xa-cam-hai'`)
	e.tenantsChanged(t)
	want := map[string]string{
		"/vi/xa-cam-hai/":                 "/vi/sotttt/",
		"/vi/xa-cam-hai/tin-tuc-su-kien/": "/vi/sotttt/tin-tuc-su-kien/",
		"/vi/xa-cam-hai/le-hoi-bien":      "/vi/sotttt/le-hoi-bien-xa-cam-hai",
		"/vi/xa-cam-hai/rss.xml":          "/vi/sotttt/rss.xml",
		"/files/xa-cam-hai/le-hoi/" + pdf: "/files/sotttt/xa-cam-hai-le-hoi/" + pdf,
		"/api/v1/items/xa-cam-hai/le-hoi": "/api/v1/items/sotttt/xa-cam-hai-le-hoi",
		"/api/v1/tenants/xa-cam-hai":      "/api/v1/tenants/sotttt",
		"/vi/xa-cam-hai/khong-bao-gio-co": "/vi/sotttt/", // no such slug: the successor's home
		"/api/v1/items?tenant=xa-cam-hai": "/api/v1/items?tenant=sotttt",
		// The search page's tenant filter, in every language.
		"/vi/search?tenant=xa-cam-hai": "/vi/search?tenant=sotttt",
		"/en/search?tenant=xa-cam-hai": "/en/search?tenant=sotttt",
	}
	for _, p := range old {
		if _, ok := want[p]; !ok {
			t.Fatalf("no expectation for %s", p)
		}
	}
	for from, to := range want {
		if got := e.followMoved(t, from); got != to {
			t.Errorf("GET %s -> %s, want %s", from, got, to)
		}
	}
	// The merged unit's old host name answers too.
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('camhai.khanhhoa.gov.vn', 'xa-cam-hai', true)`)
	e.tenantsChanged(t)
	for from, to := range map[string]string{"/vi/le-hoi-bien": "/vi/sotttt/le-hoi-bien-xa-cam-hai", "/vi/": "/vi/sotttt/"} {
		if got := e.followMoved(t, from, "Host", "camhai.khanhhoa.gov.vn"); got != to {
			t.Errorf("GET camhai.khanhhoa.gov.vn%s -> %s, want %s", from, got, to)
		}
	}
	res, doc := e.get(t, "/vi/sotttt/le-hoi-bien-xa-cam-hai")
	wantStatus(t, res, http.StatusOK)
	if got := text(doc, ".notice-origin"); got != "Bài viết do Xã Cam Hải (2008–2025) đăng lần đầu." {
		t.Errorf("first publisher notice = %q", got)
	}
	if _, doc := e.get(t, "/en/sotttt/le-hoi-bien-xa-cam-hai"); text(doc, ".notice-origin") != "First published by Cam Hai Commune (2008–2025)." {
		t.Errorf("first publisher notice in English = %q", text(doc, ".notice-origin"))
	}
	// The successor's own item keeps its page, with no such notice.
	if _, doc := e.get(t, "/vi/sotttt/le-hoi-bien"); text(doc, ".notice-origin") != "" {
		t.Errorf("the successor's own item names a first publisher: %q", text(doc, ".notice-origin"))
	}
}

// A retired unit's pages stay with a banner naming it, its years and its
// successor, or answer 410 when ops chose so.
func TestRetiredUnitPages(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.exec(t, `UPDATE tenants SET status = 'retired', successor_id = 'sotttt', retired_pages = 'banner',
		established_on = '2008-01-01', dissolved_on = '2025-06-30' WHERE id = 'nhatrang'`)
	e.tenantsChanged(t)
	res, doc := e.get(t, "/vi/nhatrang/")
	wantStatus(t, res, http.StatusOK)
	if got := text(doc, "aside.retired"); !strings.Contains(got, "Phường Nha Trang (2008–2025) đã ngừng hoạt động") ||
		!strings.Contains(got, "Sở Thông tin và Truyền thông") || attr(doc, "aside.retired a", "href") != "/vi/sotttt/" {
		t.Errorf("banner = %q (link %q)", got, attr(doc, "aside.retired a", "href"))
	}
	if _, doc := e.get(t, "/vi/sotttt/"); doc.Find("aside.retired").Length() != 0 {
		t.Errorf("an active unit's page has the retired banner")
	}

	e.exec(t, `UPDATE tenants SET retired_pages = 'gone' WHERE id = 'nhatrang'`)
	e.tenantsChanged(t)
	for _, p := range []string{"/vi/nhatrang/", "/vi/nhatrang/tin-phuong", "/en/nhatrang/"} {
		res, doc := e.get(t, p)
		wantStatus(t, res, http.StatusGone)
		if !strings.Contains(doc.Find("main").Text(), "(2008–2025)") {
			t.Errorf("GET %s: the 410 page does not name the unit's years", p)
		}
	}
}

// An old portal's URLs land where the imported map says; its other URLs
// on the provincial home.
func TestRedirectMap(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.exec(t, `INSERT INTO redirect_map (host, path, tenant_id, content_id, category, locale, imported_by) VALUES
		('camranh.khanhhoa.gov.vn', '/Pages/tin.aspx?ItemID=12', 'sotttt', 'le-hoi', '', 'en', 'ops:test'),
		('camranh.khanhhoa.gov.vn', '/gioi-thieu', 'sotttt', '', 'news', 'vi', 'ops:test'),
		('camranh.khanhhoa.gov.vn', '/', 'nhatrang', '', '', 'vi', 'ops:test')`)
	e.tenantsChanged(t)
	host := "camranh.khanhhoa.gov.vn"
	for from, to := range map[string]string{
		"/Pages/tin.aspx?ItemID=12": "/en/sotttt/sea-festival",
		"/gioi-thieu":               "/vi/sotttt/tin-tuc-su-kien/",
		"/gioi-thieu?utm=x":         "/vi/sotttt/tin-tuc-su-kien/",
		"/khong-co.html":            "/vi/nhatrang/", // the host's root row
	} {
		if got := e.followMoved(t, from, "Host", host); got != to {
			t.Errorf("GET %s%s -> %s, want %s", host, from, got, to)
		}
	}
	// Another host still answers 421.
	if res, _ := e.do(t, http.MethodGet, "/", "Host", "other.example"); res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("an unknown host: %d, want 421", res.StatusCode)
	}
}
