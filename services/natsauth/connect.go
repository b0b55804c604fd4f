package natsauth

import (
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
)

// Options returns the options that connect as r: the server's challenge
// signed with the NKey seed in seedFile (read again at each connection,
// never kept in memory), r's inbox prefix, and, when caFile is set, the CA
// NATS's TLS certificate chains to.
func Options(r Role, seedFile, caFile string) ([]nats.Option, error) {
	if seedFile == "" {
		return nil, fmt.Errorf("no NKey seed file for the NATS user %s", r)
	}
	nkey, err := nats.NkeyOptionFromSeed(seedFile)
	if err != nil {
		return nil, fmt.Errorf("NKey seed of the NATS user %s (%s): %w", r, seedFile, err)
	}
	opts := []nats.Option{nkey, nats.CustomInboxPrefix(r.InboxPrefix())}
	if caFile != "" {
		opts = append(opts, nats.RootCAs(caFile))
	}
	return opts, nil
}

// Connect connects to url (one or more comma-separated servers) as r with
// the seed in seedFile and the CA in caFile (see Options), then opts.
func Connect(url string, r Role, seedFile, caFile string, opts ...nats.Option) (*nats.Conn, error) {
	auth, err := Options(r, seedFile, caFile)
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect(url, append(auth, opts...)...)
	if errors.Is(err, nats.ErrAuthorization) {
		return nil, fmt.Errorf("NATS refused the user %s: is its public key in the server's configuration? %w", r, err)
	}
	return nc, err
}
