package main

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// startInbox runs the consumer of what the hub routes to this sub-portal
// (citizens' questions), connected to NATS as the tenant's own user; the
// channel returned closes when it stopped. Without NATS_NKEY_FILE there is
// no consumer (and the questions wait in the hub's stream).
func startInbox(ctx context.Context, s settings, st *store.Store, ops *lifecycle.Ops, log zerolog.Logger) (<-chan struct{}, error) {
	done := make(chan struct{})
	if s.NATSNKeyFile == "" {
		log.Warn().Msg("NATS_NKEY_FILE is not set: citizens' questions routed to this sub-portal wait at the hub until it is")
		close(done)
		return done, nil
	}
	nc, err := natsauth.Connect(s.NATSURL, natsauth.Tenant(s.Tenant), s.NATSNKeyFile, s.NATSCAFile,
		nats.Name("portalhub-subportal-"+s.Tenant), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true))
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	cons, err := inbox.New(inbox.Config{Tenant: s.Tenant, JS: js, Pool: st.Pool(), Registerer: ops.Registry,
		Log: log.With().Str("component", "inbox").Logger()})
	if err != nil {
		nc.Close()
		return nil, err
	}
	ops.AddCheck("nats", func(context.Context) error {
		if st := nc.Status(); st != nats.CONNECTED {
			return errors.New("NATS is " + st.String())
		}
		return nil
	})
	go func() {
		defer close(done)
		defer nc.Close()
		if err := cons.Run(ctx); err != nil {
			log.Error().Err(err).Msg("inbox consumer stopped")
		}
	}()
	return done, nil
}
