// Package natsserver configures and starts a single NATS server with
// JetStream from the nats-server library, with the hub's users and their
// permissions (package natsauth): natsd runs one as its own process for
// `make run`, and tests run one in-process, so the tests run what runs.
package natsserver

import (
	"errors"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options returns the configuration of a single NATS server with JetStream
// storing under dir, listening on port of 127.0.0.1 (0 or -1 picks a free
// port, never NATS's usual 4222), accepting only users (see Users; nobody
// connects without a key), logging nowhere until given a logger, and
// leaving signals to its process.
func Options(dir string, port int, users []*server.NkeyUser) *server.Options {
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return &server.Options{
		Host:      "127.0.0.1",
		Port:      port,
		JetStream: true,
		StoreDir:  dir,
		Nkeys:     users,
		NoLog:     true,
		NoSigs:    true,
	}
}

// Start starts a server configured by opts and returns once it accepts
// connections. The caller shuts it down.
func Start(opts *server.Options) (*server.Server, error) {
	s, err := server.NewServer(opts)
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
