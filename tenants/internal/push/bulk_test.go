package push_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
)

// TestDrainBulk: the rows of an import go over PublishBulk streams of the
// claim's size, each settled with its own answer: applied rows delivered,
// a refused one parked, one the hub could not take now released and
// delivered by the next drain; progress counts the rows settled.
func TestDrainBulk(t *testing.T) {
	s, _ := storetest.New(t)
	h := newFakeHub()
	conn, err := push.Dial(push.DialConfig{Addr: serve(t, h), Token: "secret-token", Tenant: "so-gddt", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	r := push.New(s, pb.NewIngestServiceClient(conn), zerolog.New(zerolog.NewTestWriter(t)), push.Config{
		Backoff: pgwake.Backoff{Base: 10 * time.Millisecond, Cap: 20 * time.Millisecond}, Registerer: prometheus.NewRegistry(),
	})
	const n = 120
	for i := range n {
		approve(t, s, storetest.Article(fmt.Sprintf("tin-%03d", i), fmt.Sprintf("Tin %d", i)))
	}
	h.refuse["tin-050"] = contentrules.Refuse(contentrules.ReasonSlugTaken, "item.translations[vi].slug", "slug taken", "Đường dẫn đã có")
	h.failNextBulk(codes.Unavailable)

	// Each call reports the rows it settled so far; the released row is
	// settled twice (released, then delivered).
	ctx := context.Background()
	reports, settled := 0, 0
	for range 2 {
		last := 0
		r.DrainBulk(ctx, 50, func(n int) {
			if n <= last {
				t.Errorf("progress went from %d to %d", last, n)
			}
			last = n
			reports++
		})
		settled += last
		time.Sleep(30 * time.Millisecond) // the released row's delay
	}
	if settled != n+1 || reports < 3 {
		t.Errorf("%d rows settled in %d reports, want %d in one report per stream of at most 50", settled, reports, n+1)
	}
	for i := range n {
		id := fmt.Sprintf("tin-%03d", i)
		want := store.StatusDelivered
		if id == "tin-050" {
			want = store.StatusRefused
		}
		if row := outboxRow(t, s, id, 1); row.Status != want {
			t.Errorf("%s is %s (%q), want %s", id, row.Status, row.LastError, want)
		}
	}
	var publishes int
	for _, c := range h.Calls() {
		if strings.HasPrefix(c, "publish ") {
			publishes++
		}
	}
	if publishes != 0 {
		t.Errorf("%d items went through Publish, want all through PublishBulk", publishes)
	}
}
