package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/natsauth"
)

// pushed is a sub-portal's answer to a push: the version it holds.
type pushed struct {
	Version uint64 `json:"version"`
}

// push creates or changes an item through a sub-portal's API, as an
// approver; it returns the version the sub-portal acknowledged, or an
// error when it acknowledged nothing.
func push(ctx context.Context, tenant, id, title, body string) (uint64, error) {
	sp := fed.SubPortals[tenant]
	item := map[string]any{
		"contentId": id, "kind": "CONTENT_KIND_ARTICLE", "category": "news", "state": "PUBLICATION_STATE_PUBLISHED",
		"publishedAt":  "2026-11-20T08:00:00+07:00",
		"translations": []map[string]string{{"locale": "vi", "title": title, "summary": "Tóm tắt " + title, "bodyHtml": body, "slug": id}},
		"author":       "Lê Thị Hoa",
	}
	b, _ := json.Marshal(item)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sp.URL+"/api/items", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+sp.APIToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("push %s/%s: %d %s", tenant, id, resp.StatusCode, out)
	}
	var p pushed
	if err := json.Unmarshal(out, &p); err != nil || p.Version == 0 {
		return 0, fmt.Errorf("push %s/%s: answer %s: %v", tenant, id, out, err)
	}
	return p.Version, nil
}

// servedVersion fetches an item's page from base (nginx or one gateway)
// and returns its status and the version it shows (X-Content-Version).
func servedVersion(client *http.Client, base, tenant, id string) (int, uint64, error) {
	resp, err := client.Get(base + "/vi/" + tenant + "/" + id)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	v, _ := strconv.ParseUint(resp.Header.Get("X-Content-Version"), 10, 64)
	return resp.StatusCode, v, nil
}

// streamMsg is one message of the content stream.
type streamMsg struct {
	MsgID string
	Seq   uint64
}

// contentStream reads every message of the content stream, in order, as
// the ops user, from any of the three nodes.
func contentStream(ctx context.Context) ([]streamMsg, error) {
	js, closeJS, err := opsJetStream()
	if err != nil {
		return nil, err
	}
	defer closeJS()
	cons, err := js.OrderedConsumer(ctx, events.ContentStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, err
	}
	var out []streamMsg
	for {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, err
		}
		n := 0
		for m := range batch.Messages() {
			md, err := m.Metadata()
			if err != nil {
				return nil, err
			}
			out = append(out, streamMsg{MsgID: m.Headers().Get(jetstream.MsgIDHeader), Seq: md.Sequence.Stream})
			n++
		}
		if err := batch.Error(); err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
	}
}

// streamInfo returns the content stream's state and cluster.
func streamInfo(ctx context.Context) (*jetstream.StreamInfo, error) {
	js, closeJS, err := opsJetStream()
	if err != nil {
		return nil, err
	}
	defer closeJS()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, events.ContentStream)
	if err != nil {
		return nil, err
	}
	return s.Info(ctx)
}

// hubQuery runs a query returning one integer on the hub's primary.
func hubQuery(ctx context.Context, url, sql string, args ...any) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	var n int64
	err = conn.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// opsJetStream connects to the NATS cluster as the ops user.
func opsJetStream() (jetstream.JetStream, func(), error) {
	nc, err := natsauth.Connect(fed.NATSURL, natsauth.Ops, natsauth.SeedFile(fed.NATSKeys, natsauth.Ops), fed.NATSCAFile)
	if err != nil {
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return js, nc.Close, nil
}

// pgxRows runs a query returning one text column on url.
func pgxRows(ctx context.Context, url, sql string, args ...any) ([]string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(ctx, sql, args...)
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// ioDiscard reads a response's body to its end and closes it.
func ioDiscard(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}

// replicasStreaming counts the replicas streaming from the primary through
// the topology's slot, connected as the role deploy/postgres/replication.sh
// makes.
func replicasStreaming(ctx context.Context) (int64, error) {
	return hubQuery(ctx, fed.Topology.Primary, `SELECT count(*) FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid
		WHERE r.state = 'streaming' AND s.slot_name = $1 AND r.usename = $2`, fed.Topology.ReplicaSlot, federation.ReplicationRole)
}

// gatewayCounter reads a counter from the metrics of the kept gateway name
// (its ops listener).
func gatewayCounter(name, metric string) (int, error) {
	k := fed.Kept(name)
	if k == nil {
		return 0, fmt.Errorf("no kept process %q", name)
	}
	resp, err := http.Get("http://" + k.Process().Addrs["ops"] + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, metric+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return int(f), err
		}
	}
	return 0, fmt.Errorf("no %s in its metrics", metric)
}
