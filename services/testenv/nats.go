package testenv

import (
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/portalhub/portalhub/services/natsserver"
)

// NATS returns the client URL of a new in-process NATS server with
// JetStream for the test, on a free port of 127.0.0.1, storing in a
// t.TempDir, shut down when the test ends. It never uses a shared server
// (NATS_URL): tests create the hub's own streams and count their messages,
// which tests of other packages running at the same time would disturb.
func NATS(t testing.TB) string {
	t.Helper()
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

// StartNATS starts an in-process NATS server with JetStream storing under
// dir (natsserver.Options). The caller shuts it down.
func StartNATS(dir string, port int) (*server.Server, error) {
	return natsserver.Start(natsserver.Options(dir, port))
}
