package chaos

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestClusterTopology checks the shape make cluster runs: a three-node NATS
// cluster holding the content stream with three replicas, a streaming
// replica of the hub's database that the gateways read, two aggregators and
// two gateways behind nginx, and a push from each sub-portal served by both
// gateways and through nginx.
func TestClusterTopology(t *testing.T) {
	ctx := t.Context()
	top := fed.Topology
	if top == nil {
		t.Fatal("no topology: Options.Cluster did not run the clustered federation")
	}
	if got := strings.Count(fed.NATSURL, ","); got != 2 {
		t.Errorf("NATS URL given to the clients %q: want the three nodes' URLs", fed.NATSURL)
	}
	info, err := streamInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 || info.Cluster == nil || info.Cluster.Leader == "" || len(info.Cluster.Replicas) != 2 {
		t.Errorf("content stream: %d replicas, cluster %+v; want 3, a leader and two followers", info.Config.Replicas, info.Cluster)
	}
	if n, err := hubQuery(ctx, top.Replica, `SELECT pg_is_in_recovery()::int`); err != nil || n != 1 {
		t.Errorf("replica: in recovery %d, %v; want a standby", n, err)
	}
	if n, err := replicasStreaming(ctx); err != nil || n != 1 {
		t.Errorf("primary: %d replicas streaming through slot %s as %s (%v); want 1", n, top.ReplicaSlot, federation.ReplicationRole, err)
	}
	if len(top.Aggregators) != 2 || len(top.Gateways) != 2 {
		t.Fatalf("%d aggregators, %d gateways; want 2 and 2", len(top.Aggregators), len(top.Gateways))
	}
	for _, a := range top.Aggregators {
		resp, err := http.Get("http://" + a.Monitor + "/readyz")
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s /readyz: %s", a.Name, resp.Status)
		}
	}

	client := &http.Client{Timeout: 10 * time.Second}
	bases := []string{fed.Gateway}
	for _, g := range top.Gateways {
		bases = append(bases, "http://"+g.Addr)
	}
	for _, tn := range tenants {
		id := "cau-truc-" + tn.ID
		if _, err := push(ctx, tn.ID, id, "Cấu trúc cụm "+tn.NameVI, "<p>Một lần đẩy</p>"); err != nil {
			t.Fatal(err)
		}
		for _, base := range bases {
			testenv.WaitFor(t, time.Minute, func() error {
				code, v, err := servedVersion(client, base, tn.ID, id)
				if err != nil {
					return err
				}
				if code != http.StatusOK || v != 1 {
					return fmt.Errorf("%s/vi/%s/%s: %d version %d, want 200 version 1", base, tn.ID, id, code, v)
				}
				return nil
			})
		}
	}
	// The gateways read the replica (their URL names the primary too, for
	// when the replica is down): what they serve came through it.
	// After the fault tests' stop of the replica the gateways read the
	// primary until their connections are renewed (15 s here).
	tries := 0
	testenv.WaitFor(t, time.Minute, func() error {
		// A page no cache holds makes each gateway read the store.
		tries++
		for _, g := range top.Gateways {
			servedVersion(client, "http://"+g.Addr, tenants[0].ID, fmt.Sprintf("khong-co-%d", tries))
		}
		n, err := hubQuery(ctx, top.Replica, `SELECT count(*) FROM pg_stat_activity WHERE usename = 'portalhub_gateway'`)
		if err != nil || n == 0 {
			return fmt.Errorf("replica: %d sessions of the gateways (%v), want some", n, err)
		}
		return nil
	})
	if n, err := hubQuery(context.Background(), top.Replica, `SELECT count(*) FROM items WHERE content_id LIKE 'cau-truc-%'`); err != nil || n != int64(len(tenants)) {
		t.Errorf("replica holds %d of the pushed items (%v), want %d", n, err, len(tenants))
	}
}
