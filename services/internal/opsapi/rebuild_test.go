package opsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/testenv"
)

// rebuildAll calls RebuildSearchIndex and reads its progress to the end.
func rebuildAll(ctx context.Context, c pb.OpsServiceClient) ([]*pb.RebuildSearchIndexResponse, error) {
	stream, err := c.RebuildSearchIndex(ctx, &pb.RebuildSearchIndexRequest{})
	if err != nil {
		return nil, err
	}
	var msgs []*pb.RebuildSearchIndexResponse
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return msgs, nil
		}
		if err != nil {
			return msgs, err
		}
		msgs = append(msgs, m)
	}
}

// reindexLock is hubstore's advisory lock of a rebuild (hubstore.reindexLock).
const reindexLock = 0x5ea4c8

// TestRebuildSearchIndexThroughTheAPI: an operator's rebuild streams its
// progress to the end and is recorded under the account; it runs in the
// aggregator, so a caller that goes away stops following it, not the
// rebuild, which another call follows to its end; a rebuild holding the
// hub's lock elsewhere is ABORTED with its reason.
func TestRebuildSearchIndexThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	op, admin := as(f.tokens[opsaccounts.Operator]), as(f.tokens[opsaccounts.Administrator])
	recorded := func(action, actor string) []hubstore.AuditEntry {
		t.Helper()
		es, err := f.store.ListAudit(ctx, hubstore.AuditFilter{Action: action, Actor: actor})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}

	msgs, err := rebuildAll(op, f.client)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("rebuild: %v %v", msgs, err)
	}
	last := msgs[len(msgs)-1]
	if !last.GetFinished() || !last.GetStarted() || last.GetStartedBy() != "ops:ops-operator" || last.GetTotal() != 2 || last.GetDone() != 2 {
		t.Errorf("last progress %v, want finished, started by ops:ops-operator, 2 of 2 items", last)
	}
	for _, m := range msgs[:len(msgs)-1] {
		if m.GetFinished() {
			t.Errorf("a progress message before the last is finished: %v", msgs)
		}
	}
	if es := recorded("search.reindex", "ops:ops-operator"); len(es) != 1 || string(es[0].Detail) == "" {
		t.Errorf("rebuild recorded: %+v, want one search.reindex entry", es)
	}

	// Hold the rebuild at its start (it locks search_docs to create its
	// table) while one caller starts it and leaves and another follows it.
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE search_docs IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	leaving, leave := context.WithCancel(op)
	first, err := f.client.RebuildSearchIndex(leaving, &pb.RebuildSearchIndexRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := first.Recv(); err != nil || !m.GetStarted() || m.GetFinished() {
		t.Fatalf("the starter's first progress: %v %v", m, err)
	}
	leave()
	follower, err := f.client.RebuildSearchIndex(admin, &pb.RebuildSearchIndexRequest{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := follower.Recv()
	if err != nil || m.GetStarted() || m.GetStartedBy() != "ops:ops-operator" || m.GetFinished() {
		t.Fatalf("the follower's first progress: %v %v, want the operator's rebuild, running", m, err)
	}
	if es := recorded("ops.call", "ops:ops-administrator"); len(es) != 1 {
		t.Errorf("the follower's read recorded: %+v", es)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for !m.GetFinished() {
		if m, err = follower.Recv(); err != nil {
			t.Fatalf("following: %v", err)
		}
	}
	if _, err := follower.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last progress: %v, want the end of the stream", err)
	}
	if es := recorded("search.reindex", "ops:ops-operator"); len(es) != 2 {
		t.Errorf("the rebuild whose starter left: %d search.reindex entries, want 2", len(es))
	}
	if es := recorded("search.reindex", "ops:ops-administrator"); len(es) != 0 {
		t.Errorf("the follower is recorded as rebuilding: %+v", es)
	}

	// Another rebuild holds the hub's lock (another aggregator's).
	conn, err := f.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, reindexLock); err != nil {
		t.Fatal(err)
	}
	_, err = rebuildAll(op, f.client)
	if status.Code(err) != codes.Aborted || reason(err) != ReasonReindexRunning || vietnamese(err) == "" {
		t.Errorf("rebuild while another holds the lock: %v, want ABORTED %s", err, ReasonReindexRunning)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, reindexLock); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		if msgs, err := rebuildAll(op, f.client); err != nil || !msgs[len(msgs)-1].GetFinished() {
			return fmt.Errorf("rebuild once the lock is free: %v", err)
		}
		return nil
	})
}
