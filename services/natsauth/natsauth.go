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
	"regexp"
	"strings"

	"github.com/portalhub/portalhub/services/events"
)

// Role is what a NATS user is for.
type Role string

// The hub's roles, each one user; every sub-portal has a role of its own
// too (Tenant).
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

// Roles lists the hub's own roles, each a user of the hub's NATS; the
// tenants' roles (Tenant) come on top, one per sub-portal.
var Roles = []Role{Aggregator, Gateway, Ops}

// tenantPrefix starts the name of a tenant's role. No hub role starts with
// it, so a tenant called "gateway" is still only tenant-gateway.
const tenantPrefix = "tenant-"

// tenantIDRE is the hub's rule for a tenant id (the tenants table's CHECK).
var tenantIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Tenant is the role of the sub-portal of tenant id: it consumes its own
// inbox (events.InboxSubjects: feedback routed to it) with its own durable
// consumer, and nothing else.
func Tenant(id string) Role { return Role(tenantPrefix + id) }

// TenantID returns the tenant whose role r is, and whether r is a valid
// tenant's role at all.
func (r Role) TenantID() (string, bool) {
	id, ok := strings.CutPrefix(string(r), tenantPrefix)
	return id, ok && tenantIDRE.MatchString(id)
}

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
			// Its events, and the streams' configuration, checked at start;
			// the streams' consumers and their backlog, which the ops
			// console shows (a listing: no consumer can be changed).
			// JetStream acknowledges a publish on the reply inbox.
			Publish: []string{"hub.>", jsAPI + "STREAM.INFO." + events.ContentStream, jsAPI + "STREAM.INFO." + events.InboxStream,
				jsAPI + "CONSUMER.LIST." + events.ContentStream, jsAPI + "CONSUMER.LIST." + events.InboxStream},
			Subscribe: inbox,
		}
	case Gateway:
		// An ordered consumer creates an ephemeral consumer (named by the
		// client, with the filter subject in the API subject), pulls from
		// it, and deletes it when it resets; the gateway also reads the
		// newest event its filters match from the stream's leader, to
		// notice a consumer that delivers nothing (MSG.GET: the stream's
		// messages, which it consumes anyway). No stream administration
		// and no publishing on hub subjects.
		return Permissions{
			Publish: []string{
				jsAPI + "CONSUMER.CREATE." + events.ContentStream + ".>",
				jsAPI + "CONSUMER.MSG.NEXT." + events.ContentStream + ".>",
				jsAPI + "CONSUMER.DELETE." + events.ContentStream + ".>",
				jsAPI + "STREAM.MSG.GET." + events.ContentStream,
			},
			Subscribe: inbox,
		}
	case Ops:
		return Permissions{Publish: []string{jsAPI + ">"}, Subscribe: inbox}
	}
	if tenant, ok := r.TenantID(); ok {
		// Its own durable consumer of the inbox stream, filtered on its own
		// subjects: creating it is allowed only with the filter in the API
		// subject (the server checks the request's filter against it), so
		// no tenant can make a consumer of another's subjects; then pull,
		// look it up, and acknowledge. No publishing on any hub subject, no
		// subscribing to any but its own replies.
		stream, consumer := events.InboxStream, events.InboxConsumer(tenant)
		return Permissions{
			Publish: []string{
				jsAPI + "CONSUMER.CREATE." + stream + "." + consumer + "." + events.TenantInboxSubjects(tenant),
				jsAPI + "CONSUMER.INFO." + stream + "." + consumer,
				jsAPI + "CONSUMER.MSG.NEXT." + stream + "." + consumer,
				"$JS.ACK." + stream + "." + consumer + ".>",
			},
			Subscribe: inbox,
		}
	}
	return Permissions{} // an unknown role may do nothing
}

// InboxPrefix is the prefix of r's reply subjects (nats.CustomInboxPrefix),
// e.g. _INBOX_gateway, or _INBOX_tenant-so-du-lich for a tenant.
func (r Role) InboxPrefix() string { return "_INBOX_" + string(r) }

// PublicKeyVariable is the environment variable the deployed NATS
// configuration (deploy/nats/cluster.conf) reads r's public key from, e.g.
// NATS_GATEWAY_NKEY. Tenants' keys are written into the configuration
// (Config), not read from the environment.
func (r Role) PublicKeyVariable() string { return "NATS_" + strings.ToUpper(string(r)) + "_NKEY" }
