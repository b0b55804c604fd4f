package portal_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/portal"
)

// homeItems selects the item links of the provincial home's blocks.
const homeItems = ".subportals-newest h3 a, .section-block li > a, .featured h3 a"

// registry fills the province's and a department's registry entries.
func registry(t *testing.T, e *env) {
	t.Helper()
	e.tenant(t, "vp-ubnd", "province", "Văn phòng UBND tỉnh Khánh Hòa", "Office of the Khánh Hòa People's Committee", "")
	e.exec(t, `UPDATE tenants SET address_vi = 'Số 1 Trần Phú, Nha Trang', address_en = '1 Tran Phu Street, Nha Trang',
		phone = '0258 3822 661', fax = '0258 3821 164', email = 'vpubnd@khanhhoa.gov.vn',
		responsible = 'Ông Lê Minh Tuấn, Chánh Văn phòng', licence = 'Giấy phép số 45/GP-TTĐT' WHERE id = 'vp-ubnd'`)
	e.exec(t, `UPDATE tenants SET parent_id = 'vp-ubnd', address_vi = '9 Biệt Thự', phone = '0258 3822 750',
		email = 'sotttt@khanhhoa.gov.vn', responsible = 'Bà Nguyễn Thị Hà, Giám đốc' WHERE id = 'sotttt'`)
	e.tenantsChanged(t)
}

func TestFrame(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	registry(t, e)

	t.Run("provincial", func(t *testing.T) {
		res, doc := e.get(t, "/vi/")
		wantStatus(t, res, 200)
		if got := text(doc, "header .brand-name a"); got != "Cổng thông tin điện tử tỉnh Khánh Hòa" {
			t.Errorf("brand = %q", got)
		}
		nav := doc.Find(`header nav.sections[aria-label] a`)
		if nav.Length() != 15 || text(doc, "nav.sections li:first-child a") != "Giới thiệu" ||
			attr(doc, "nav.sections li:first-child a", "href") != "/vi/gioi-thieu/" {
			t.Errorf("sections nav: %d links, first %q %q", nav.Length(), text(doc, "nav.sections a"), attr(doc, "nav.sections a", "href"))
		}
		if attr(doc, "form.site-search", "action") != "/vi/search" || doc.Find(`form.site-search input[name=tenant]`).Length() != 0 ||
			attr(doc, `label[for=site-search-q]`, "class") == "" {
			t.Error("provincial search box: want /vi/search, unscoped, labelled")
		}
		if got := texts(doc, `nav.breadcrumbs[aria-label] ol li`); len(got) != 1 || got[0] != "Trang chủ" ||
			doc.Find(`nav.breadcrumbs li [aria-current=page]`).Length() != 1 {
			t.Errorf("home breadcrumbs = %v", got)
		}
		for sel, want := range map[string]string{
			"footer .footer-owner":       "Cơ quan chủ quản: Ủy ban nhân dân tỉnh Khánh Hòa",
			"footer .footer-name":        "Văn phòng UBND tỉnh Khánh Hòa",
			"footer .footer-responsible": "Ông Lê Minh Tuấn, Chánh Văn phòng",
			"footer .footer-address":     "Số 1 Trần Phú, Nha Trang",
			"footer .footer-phone":       "0258 3822 661",
			"footer .footer-fax":         "0258 3821 164",
			"footer .footer-email a":     "vpubnd@khanhhoa.gov.vn",
			"footer .footer-licence":     "Giấy phép số 45/GP-TTĐT",
		} {
			if got := text(doc, sel); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if attr(doc, "footer .footer-email a", "href") != "mailto:vpubnd@khanhhoa.gov.vn" {
			t.Error("footer e-mail is no mailto link")
		}
		for _, href := range []string{"/vi/accessibility", "/vi/privacy", "/vi/portals/"} {
			if doc.Find(`footer a[href="`+href+`"]`).Length() != 1 {
				t.Errorf("footer does not link %s", href)
			}
		}
		if attr(doc, `meta[name=description]`, "content") == "" || attr(doc, `link[rel=icon]`, "href") == "" {
			t.Error("no meta description or icon")
		}
	})

	t.Run("sub-portal", func(t *testing.T) {
		res, doc := e.get(t, "/en/sotttt/")
		wantStatus(t, res, 200)
		if got := text(doc, "header .brand-name a"); got != "Department of Information and Communications" {
			t.Errorf("brand = %q", got)
		}
		if attr(doc, "header .brand-province a", "href") != "/en/" {
			t.Error("no link back to the provincial portal in the header")
		}
		if got := attr(doc, "nav.sections li:first-child a", "href"); got != "/en/sotttt/introduction/" {
			t.Errorf("sub-portal nav starts with %q, want its own section", got)
		}
		if attr(doc, `form.site-search input[name=tenant]`, "value") != "sotttt" {
			t.Error("the search box is not scoped to the sub-portal")
		}
		if got := texts(doc, "nav.breadcrumbs li"); len(got) != 2 || got[1] != "Department of Information and Communications" {
			t.Errorf("breadcrumbs = %v", got)
		}
		if got := text(doc, "footer .footer-name"); got != "Department of Information and Communications" {
			t.Errorf("footer agency = %q, want the sub-portal's own entry", got)
		}
		if got := text(doc, "footer .footer-parent span"); got != "Office of the Khánh Hòa People's Committee" {
			t.Errorf("footer parent = %q", got)
		}
		if attr(doc, "footer .footer-responsible", "lang") != "vi" || attr(doc, "footer .footer-address", "lang") != "vi" {
			t.Error("Vietnamese registry text on the English page is not marked lang=vi")
		}
		if doc.Find(`footer a[href="/en/"]`).Length() != 1 {
			t.Error("no link to the provincial portal in the footer")
		}
	})

	t.Run("section and item", func(t *testing.T) {
		_, doc := e.get(t, "/vi/sotttt/tin-tuc-su-kien/")
		if got := texts(doc, "nav.breadcrumbs li"); len(got) != 3 || got[2] != "Tin tức - Sự kiện" {
			t.Errorf("section breadcrumbs = %v", got)
		}
		if got := attr(doc, `nav.sections a[aria-current=page]`, "href"); got != "/vi/sotttt/tin-tuc-su-kien/" {
			t.Errorf("current section in the nav = %q", got)
		}
		_, doc = e.get(t, "/vi/sotttt/le-hoi-bien")
		crumbs := texts(doc, "nav.breadcrumbs li")
		if len(crumbs) != 4 || crumbs[2] != "Tin tức - Sự kiện" || crumbs[3] != "Lễ hội biển Nha Trang" ||
			text(doc, `nav.breadcrumbs [aria-current=page]`) != crumbs[3] ||
			attr(doc, "nav.breadcrumbs li:nth-child(3) a", "href") != "/vi/sotttt/tin-tuc-su-kien/" {
			t.Errorf("item breadcrumbs = %v", crumbs)
		}
		if got := attr(doc, `nav.sections a[aria-current=page]`, "href"); got != "/vi/sotttt/tin-tuc-su-kien/" {
			t.Errorf("an item's section in the nav = %q", got)
		}
		_, doc = e.get(t, "/en/sotttt/quyet-dinh-15")
		if got := attr(doc, "nav.breadcrumbs [aria-current=page]", "lang"); got != "vi" {
			t.Errorf("a Vietnamese title in the English trail: lang %q", got)
		}
		if attr(doc, "main .updated time", "datetime") == "" {
			t.Error("item page shows no last update")
		}
	})

	t.Run("statements", func(t *testing.T) {
		for _, p := range []string{"/vi/accessibility", "/en/accessibility", "/ru/accessibility", "/vi/privacy", "/en/privacy", "/ru/privacy",
			"/vi/privacy/record", "/en/privacy/record", "/ru/privacy/record"} {
			res, doc := e.get(t, p)
			wantStatus(t, res, 200)
			checkLayout(t, res, doc, p[1:3])
			oneH1(t, doc)
			if n := doc.Find("main section h2").Length(); n < 4 {
				t.Errorf("%s has %d sections", p, n)
			}
			if got := text(doc, "main"); bytes.Contains([]byte(got), []byte("[")) {
				t.Errorf("%s shows a missing message: %q", p, got)
			}
		}
		// The notice and the processing record (issue 9 point 6) link each
		// other and the deletion of a question's personal data.
		for p, want := range map[string][]string{"/ru/privacy": {"/ru/privacy/record", "/ru/feedback/delete"},
			"/en/privacy/record": {"/en/privacy", "/en/feedback/delete"}} {
			_, doc := e.get(t, p)
			for _, href := range want {
				if doc.Find(`main nav a[href="`+href+`"]`).Length() != 1 {
					t.Errorf("%s does not link %s", p, href)
				}
			}
		}
		_, doc := e.get(t, "/vi/privacy/record")
		for _, what := range []string{"Bên kiểm soát", "Mục đích", "Thời hạn lưu", "Bên nhận", "2 năm"} {
			if !strings.Contains(text(doc, "main"), what) {
				t.Errorf("the processing record does not say %q", what)
			}
		}
	})
}

func TestFavicon(t *testing.T) {
	e := newEnv(t)
	res, body := e.do(t, http.MethodGet, "/favicon.ico")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/vnd.microsoft.icon" || !bytes.HasPrefix(body, []byte{0, 0, 1, 0}) {
		t.Fatalf("favicon: %d %q %x", res.StatusCode, res.Header.Get("Content-Type"), body[:min(8, len(body))])
	}
	etag := res.Header.Get("ETag")
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/favicon.ico", nil)
	req.Header.Set("If-None-Match", etag)
	res2, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if etag == "" || res2.StatusCode != http.StatusNotModified {
		t.Errorf("favicon revalidation: ETag %q, %d", etag, res2.StatusCode)
	}
}

// A reload of the tenant registry that the database holds up does not hold
// up the pages: they are served with the previous registry meanwhile.
func TestRegistryReloadInBackground(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.TenantRefresh = time.Nanosecond })
	seed(t, e)
	e.get(t, "/vi/sotttt/le-hoi-bien") // cached
	ctx := context.Background()
	tx, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 2)
	for range 2 { // the first starts a reload, which waits for the lock
		go func() { res, _ := e.get(t, "/vi/sotttt/le-hoi-bien"); answered <- res.StatusCode }()
	}
	for range 2 {
		select {
		case code := <-answered:
			if code != 200 {
				t.Errorf("status %d", code)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a cached page waited for the registry's reload")
		}
	}
}
