package invalidate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestRegistryEventsReachOnTenant: a tenant change the hub announces on the
// content stream reaches OnTenant with the tenant, as the gateway's user
// (its permissions allow the consumer's filter).
func TestRegistryEventsReachOnTenant(t *testing.T) {
	bus := testenv.NATS(t)
	cache := pagecache.New(pagecache.Config{MaxBytes: 1 << 20})
	var mu sync.Mutex
	var got []string
	ctx := t.Context()
	runConsumer(t, Config{Conn: bus.Connect(t, natsauth.Gateway), Cache: cache, Log: zerolog.Nop(), OnTenant: func(tenant string) {
		mu.Lock()
		got = append(got, tenant)
		mu.Unlock()
	}})

	js, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(events.RegistryChange{Tenant: "so-gd", Change: "tenant.update"})
	if _, err := js.Publish(ctx, events.RegistrySubject("so-gd"), payload); err != nil {
		t.Fatalf("publish a tenant change: %v (is hub.registry.* in the content stream?)", err)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if !slices.Contains(got, "so-gd") {
			return fmt.Errorf("OnTenant got %q, want so-gd", got)
		}
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	if got[0] != "" {
		t.Errorf("first call %q: the consumer's start (events may have been missed) is announced as \"\"", got[0])
	}
}

// TestTenantWatcherPoked: a poke makes Run check at once, long before its
// interval.
func TestTenantWatcherPoked(t *testing.T) {
	var calls atomic.Int32
	src := countingSource{calls: &calls}
	poke, pokeFn := Poker()
	w := NewTenantWatcher(TenantWatchConfig{Source: src, Cache: pagecache.New(pagecache.Config{MaxBytes: 1 << 20}),
		Log: zerolog.Nop(), Every: time.Hour, Poke: poke})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	testenv.WaitFor(t, 5*time.Second, func() error {
		if calls.Load() < 1 {
			return fmt.Errorf("no first check")
		}
		return nil
	})
	pokeFn("so-gd")
	pokeFn("xa-b") // while one is pending: no block, at most one more check
	testenv.WaitFor(t, 5*time.Second, func() error {
		if calls.Load() < 2 {
			return fmt.Errorf("%d checks, want a second one after the poke", calls.Load())
		}
		return nil
	})
}

type countingSource struct{ calls *atomic.Int32 }

func (s countingSource) TenantFingerprints(context.Context) (map[string]string, error) {
	s.calls.Add(1)
	return map[string]string{"so-gd": "1"}, nil
}

// TestReconnectCreatesConsumerAgain: after a reconnect the ordered consumer
// is made anew (in a 3-node cluster, the library's own recovery stalled for
// minutes after the node the gateway was on died: make chaos), and events
// published afterwards still reach the cache.
func TestReconnectCreatesConsumerAgain(t *testing.T) {
	bus := testenv.NATS(t)
	cache := pagecache.New(pagecache.Config{MaxBytes: 1 << 20})
	ctx := t.Context()
	c := runConsumer(t, Config{Conn: bus.Connect(t, natsauth.Gateway), Cache: cache, Log: zerolog.Nop()})

	ops, err := jetstream.New(bus.Connect(t, natsauth.Ops))
	if err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		var out []string
		s, err := ops.Stream(ctx, events.ContentStream)
		if err != nil {
			t.Fatal(err)
		}
		l := s.ConsumerNames(ctx)
		for n := range l.Name() {
			out = append(out, n)
		}
		return out
	}
	var first []string
	testenv.WaitFor(t, 10*time.Second, func() error {
		if first = names(); len(first) != 1 {
			return fmt.Errorf("consumers %v, want one", first)
		}
		return nil
	})
	c.reconnected()
	testenv.WaitFor(t, 10*time.Second, func() error {
		// The old one is deleted by the server once inactive.
		if now := names(); !slices.ContainsFunc(now, func(n string) bool { return n != first[0] }) {
			return fmt.Errorf("consumers %v after a reconnect, want a new one beside %v", now, first)
		}
		return c.Ready(ctx)
	})

	js, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(events.RegistryChange{Tenant: "so-gd", Change: "tenant.update"})
	ack, err := js.Publish(ctx, events.RegistrySubject("so-gd"), payload)
	if err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := c.LastSequence(); got < ack.Sequence {
			return fmt.Errorf("last sequence %d, want %d", got, ack.Sequence)
		}
		return nil
	})
}
