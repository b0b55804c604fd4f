package testenv

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/natsserver"
)

// NATSServer is an in-process NATS server with JetStream, the hub's users
// and their permissions (natsserver.Users, as natsd runs it) and the content
// and inbox streams, provisioned by the ops user as `hubctl nats stream`
// does.
type NATSServer struct {
	*server.Server
	// URL is the client URL.
	URL string
	// Keys is the folder of the users' NKey seeds (natsauth.SeedFile).
	Keys string
}

// NATS returns a new in-process NATS server for the test (see NATSServer)
// with a user for each of tenants besides the hub's (natsauth.Tenant),
// on a free port of 127.0.0.1, storing in a t.TempDir, shut down when the
// test ends. It never uses a shared server (NATS_URL): tests count the
// content stream's messages, which tests of other packages running at the
// same time would disturb.
func NATS(t testing.TB, tenants ...string) *NATSServer {
	t.Helper()
	s, err := StartNATS(t.TempDir(), -1, tenants...)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// StartNATS starts an in-process NATS server (see NATSServer) storing under
// dir, with the users' seeds in dir/keys, and a user for each of tenants,
// on port (-1 picks one). A server started again on the same dir has the
// same users and streams. The caller shuts it down.
func StartNATS(dir string, port int, tenants ...string) (*NATSServer, error) {
	keys := filepath.Join(dir, "keys")
	for _, t := range tenants {
		if _, err := natsauth.EnsureTenantSeed(keys, t); err != nil {
			return nil, err
		}
	}
	users, err := natsserver.Users(keys)
	if err != nil {
		return nil, err
	}
	s, err := natsserver.Start(natsserver.Options(dir, port, users))
	if err != nil {
		return nil, err
	}
	n := &NATSServer{Server: s, URL: s.ClientURL(), Keys: keys}
	if err := n.provision(); err != nil {
		s.Shutdown()
		return nil, err
	}
	return n, nil
}

// provision creates or updates the content and inbox streams as the ops
// user.
func (n *NATSServer) provision() error {
	nc, err := natsauth.Connect(n.URL, natsauth.Ops, n.SeedFile(natsauth.Ops), "")
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := events.EnsureContentStream(ctx, js, 1); err != nil {
		return fmt.Errorf("provision the content stream: %w", err)
	}
	if _, err := events.EnsureInboxStream(ctx, js, 1); err != nil {
		return fmt.Errorf("provision the inbox stream: %w", err)
	}
	return nil
}

// SeedFile is the NKey seed file of the user of role r.
func (n *NATSServer) SeedFile(r natsauth.Role) string { return natsauth.SeedFile(n.Keys, r) }

// Connect connects to the server as the user of role r, with opts, and
// closes the connection when the test ends.
func (n *NATSServer) Connect(t testing.TB, r natsauth.Role, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := natsauth.Connect(n.URL, r, n.SeedFile(r), "", opts...)
	if err != nil {
		t.Fatalf("testenv: connect to NATS as %s: %v", r, err)
	}
	t.Cleanup(nc.Close)
	return nc
}
