package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// After a password change the user stays signed in on a new session and
// sees the notice; the old session (its cookie and CSRF token) is over.
func TestPasswordChangeKeepsUserSignedIn(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	oldTok := b.token("/")
	oldCookies := b.c.Jar.Cookies(mustURL(t, f.srv.URL))
	const newPW = "mat-khau-moi-2027-dai"
	resp, _ := b.postForm("/mat-khau", url.Values{"old_password": {testPassword}, "new_password": {newPW},
		"new_password2": {newPW}, "csrf_token": {oldTok}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?ok=password_changed" {
		t.Fatalf("password change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, doc := b.get("/?ok=password_changed")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after the change / answers %d (to %q), want 200: the user was logged out", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := text(doc, ".notice.ok"); !strings.Contains(got, "Đã đổi mật khẩu") {
		t.Errorf("notice %q, want the password-changed notice", got)
	}
	if tok := b.token("/"); tok == oldTok {
		t.Error("the new session kept the old CSRF token")
	}
	// The old session cookie no longer works.
	old := f.browser()
	old.c.Jar.SetCookies(mustURL(t, f.srv.URL), oldCookies)
	if resp, _ := old.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the old session still works: %d", resp.StatusCode)
	}
	if _, err := f.accounts.Login(context.Background(), "tacgia", newPW); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
