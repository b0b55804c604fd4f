// Package testenv gives portalhub's tests the real servers they run against:
// a fresh PostgreSQL database per test, cloned from a migrated template
// (Postgres), and an in-process NATS server with JetStream (NATS).
//
// A package whose tests call Postgres must run them through Main, which
// stops the servers once the tests are done:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
package testenv

import (
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// inMain records that the tests run through Main, which cleans up after them.
var inMain atomic.Bool

// Main runs the tests of m, then stops the PostgreSQL cluster the tests
// started, or drops the template databases they created on the DATABASE_URL
// server, and exits. Call it from TestMain.
func Main(m *testing.M) {
	inMain.Store(true)
	code := m.Run()
	if err := stopPostgres(); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// WaitFor calls cond every 20ms until it returns nil, and fails the test
// with cond's last error when that has not happened within timeout.
func WaitFor(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not so after %v: %v", timeout, err)
		}
		<-tick.C
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago, for
// a server the test starts in another process. Another process can take it
// in between: prefer servers that pick their own port and report it.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
