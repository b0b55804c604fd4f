package accounts

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

const host = "127.0.0.1:8081"

func newRequest(method, target string, form url.Values, cookies ...*http.Cookie) *http.Request {
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, "http://"+host+target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, "http://"+host+target, nil)
	}
	for _, c := range cookies {
		if c != nil {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return r
}

func setCookie(t *testing.T, w *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// login logs username in through Begin and returns its session cookie.
func login(t *testing.T, m *Sessions, username string) *http.Cookie {
	t.Helper()
	acc, err := m.Store.Login(context.Background(), username, goodPassword+username)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	if err := m.Begin(w, newRequest("POST", "/dang-nhap", nil), acc); err != nil {
		t.Fatal(err)
	}
	c := setCookie(t, w, m.CookieName)
	if c == nil {
		t.Fatal("Begin set no session cookie")
	}
	return c
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t)
	acc := f.mustCreate(t, "bien.tap", RoleEditor)
	m := &Sessions{Store: f.Store, CookieName: "ph_so-du-lich_session"}

	for _, tc := range []struct {
		name   string
		tls    bool
		proto  string
		secure bool
	}{
		{"plain http", false, "", false},
		{"TLS", true, "", true},
		{"behind a proxy over https", false, "https", true},
		{"behind a proxy over https, list", false, "HTTPS, http", true},
		{"behind a proxy over http", false, "http", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequest("POST", "/dang-nhap", nil)
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			w := httptest.NewRecorder()
			if err := m.Begin(w, r, acc); err != nil {
				t.Fatal(err)
			}
			c := setCookie(t, w, "ph_so-du-lich_session")
			if c == nil {
				t.Fatalf("no cookie named ph_so-du-lich_session in %v", w.Header()["Set-Cookie"])
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != tc.secure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v, want true, Lax, /, %v",
					c.HttpOnly, c.SameSite, c.Path, c.Secure, tc.secure)
			}
			if c.MaxAge != 0 {
				t.Errorf("MaxAge = %d, want a browser-session cookie without TTL", c.MaxAge)
			}
		})
	}

	m.TTL = 8 * time.Hour
	w := httptest.NewRecorder()
	m.Begin(w, newRequest("POST", "/", nil), acc)
	if c := setCookie(t, w, m.CookieName); c.MaxAge != 8*3600 {
		t.Errorf("MaxAge = %d with TTL 8h", c.MaxAge)
	}
}

func TestLoadBeginEnd(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.mustCreate(t, "bien.tap", RoleEditor)
	m := &Sessions{Store: f.Store, CookieName: "ph_so-du-lich_session"}
	other := &Sessions{Store: f.Store, CookieName: "ph_so-noi-vu_session"}

	var seen *Session
	h := m.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = Current(r.Context())
	}))
	serve := func(cookies ...*http.Cookie) *httptest.ResponseRecorder {
		seen = nil
		w := httptest.NewRecorder()
		h.ServeHTTP(w, newRequest("GET", "/quan-tri/", nil, cookies...))
		return w
	}

	serve()
	if seen != nil {
		t.Error("a session without a cookie")
	}
	c := login(t, m, "bien.tap")
	serve(c)
	if seen == nil || seen.Account.Username != "bien.tap" {
		t.Fatalf("Current = %+v, want bien.tap's session", seen)
	}
	// Another sub-portal on the same host does not take this cookie.
	seenOther := false
	other.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, seenOther = Current(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), newRequest("GET", "/", nil, c))
	if seenOther {
		t.Error("another sub-portal's Sessions accepted this sub-portal's cookie")
	}

	// A new login rotates the session: the old cookie no longer works.
	acc, _ := f.Login(ctx, "bien.tap", goodPassword+"bien.tap")
	w := httptest.NewRecorder()
	if err := m.Begin(w, newRequest("POST", "/dang-nhap", nil, c), acc); err != nil {
		t.Fatal(err)
	}
	c2 := setCookie(t, w, m.CookieName)
	if c2.Value == c.Value {
		t.Fatal("Begin kept the session token")
	}
	if w := serve(c); seen != nil {
		t.Error("the replaced session still works")
	} else if cleared := setCookie(t, w, m.CookieName); cleared == nil || cleared.MaxAge >= 0 {
		t.Error("Load did not clear a stale cookie")
	}
	serve(c2)
	if seen == nil {
		t.Fatal("the new session does not work")
	}

	// Logout.
	w = httptest.NewRecorder()
	if err := m.End(w, newRequest("POST", "/dang-xuat", nil, c2)); err != nil {
		t.Fatal(err)
	}
	if cleared := setCookie(t, w, m.CookieName); cleared == nil || cleared.MaxAge >= 0 || cleared.Value != "" {
		t.Errorf("End did not clear the cookie: %+v", cleared)
	}
	serve(c2)
	if seen != nil {
		t.Error("the session works after End")
	}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "bien.tap", RoleEditor)
	f.mustCreate(t, "phong.vien", RoleAuthor)
	m := &Sessions{Store: f.Store, CookieName: "ph_so-du-lich_session"}

	mine := login(t, m, "bien.tap")
	theirs := login(t, m, "phong.vien")
	tokenOf := func(c *http.Cookie) string {
		return m.CSRFToken(httptest.NewRecorder(), newRequest("GET", "/", nil, c))
	}
	myToken, theirToken := tokenOf(mine), tokenOf(theirs)
	if myToken == "" || myToken == theirToken {
		t.Fatalf("session CSRF tokens %q and %q", myToken, theirToken)
	}

	// The login form: an anonymous token bound to its own cookie.
	w := httptest.NewRecorder()
	r := newRequest("GET", "/dang-nhap", nil)
	anonToken := m.CSRFToken(w, r)
	if again := m.CSRFToken(w, r); again != anonToken {
		t.Error("two calls in one request give two anonymous tokens")
	}
	anonCookie := setCookie(t, w, "ph_so-du-lich_session_csrf")
	if anonCookie == nil || !anonCookie.HttpOnly || anonCookie.SameSite != http.SameSiteLaxMode || anonCookie.MaxAge <= 0 {
		t.Fatalf("anonymous CSRF cookie = %+v", anonCookie)
	}
	if anonToken == anonCookie.Value {
		t.Error("the anonymous token is the cookie's value, not signed")
	}
	w2 := httptest.NewRecorder()
	otherAnon := m.CSRFToken(w2, newRequest("GET", "/dang-nhap", nil))
	otherAnonCookie := setCookie(t, w2, "ph_so-du-lich_session_csrf")

	form := func(token string) url.Values {
		v := url.Values{"title": {"Bài mới"}}
		if token != "" {
			v.Set(CSRFField, token)
		}
		return v
	}
	for _, tc := range []struct {
		name    string
		method  string
		cookies []*http.Cookie
		form    url.Values
		headers map[string]string
		ok      bool
	}{
		{"GET needs nothing", "GET", nil, nil, nil, true},
		{"valid", "POST", []*http.Cookie{mine}, form(myToken), nil, true},
		{"valid, same Origin", "POST", []*http.Cookie{mine}, form(myToken), map[string]string{"Origin": "http://" + host}, true},
		{"valid, same Referer", "POST", []*http.Cookie{mine}, form(myToken), map[string]string{"Referer": "http://" + host + "/quan-tri/"}, true},
		{"valid, same-origin fetch", "POST", []*http.Cookie{mine}, form(myToken), map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"valid in the header", "DELETE", []*http.Cookie{mine}, nil, map[string]string{CSRFHeader: myToken}, true},
		{"missing token", "POST", []*http.Cookie{mine}, form(""), nil, false},
		{"forged token", "POST", []*http.Cookie{mine}, form("dGhpcyBpcyBub3QgdGhlIHRva2VuIGF0IGFsbCEhISEhISE"), nil, false},
		{"other session's token", "POST", []*http.Cookie{mine}, form(theirToken), nil, false},
		{"token in the query only", "POST", []*http.Cookie{mine}, url.Values{}, nil, false},
		{"cross-origin Origin", "POST", []*http.Cookie{mine}, form(myToken), map[string]string{"Origin": "https://evil.example"}, false},
		{"other back office's port", "POST", []*http.Cookie{mine}, form(myToken), map[string]string{"Origin": "http://127.0.0.1:8082"}, false},
		{"null Origin", "POST", []*http.Cookie{mine}, form(myToken), map[string]string{"Origin": "null"}, false},
		{"cross-origin Referer", "PUT", []*http.Cookie{mine}, form(myToken), map[string]string{"Referer": "https://evil.example/x"}, false},
		{"same-site fetch", "PATCH", []*http.Cookie{mine}, form(myToken), map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"anonymous login form", "POST", []*http.Cookie{anonCookie}, form(anonToken), nil, true},
		{"anonymous without its cookie", "POST", nil, form(anonToken), nil, false},
		{"anonymous with another cookie", "POST", []*http.Cookie{otherAnonCookie}, form(anonToken), nil, false},
		{"anonymous cookie value as the token", "POST", []*http.Cookie{anonCookie}, form(anonCookie.Value), nil, false},
		{"anonymous token with a session", "POST", []*http.Cookie{mine, anonCookie}, form(anonToken), nil, false},
		{"other anonymous token", "POST", []*http.Cookie{anonCookie}, form(otherAnon), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/quan-tri/bai-viet"
			if tc.name == "token in the query only" {
				target += "?" + CSRFField + "=" + url.QueryEscape(myToken)
			}
			r := newRequest(tc.method, target, tc.form, tc.cookies...)
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			err := m.CheckCSRF(r)
			if tc.ok {
				if err != nil {
					t.Fatalf("CheckCSRF = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrCSRF) {
				t.Fatalf("CheckCSRF = %v, want ErrCSRF", err)
			}
			e := errs.As(err)
			if e.Kind != errs.PermissionDenied || e.MessageVI != "Phiên làm việc đã hết hạn hoặc yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại." {
				t.Errorf("error kind %v, message %q", e.Kind, e.MessageVI)
			}
		})
	}

	// Logging in replaces the anonymous cookie.
	acc, _ := f.Login(context.Background(), "bien.tap", goodPassword+"bien.tap")
	w = httptest.NewRecorder()
	m.Begin(w, newRequest("POST", "/dang-nhap", nil, anonCookie), acc)
	if c := setCookie(t, w, "ph_so-du-lich_session_csrf"); c == nil || c.MaxAge >= 0 {
		t.Errorf("Begin left the anonymous CSRF cookie: %+v", c)
	}
}
