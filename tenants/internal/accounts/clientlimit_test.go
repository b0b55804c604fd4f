package accounts

import (
	"errors"
	"net/http/httptest"

	"github.com/portalhub/portalhub/services/lifecycle"
	"testing"
	"time"
)

func TestClientLimiter(t *testing.T) {
	l := NewClientLimiter(ClientLimit{Attempts: 3, Window: 30 * time.Minute})
	clock := &fakeClock{now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	l.now = clock.Now
	from := func(addr string) error {
		r := httptest.NewRequest("POST", "/dang-nhap", nil)
		r.RemoteAddr = addr
		return l.Allow(r)
	}
	for i := range 3 {
		if err := from("192.0.2.1:5000"); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	err := from("192.0.2.1:5001")
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("4th attempt: %v, want ErrRateLimited", err)
	}
	if d, ok := RetryAfter(err); !ok || d != 10*time.Minute {
		t.Errorf("RetryAfter = %v, want 10m (one attempt regained every 30m/3)", d)
	}
	if err := from("192.0.2.2:5000"); err != nil {
		t.Errorf("another client: %v", err)
	}
	clock.Advance(10 * time.Minute)
	if err := from("192.0.2.1:5002"); err != nil {
		t.Errorf("after 10 minutes: %v, want one attempt regained", err)
	}
	if err := from("192.0.2.1:5003"); !errors.Is(err, ErrRateLimited) {
		t.Errorf("then: %v, want ErrRateLimited", err)
	}

	// An IPv6 client is its /64.
	for i := range 3 {
		if err := from("[2001:db8:1:2::" + string(rune('a'+i)) + "]:443"); err != nil {
			t.Fatalf("IPv6 attempt %d: %v", i+1, err)
		}
	}
	if err := from("[2001:db8:1:2:ffff::1]:443"); !errors.Is(err, ErrRateLimited) {
		t.Errorf("another address of the same /64: %v, want ErrRateLimited", err)
	}
	if err := from("[2001:db8:1:3::1]:443"); err != nil {
		t.Errorf("another /64: %v", err)
	}

}

func TestClientAddress(t *testing.T) {
	trusted, err := lifecycle.ParseTrustedProxies(" 10.0.0.0/8, 127.0.0.1 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote, xff, want string
	}{
		{"direct", "198.51.100.4:1234", "", "198.51.100.4"},
		{"direct, claims to be forwarded", "198.51.100.4:1234", "203.0.113.9", "198.51.100.4"},
		{"through a trusted proxy", "127.0.0.1:80", "203.0.113.9", "203.0.113.9"},
		{"spoofed first hop, through two proxies", "10.1.2.3:80", "1.2.3.4, 203.0.113.9, 10.9.9.9", "203.0.113.9"},
		{"only proxies", "10.1.2.3:80", "10.2.2.2", "10.2.2.2"},
		{"malformed hop", "127.0.0.1:80", "nonsense", "127.0.0.1"},
		{"trusted, no header", "[::1]:80", "", "::1"},
		{"IPv4-mapped peer", "[::ffff:198.51.100.4]:1", "", "198.51.100.4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := ClientAddress(r, trusted); got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
