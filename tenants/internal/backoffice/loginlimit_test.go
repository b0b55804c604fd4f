package backoffice

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
)

// forwardedFor sends every request as if a trusted proxy had forwarded it
// for client.
type forwardedFor struct{ client string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.client)
	return http.DefaultTransport.RoundTrip(r)
}

// TestLoginRateLimitedPerClient (issue 6 B11): a client that has used its
// login attempts gets 429 with Retry-After and a Vietnamese message on the
// login page, even with the right password; another client (behind the same
// trusted proxy) is not affected, and the refused attempts were not checked
// against the account.
func TestLoginRateLimitedPerClient(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.LoginLimiter = accounts.NewClientLimiter(accounts.ClientLimit{Attempts: 3, Window: time.Hour,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}})
	})
	attacker := f.browser()
	attacker.c.Transport = forwardedFor{"203.0.113.7"}
	for i := range 3 {
		resp, _ := attacker.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {"sai-mat-khau-" + strconv.Itoa(i)}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	for _, pw := range []string{"sai-mat-khau-9", testPassword} {
		resp, doc := attacker.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {pw}})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("attempt beyond the client's limit: status %d, want 429", resp.StatusCode)
		}
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || secs < 1 {
			t.Errorf("Retry-After = %q, want whole seconds", resp.Header.Get("Retry-After"))
		}
		if got := errorSummary(doc); !strings.Contains(got, "Có quá nhiều lượt đăng nhập từ địa chỉ của bạn") {
			t.Errorf("error summary %q, want the Vietnamese rate-limit message", got)
		}
		if doc.Find(`form input[name="username"]`).Length() != 1 {
			t.Error("the 429 page is not the login page")
		}
	}

	// Another client logs in: the refused attempts did not lock the account
	// (3 failures were counted, not 5).
	colleague := f.browser()
	colleague.c.Transport = forwardedFor{"203.0.113.8"}
	resp, _ := colleague.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another client's login: status %d, want 303", resp.StatusCode)
	}
}
