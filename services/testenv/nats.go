package testenv

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// NATS returns the client URL of a NATS server with JetStream for the test:
// the one NATS_URL names when it is set (shared, so the test must pick
// stream and subject names no other test uses), else a new in-process server
// on a free port of 127.0.0.1, storing in a t.TempDir, shut down when the
// test ends.
func NATS(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("NATS_URL"); u != "" {
		return u
	}
	s, err := StartNATS(t.TempDir(), -1)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s.ClientURL()
}

// NATSOptions returns the configuration of a single NATS server with
// JetStream storing under dir, listening on port of 127.0.0.1 (0 or -1 picks
// a free port, never NATS's usual 4222), logging nowhere until given a
// logger, and leaving signals to its process.
func NATSOptions(dir string, port int) *server.Options {
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return &server.Options{
		Host:      "127.0.0.1",
		Port:      port,
		JetStream: true,
		StoreDir:  dir,
		NoLog:     true,
		NoSigs:    true,
	}
}

// StartNATS starts a NATS server configured by NATSOptions(dir, port) and
// returns once it accepts connections. The caller shuts it down.
func StartNATS(dir string, port int) (*server.Server, error) {
	s, err := server.NewServer(NATSOptions(dir, port))
	if err != nil {
		return nil, err
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, errors.New("NATS server not ready after 10s")
	}
	return s, nil
}
