package e2e

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// lastVisitor numbers the loopback addresses visitorClient dials from.
var lastVisitor atomic.Int32

// visitorClient is a visitor's browser: its own cookies and its own client
// address (127.0.0.11, .12, ...: all of 127/8 is loopback on Linux). The
// gateway limits each address's form posts (5 in 10 minutes); with every
// test posting from 127.0.0.1, the tests that ran first used up the budget
// of the next (CI: the subscription form answered 429).
func visitorClient(t *testing.T) *http.Client {
	t.Helper()
	n := 10 + lastVisitor.Add(1)
	if n > 254 {
		t.Fatal("visitorClient: out of loopback addresses")
	}
	local := &net.TCPAddr{IP: net.ParseIP("127.0.0." + strconv.Itoa(int(n)))}
	dialer := &net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		Transport: &http.Transport{DialContext: dialer.DialContext}}
}
