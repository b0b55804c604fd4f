package main

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/console"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// consoleSettings configure the ops console's listener.
type consoleSettings struct {
	Addr           string
	Dev            bool
	TrustedProxies string
}

func declareConsoleSettings(set *config.Set, s *consoleSettings) {
	set.String(&s.Addr, "AGGREGATOR_CONSOLE_ADDR", "127.0.0.1:9446",
		"listen address of the ops console (HTTP; put it behind TLS: its cookie is Secure and HSTS is sent when a trusted proxy sends X-Forwarded-Proto: https); empty: no console")
	set.String(&s.TrustedProxies, "AGGREGATOR_CONSOLE_TRUSTED_PROXIES", "",
		"comma-separated addresses or CIDR prefixes of the TLS proxies in front of the ops console, whose X-Forwarded-Proto is believed")
	set.Bool(&s.Dev, "AGGREGATOR_CONSOLE_DEV", false, "re-read the console's templates on every request (development)")
}

// startConsole serves the ops console on its own listener until ctx ends;
// "" when it is off. rules may be nil (no compliance rules file). Its
// actions go through ops, the admin API the ops listener serves.
func startConsole(ctx context.Context, s settings, store *hubstore.Store, accounts *opsaccounts.Store, ops *opsapi.Server, js jetstream.JetStream,
	rules *compliance.Rules, log zerolog.Logger) (string, error) {
	if s.Console.Addr == "" {
		log.Info().Msg("AGGREGATOR_CONSOLE_ADDR is empty: no ops console")
		return "", nil
	}
	proxies, err := lifecycle.ParseTrustedProxies(s.Console.TrustedProxies)
	if err != nil {
		return "", fmt.Errorf("AGGREGATOR_CONSOLE_TRUSTED_PROXIES: %w", err)
	}
	cons, err := console.New(console.Config{Store: store, Accounts: accounts, Rules: rules, Ops: ops,
		Consumers: backlog.JetStream(js), Log: log.With().Str("server", "console").Logger(), Dev: s.Console.Dev,
		TrustedProxies: proxies})
	if err != nil {
		return "", err
	}
	addr, err := lifecycle.Serve(ctx, log, "console", s.Console.Addr, cons.Handler(), s.HTTP)
	if err != nil {
		return "", fmt.Errorf("console listener on %s: %w", s.Console.Addr, err)
	}
	return addr, nil
}
