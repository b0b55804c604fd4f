// Package natsauth defines who may do what on the hub's NATS: one user per
// role (the aggregator publishes events, gateways consume them, ops
// administers the streams), each authenticated by an NKey and confined by
// its permissions; everything a role is not allowed is refused, and nobody
// connects without a key. natsd and the tests' in-process server build their
// users from this definition (package natsserver), the deploy configuration
// is checked against it, and services connect with Connect.
//
// A user proves its identity by signing the server's challenge with its
// NKey seed, a file only the service can read; the server knows only the
// public keys, so its configuration holds no secret and the seed never
// crosses the wire.
package natsauth

import (
	"strings"

	"github.com/portalhub/portalhub/services/events"
)

// Role is what a NATS user is for.
type Role string

// The hub's roles. A role per sub-portal (allowed only its own subjects,
// hub.<tenant>.>, and its own inbox) is the next one to add.
const (
	// Aggregator publishes the hub's events (the outbox relay).
	Aggregator Role = "aggregator"
	// Gateway consumes the content stream with ordered consumers of its
	// own.
	Gateway Role = "gateway"
	// Ops administers the streams: provisions the content stream
	// (`hubctl nats stream`), inspects, purges or deletes them.
	Ops Role = "ops"
)

// Roles lists every role, each a user of the hub's NATS.
var Roles = []Role{Aggregator, Gateway, Ops}

// Permissions lists the subjects a user may publish to and subscribe to;
// everything else is refused.
type Permissions struct {
	Publish   []string
	Subscribe []string
}

// jsAPI is the prefix of JetStream's API subjects.
const jsAPI = "$JS.API."

// Permissions returns what r may do. Each role receives replies (JetStream's
// answers, acknowledgements and consumer deliveries) only on its own inbox
// prefix, so no user can read another's replies.
func (r Role) Permissions() Permissions {
	inbox := []string{r.InboxPrefix() + ".>"}
	switch r {
	case Aggregator:
		return Permissions{
			// Its events, and the content stream's configuration, checked at
			// start. JetStream acknowledges a publish on the reply inbox.
			Publish:   []string{"hub.>", jsAPI + "STREAM.INFO." + events.ContentStream},
			Subscribe: inbox,
		}
	case Gateway:
		// An ordered consumer creates an ephemeral consumer (named by the
		// client, with the filter subject in the API subject), pulls from
		// it, and deletes it when it resets; no stream administration and
		// no publishing on hub subjects.
		return Permissions{
			Publish: []string{
				jsAPI + "CONSUMER.CREATE." + events.ContentStream + ".>",
				jsAPI + "CONSUMER.MSG.NEXT." + events.ContentStream + ".>",
				jsAPI + "CONSUMER.DELETE." + events.ContentStream + ".>",
			},
			Subscribe: inbox,
		}
	case Ops:
		return Permissions{Publish: []string{jsAPI + ">"}, Subscribe: inbox}
	}
	return Permissions{} // an unknown role may do nothing
}

// InboxPrefix is the prefix of r's reply subjects (nats.CustomInboxPrefix),
// e.g. _INBOX_gateway.
func (r Role) InboxPrefix() string { return "_INBOX_" + string(r) }

// PublicKeyVariable is the environment variable the deployed NATS
// configuration (deploy/nats/cluster.conf) reads r's public key from, e.g.
// NATS_GATEWAY_NKEY.
func (r Role) PublicKeyVariable() string { return "NATS_" + strings.ToUpper(string(r)) + "_NKEY" }
