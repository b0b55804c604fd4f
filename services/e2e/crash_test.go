package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestAggregatorKilledMidStream pushes 1,000 items from a sub-portal, kills
// the aggregator with SIGKILL once at least 200 are acknowledged, restarts
// it, and checks that nothing was lost or duplicated.
func TestAggregatorKilledMidStream(t *testing.T) {
	const tenant, total, killAt = "phuong-b", 1000, 200
	ctx := context.Background()
	hub, err := pgx.Connect(ctx, fed.HubDatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close(ctx)
	count := func() int {
		var n int
		if err := hub.QueryRow(ctx, `SELECT count(*) FROM items WHERE tenant_id = $1 AND content_id LIKE 'bulk-%'`, tenant).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Write the items through the sub-portal while the hub comes and goes.
	var wg sync.WaitGroup
	created := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= total; i++ {
			id := fmt.Sprintf("bulk-%04d", i)
			item := newsItem(id, id, "Tin số "+strconv.Itoa(i), "<p>Nội dung</p>")
			item["publishedAt"] = "2026-10-01T08:00:00+07:00" // older than what other tests publish
			if code := subportalCall(t, tenant, "POST", "/api/items", item, nil); code != http.StatusCreated {
				created <- fmt.Errorf("create %s: status %d", id, code)
				return
			}
		}
		created <- nil
	}()

	testenv.WaitFor(t, 2*time.Minute, func() error {
		if n := count(); n < killAt {
			return fmt.Errorf("hub holds %d items, waiting for %d", n, killAt)
		}
		return nil
	})
	addr := fed.HubAddr
	fed.Aggregator.Kill()
	t.Logf("aggregator killed with %d items held", count())
	if err := fed.StartAggregator(ctx, addr); err != nil {
		t.Fatalf("restart aggregator: %v", err)
	}
	wg.Wait()
	if err := <-created; err != nil {
		t.Fatal(err)
	}

	testenv.WaitFor(t, 3*time.Minute, func() error {
		if n := count(); n != total {
			return fmt.Errorf("hub holds %d items, want %d", n, total)
		}
		var pending int
		hub.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE published_at IS NULL`).Scan(&pending)
		if pending > 0 {
			return fmt.Errorf("%d events not yet published", pending)
		}
		return nil
	})

	// The stream holds exactly one message id per item.
	nc, err := natsauth.Connect(fed.NATSURL, natsauth.Ops, natsauth.SeedFile(fed.NATSKeys, natsauth.Ops), "")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.OrderedConsumer(ctx, events.ContentStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.TenantContentSubjects(tenant)}})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			if id := m.Headers().Get(jetstream.MsgIDHeader); strings.HasPrefix(id, tenant+"/bulk-") {
				ids[id]++
			}
			n++
		}
		if n == 0 {
			break
		}
	}
	if len(ids) != total {
		t.Errorf("stream holds %d distinct message ids, want %d", len(ids), total)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("message id %s stored %d times", id, n)
		}
	}

	// Each item's page serves its version.
	for i := 1; i <= total; i++ {
		id := fmt.Sprintf("bulk-%04d", i)
		resp, _ := get(t, "/vi/"+tenant+"/"+id)
		if resp.StatusCode != 200 || resp.Header.Get("X-Content-Version") != "1" {
			t.Fatalf("%s: got %d version %q, want 200 version 1", id, resp.StatusCode, resp.Header.Get("X-Content-Version"))
		}
	}
}
