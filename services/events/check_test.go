package events_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestCheckContentStream(t *testing.T) {
	bus := testenv.NATS(t)
	ctx := t.Context()
	agg, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := jetstream.New(bus.Connect(t, natsauth.Ops))
	if err != nil {
		t.Fatal(err)
	}
	if err := events.CheckContentStream(ctx, agg); err != nil {
		t.Fatalf("provisioned stream: %v", err)
	}

	short := events.ContentStreamConfig(1)
	short.Duplicates = time.Minute
	if _, err := ops.UpdateStream(ctx, short); err != nil {
		t.Fatal(err)
	}
	if err := events.CheckContentStream(ctx, agg); err == nil || !strings.Contains(err.Error(), "hubctl nats stream") {
		t.Errorf("a 1-minute duplicate window: %v, want a refusal naming hubctl nats stream", err)
	}

	// A stream of an older configuration, without the tenant changes'
	// subjects: the relay's publish there would never be acknowledged.
	old := events.ContentStreamConfig(1)
	old.Subjects = []string{events.ContentSubjects, events.ComplianceSubjects}
	if _, err := ops.UpdateStream(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := events.CheckContentStream(ctx, agg); err == nil || !strings.Contains(err.Error(), events.RegistrySubjects) ||
		!strings.Contains(err.Error(), "hubctl nats stream") {
		t.Errorf("a stream without %s: %v, want a refusal naming it and hubctl nats stream", events.RegistrySubjects, err)
	}

	if err := ops.DeleteStream(ctx, events.ContentStream); err != nil {
		t.Fatal(err)
	}
	if err := events.CheckContentStream(ctx, agg); err == nil || !strings.Contains(err.Error(), "hubctl nats stream") {
		t.Errorf("no stream: %v, want a refusal naming hubctl nats stream", err)
	}
	if _, err := events.EnsureContentStream(ctx, ops, 1); err != nil {
		t.Fatal(err)
	}
	if err := events.CheckContentStream(ctx, agg); err != nil {
		t.Errorf("stream provisioned again: %v", err)
	}
}
