package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/federation"
)

// The floor of publish-to-visible (issue 11 point 3): what the path does at
// least once, each measured in the same run on the same servers. A
// revision must be committed on the sub-portal's database, sent in one TLS
// gRPC call, committed on the hub's database, published to JetStream and
// consumed, and its page rendered once; the floor is the sum of the
// medians of those.

// commitRoundTrip times n committed transactions on the database at url,
// each inserting one row of about an item's size (2 KB) into a scratch
// table, dropped afterwards.
func commitRoundTrip(ctx context.Context, url string, n int) ([]time.Duration, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `CREATE TABLE bench_floor (id bigserial PRIMARY KEY, payload bytea NOT NULL)`); err != nil {
		return nil, err
	}
	defer conn.Exec(context.Background(), `DROP TABLE bench_floor`)
	payload := make([]byte, 2048)
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		tx, err := conn.Begin(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO bench_floor (payload) VALUES ($1)`, payload); err != nil {
			tx.Rollback(ctx)
			return nil, err
		}
		if err := tx.Commit(ctx); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

// histogram reads a Prometheus histogram's count and sum of seconds so far
// from the metrics at url (an ops listener's /metrics); series is its name
// with its labels, e.g. portalhub_gateway_pagecache_render_seconds{page="item"}.
// A histogram with no observation yet reads 0, 0.
func histogram(ctx context.Context, url, series string) (count, seconds float64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/metrics", nil)
	if err != nil {
		return 0, 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("%s/metrics: status %d", url, res.StatusCode)
	}
	name, labels, _ := strings.Cut(series, "{")
	if labels != "" {
		labels = "{" + labels
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch key {
		case name + "_count" + labels:
			count, err = strconv.ParseFloat(value, 64)
		case name + "_sum" + labels:
			seconds, err = strconv.ParseFloat(value, 64)
		}
		if err != nil {
			return 0, 0, err
		}
	}
	return count, seconds, sc.Err()
}

// meanOver is a histogram's mean over a run: read before, run, read after.
type meanOver struct {
	url, series   string
	count, second float64
}

func (m *meanOver) start(ctx context.Context) (err error) {
	m.count, m.second, err = histogram(ctx, m.url, m.series)
	return err
}

// mean is the mean of what was observed since start; an error when nothing was.
func (m *meanOver) mean(ctx context.Context) (time.Duration, error) {
	count, seconds, err := histogram(ctx, m.url, m.series)
	if err != nil {
		return 0, err
	}
	if count <= m.count {
		return 0, fmt.Errorf("%s: nothing observed during the run (%s/metrics)", m.series, m.url)
	}
	return time.Duration((seconds - m.second) / (count - m.count) * float64(time.Second)), nil
}

// stage is one step of the pipeline, timed per revision from timestamps.
type stage struct {
	name string
	d    []time.Duration
}

// stages attributes each revision's publish-to-visible time to the steps
// of the pipeline, from the timestamps the services keep: the sub-portal's
// outbox row (created in the transaction that stores the revision), the
// hub's outbox row (created in the transaction that applies it;
// published_at when JetStream acknowledged it), and the bench's own post
// and first view. PostgreSQL's now() is the transaction's start, so a
// transaction's statements and commit fall in the following stage.
func stages(ctx context.Context, f *federation.Federation, tenant, contentID string, revs []revision) ([]stage, error) {
	subURL, err := federation.EnsureDatabase(ctx, f.BaseURL, "portalhub_"+strings.ReplaceAll(tenant, "-", "_"))
	if err != nil {
		return nil, err
	}
	sub, err := pgx.Connect(ctx, subURL)
	if err != nil {
		return nil, err
	}
	defer sub.Close(context.Background())
	subAt := map[uint64]time.Time{}
	rows, err := sub.Query(ctx, `SELECT version, created_at FROM outbox WHERE content_id = $1`, contentID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v int64
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		subAt[uint64(v)] = at
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hub, err := pgx.Connect(ctx, f.HubDatabaseURL)
	if err != nil {
		return nil, err
	}
	defer hub.Close(context.Background())
	type hubRow struct{ created, published time.Time }
	hubAt := map[uint64]hubRow{}
	rows, err = hub.Query(ctx, `SELECT payload, created_at, published_at FROM outbox WHERE subject = $1 AND published_at IS NOT NULL`,
		events.ContentSubject(tenant, contentID))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var payload []byte
		var r hubRow
		if err := rows.Scan(&payload, &r.created, &r.published); err != nil {
			return nil, err
		}
		var ev pb.ContentEvent
		if err := proto.Unmarshal(payload, &ev); err != nil {
			return nil, err
		}
		hubAt[ev.GetVersion()] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []stage{
		{name: "post → sub-portal transaction (API, validation)"},
		{name: "→ hub transaction (sub-portal tx, relay wake-up, gRPC, checks)"},
		{name: "→ on the bus (hub tx and commit, relay wake-up, JetStream ack)"},
		{name: "→ served (consume, invalidate, render, the bench's poll)"},
	}
	for _, r := range revs {
		s, okS := subAt[r.version]
		h, okH := hubAt[r.version]
		if !okS || !okH {
			return nil, fmt.Errorf("version %d: no outbox row at the sub-portal (%v) or the hub (%v)", r.version, okS, okH)
		}
		for i, d := range []time.Duration{s.Sub(r.posted), h.created.Sub(s), h.published.Sub(h.created), r.visible.Sub(h.published)} {
			out[i].d = append(out[i].d, d)
		}
	}
	return out, nil
}
