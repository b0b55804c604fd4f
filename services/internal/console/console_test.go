package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/opsaccounts"
)

func TestLoginPageAndHeaders(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	resp, _ := b.get("/don-vi?kind=ward")
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/dang-nhap?next=%2Fdon-vi%3Fkind%3Dward" {
		t.Errorf("anonymous: %d to %q, want 303 to the login page with next", resp.StatusCode, got)
	}
	resp, doc := b.get("/dang-nhap")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	for name, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "Cache-Control": "no-store"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	if got, _ := doc.Find("html").Attr("lang"); got != "vi" {
		t.Errorf("lang %q, want vi first", got)
	}
	if got := text(doc, "h1"); got != "Đăng nhập" {
		t.Errorf("h1 %q", got)
	}
	for _, id := range []string{"username", "password"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("#%s has no label", id)
		}
	}
	if doc.Find("script, style, [style]").Length() != 0 {
		t.Error("script or inline style on the login page")
	}
	resp, _ = b.get("/static/console.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("stylesheet: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"))
	}
	// The language switch leads to English, remembered.
	href, _ := doc.Find(`.langs a[lang=en]`).Attr("href")
	_, doc = b.get(href)
	if got := text(doc, "h1"); got != "Sign in" {
		t.Errorf("English h1 %q", got)
	}
	_, doc = b.get("/dang-nhap")
	if got, _ := doc.Find("html").Attr("lang"); got != "en" {
		t.Errorf("language not remembered: %q", got)
	}
}

func TestLoginSessionCookieAndLogout(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	resp, doc := b.post("/dang-nhap", url.Values{"csrf_token": {b.csrf("/dang-nhap")}, "username": {"xem"}, "password": {"sai"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(text(doc, ".error-summary"), "không đúng") {
		t.Errorf("wrong password: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
	if got, _ := doc.Find("#username").Attr("value"); got != "xem" {
		t.Errorf("username not kept: %q", got)
	}
	resp, _ = b.post("/dang-nhap", url.Values{"csrf_token": {b.csrf("/dang-nhap")}, "username": {"xem"},
		"password": {testPassword}, "next": {"//evil.example/"}})
	if got := resp.Header.Get("Location"); got != "/" {
		t.Errorf("login with a foreign next redirects to %q, want /", got)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/", cookie)
	}
	resp, doc = b.get("/don-vi")
	if resp.StatusCode != http.StatusOK || text(doc, "h1") != "Đơn vị (cổng thành phần)" {
		t.Fatalf("tenants after login: %d %q", resp.StatusCode, text(doc, "h1"))
	}
	if got := text(doc, ".who span"); got != "Đăng nhập: xem (xem)" {
		t.Errorf("who %q", got)
	}
	csrf, _ := doc.Find(`form[action="/dang-xuat"] input[name=csrf_token]`).Attr("value")
	resp, _ = b.post("/dang-xuat", url.Values{"csrf_token": {csrf}})
	if got := resp.Header.Get("Location"); got != "/dang-nhap" {
		t.Errorf("logout to %q", got)
	}
	if resp, _ = b.get("/don-vi"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d, want 303 to the login page", resp.StatusCode)
	}
}

func TestLoginLockoutMessage(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	for i := 0; i < opsaccounts.MaxFailures; i++ {
		b.post("/dang-nhap", url.Values{"csrf_token": {b.csrf("/dang-nhap")}, "username": {"vanhanh"}, "password": {"sai-" + fmt.Sprint(i)}})
	}
	// Locked: even the right password is refused, with when to try again.
	resp, doc := b.post("/dang-nhap", url.Values{"csrf_token": {b.csrf("/dang-nhap")}, "username": {"vanhanh"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("locked: %d, want 403", resp.StatusCode)
	}
	msg := text(doc, ".error-summary #err-login")
	if !strings.Contains(msg, "tạm khoá") || !strings.Contains(msg, "10:15 02/12/2026") {
		t.Errorf("lockout message %q: want the Vietnamese message with the time it ends", msg)
	}
	if got, _ := doc.Find("#username").Attr("aria-describedby"); got != "err-login" {
		t.Errorf("username aria-describedby %q", got)
	}
}

func TestLoginRefusedWithoutCSRF(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	b.csrf("/dang-nhap") // the cookie, but not the token
	resp, _ := b.post("/dang-nhap", url.Values{"username": {"xem"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without the token: %d, want 403", resp.StatusCode)
	}
	if resp, _ = b.get("/don-vi"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed in although the form had no CSRF token: %d", resp.StatusCode)
	}
}

func TestTenantListSearchFilterAndPages(t *testing.T) {
	f := newFixture(t)
	f.addTenant("tinh", "province", "Tỉnh Khánh Hòa")
	for i := 0; i < tenantsPageSize+5; i++ {
		f.addTenant(fmt.Sprintf("xa-%03d", i), "commune", fmt.Sprintf("Xã Số %d", i))
	}
	f.addTenant("phuong-nha-trang", "ward", "Phường Nha Trang")
	b := f.browser()
	b.login("xem")

	_, doc := b.get("/don-vi?q=nha+trang")
	if n := doc.Find("tbody tr").Length(); n != 1 || text(doc, "tbody th") != "phuong-nha-trang" {
		t.Errorf("search 'nha trang' (no diacritics): %d rows, first %q", n, text(doc, "tbody th"))
	}
	_, doc = b.get("/don-vi?kind=province")
	if n := doc.Find("tbody tr").Length(); n != 1 || text(doc, "tbody th") != "tinh" {
		t.Errorf("kind=province: %d rows, first %q", n, text(doc, "tbody th"))
	}
	if got, _ := doc.Find("#kind option[selected]").Attr("value"); got != "province" {
		t.Errorf("kind filter shows %q selected", got)
	}

	_, doc = b.get("/don-vi?kind=commune")
	if n := doc.Find("tbody tr").Length(); n != tenantsPageSize {
		t.Fatalf("first page: %d rows, want %d", n, tenantsPageSize)
	}
	next, ok := doc.Find(`a[rel=next]`).Attr("href")
	if !ok || doc.Find(`a[rel=prev]`).Length() != 0 {
		t.Fatalf("first page links: next %v, prev %d", ok, doc.Find(`a[rel=prev]`).Length())
	}
	_, doc = b.get(next)
	if n := doc.Find("tbody tr").Length(); n != 5 || text(doc, "tbody th") != "xa-050" {
		t.Errorf("second page: %d rows from %q, want 5 from xa-050", n, text(doc, "tbody th"))
	}
	if !strings.Contains(next, "kind=commune") || doc.Find(`a[rel=next]`).Length() != 0 {
		t.Errorf("the next link %q keeps the filter; the last page has no next", next)
	}
	prev, _ := doc.Find(`a[rel=prev]`).Attr("href")
	_, doc = b.get(prev)
	if text(doc, "tbody th") != "xa-000" {
		t.Errorf("previous page starts at %q", text(doc, "tbody th"))
	}

	if resp, _ := b.get("/don-vi?page=rac"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a garbage cursor: %d, want 400", resp.StatusCode)
	}
	if resp, _ := b.get("/don-vi?kind=planet"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown kind: %d, want 400", resp.StatusCode)
	}
}
