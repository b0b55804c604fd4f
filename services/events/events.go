// Package events names the hub's JetStream stream and subjects, builds the
// ids of the messages the hub announces, and provisions or checks the
// stream. Subjects are namespaced by tenant so that
// NATS permissions can confine each tenant to its own:
//
//	hub.<tenant>.content.<content_id>   portalhub.v1.ContentEvent
//	hub.<tenant>.inbox.<kind>.<id>      what the hub routes to a sub-portal
//	                                    (stream HUB_INBOX, one durable
//	                                    consumer per tenant)
//
// Producers publish with Nats-Msg-Id = ContentMsgID(...) or TakedownMsgID(...),
// so a retried publish is dropped by the stream's duplicate window.
package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ContentStream is the stream holding every content event.
const ContentStream = "HUB_CONTENT"

// ContentSubjects is the stream's subject filter.
const ContentSubjects = "hub.*.content.>"

// ComplianceSubjects are the subjects of the Article 11 alerts
// (ComplianceSubject), held in the content stream. Exactly three tokens, so
// they never collide with ContentSubjects (a tenant may be called
// "compliance").
const ComplianceSubjects = "hub.compliance.*"

// ComplianceSubject is the subject of the alerts about one tenant falling
// behind its Article 11 updates.
func ComplianceSubject(tenant string) string {
	return "hub.compliance." + tenant
}

// ComplianceMsgID is the Nats-Msg-Id of the alert about tenant in period
// (a day or an ISO week).
func ComplianceMsgID(tenant, period string) string {
	return "compliance/" + tenant + "/" + period
}

// RegistrySubjects are the subjects of tenant changes (RegistrySubject),
// held in the content stream: a tenant added, its names, host names or
// registry entry changed, its status changed. Three tokens, like the
// compliance subjects, so they never collide with ContentSubjects.
const RegistrySubjects = "hub.registry.*"

// RegistrySubject is the subject of the changes of one tenant.
func RegistrySubject(tenant string) string { return "hub.registry." + tenant }

// RegistryPrefix starts every RegistrySubject.
const RegistryPrefix = "hub.registry."

// RegistryChange is the JSON payload of a tenant change: what changed
// (the audit log's action: tenant.add, tenant.update, tenant.status) and
// the tenant's status after it. Consumers reload the tenant from the store;
// the event only says when.
type RegistryChange struct {
	Tenant string `json:"tenant"`
	Change string `json:"change"`
	Status string `json:"status,omitempty"`
}

// DuplicateWindow is how long JetStream remembers message ids. It must be at
// least as long as an outbox relay may keep retrying one row.
const DuplicateWindow = 15 * time.Minute

// ContentSubject is the subject of an event about one item.
func ContentSubject(tenant, contentID string) string {
	return "hub." + tenant + ".content." + contentID
}

// TenantContentSubjects filters the content events of one tenant.
func TenantContentSubjects(tenant string) string {
	return "hub." + tenant + ".content.>"
}

// InboxStream is the stream of what the hub routes to the sub-portals
// (citizens' feedback), each tenant's on its own subjects.
const InboxStream = "HUB_INBOX"

// InboxSubjects is the inbox stream's subject filter.
const InboxSubjects = "hub.*.inbox.>"

// InboxSubject is the subject of a message of kind (e.g. "feedback") about
// id routed to tenant.
func InboxSubject(tenant, kind, id string) string {
	return "hub." + tenant + ".inbox." + kind + "." + id
}

// TenantInboxSubjects filters the inbox of one tenant.
func TenantInboxSubjects(tenant string) string { return "hub." + tenant + ".inbox.>" }

// InboxConsumer is the name of tenant's durable consumer of its inbox: the
// only consumer its NATS user may create, read and acknowledge.
func InboxConsumer(tenant string) string { return "inbox-" + tenant }

// InboxConsumerConfig is the configuration of tenant's durable consumer:
// every message of its inbox, each acknowledged explicitly, redelivered
// after ackWait when not.
func InboxConsumerConfig(tenant string, ackWait time.Duration) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       InboxConsumer(tenant),
		FilterSubject: TenantInboxSubjects(tenant),
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait:       ackWait,
		MaxAckPending: 100,
	}
}

// ContentMsgID is the deterministic Nats-Msg-Id of an item's event at a
// version, <tenant>/<content_id>/<version>/<the first 16 hex digits of the
// content hash>: a retried publish of the same change is deduplicated, and
// nobody who does not know the content can claim the id in the stream's
// duplicate window before the hub publishes it (the stream would then drop
// the hub's real event as a duplicate). contentHash is the lower-case hex
// SHA-256 of the item's canonical form.
func ContentMsgID(tenant, contentID string, version uint64, contentHash string) string {
	return fmt.Sprintf("%s/%s/%d/%s", tenant, contentID, version, contentHash[:min(msgIDHashLen, len(contentHash))])
}

// msgIDHashLen is how many hex digits of the content hash a message id
// carries: 64 bits.
const msgIDHashLen = 16

// TakedownMsgID is the Nats-Msg-Id of a hub takedown of an item at a version.
func TakedownMsgID(tenant, contentID string, version uint64) string {
	return fmt.Sprintf("%s/%s/%d/takedown", tenant, contentID, version)
}

// ContentStreamConfig is the content stream's configuration. Replicas is 1 on
// a single server and 3 in the clustered deployment.
func ContentStreamConfig(replicas int) jetstream.StreamConfig {
	if replicas < 1 {
		replicas = 1
	}
	return jetstream.StreamConfig{
		Name:        ContentStream,
		Description: "Content events announced by the portalhub aggregator",
		Subjects:    []string{ContentSubjects, ComplianceSubjects, RegistrySubjects},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      30 * 24 * time.Hour,
		Duplicates:  DuplicateWindow,
		Replicas:    replicas,
	}
}

// InboxStreamConfig is the inbox stream's configuration. Its messages stay
// until they are old (a sub-portal may be down for days), and its consumers
// are the tenants' durable ones.
func InboxStreamConfig(replicas int) jetstream.StreamConfig {
	if replicas < 1 {
		replicas = 1
	}
	return jetstream.StreamConfig{
		Name:        InboxStream,
		Description: "What the portalhub aggregator routes to each sub-portal",
		Subjects:    []string{InboxSubjects},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      90 * 24 * time.Hour,
		Duplicates:  DuplicateWindow,
		Replicas:    replicas,
	}
}

// EnsureContentStream creates the content stream, or updates it to the
// configuration above when it exists.
func EnsureContentStream(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.Stream, error) {
	return ensureStream(ctx, js, ContentStreamConfig(replicas))
}

// EnsureInboxStream creates the inbox stream, or updates it to its
// configuration.
func EnsureInboxStream(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.Stream, error) {
	return ensureStream(ctx, js, InboxStreamConfig(replicas))
}

func ensureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	s, err := js.CreateOrUpdateStream(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ensure stream %s: %w", cfg.Name, err)
	}
	return s, nil
}

// CheckContentStream reports whether the content stream exists with a
// duplicate window of at least DuplicateWindow, as the aggregator needs it
// to publish; it does not change it (the ops user provisions it, with
// EnsureContentStream: `hubctl nats stream`).
func CheckContentStream(ctx context.Context, js jetstream.JetStream) error {
	return checkStream(ctx, js, ContentStream)
}

// CheckStreams reports whether both the content and the inbox streams exist
// as the aggregator needs them (see CheckContentStream).
func CheckStreams(ctx context.Context, js jetstream.JetStream) error {
	if err := checkStream(ctx, js, ContentStream); err != nil {
		return err
	}
	return checkStream(ctx, js, InboxStream)
}

func checkStream(ctx context.Context, js jetstream.JetStream, name string) error {
	want := map[string][]string{ContentStream: ContentStreamConfig(1).Subjects, InboxStream: InboxStreamConfig(1).Subjects}[name]
	s, err := js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("stream %s does not exist: provision it as the NATS ops user with `hubctl nats stream`", name)
	}
	if err != nil {
		return fmt.Errorf("stream %s: %w", name, err)
	}
	if d := s.CachedInfo().Config.Duplicates; d < DuplicateWindow {
		return fmt.Errorf("stream %s keeps message ids for %s, less than the %s a retried publish needs: update it with `hubctl nats stream`",
			name, d, DuplicateWindow)
	}
	// A subject the stream lacks would leave the outbox relay retrying its
	// row for ever (nothing acknowledges the publish).
	for _, subj := range want {
		if !slices.Contains(s.CachedInfo().Config.Subjects, subj) {
			return fmt.Errorf("stream %s does not take %s (an older configuration): update it with `hubctl nats stream`", name, subj)
		}
	}
	return nil
}
