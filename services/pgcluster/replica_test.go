package pgcluster

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestReplica makes a streaming replica of a primary, checks it is a
// read-only standby that follows the primary's writes, and that a replica
// stopped while the primary writes catches up through its slot when it is
// started again.
func TestReplica(t *testing.T) {
	ctx := t.Context()
	primary, err := Start(ctx, Config{Dir: filepath.Join(t.TempDir(), "primary"), Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(primary.Dir()) })
	execSQL(t, primary, "CREATE TABLE items (v text); INSERT INTO items VALUES ('before the copy')")

	rc := ReplicaConfig{Config: Config{Dir: filepath.Join(t.TempDir(), "replica")}, Primary: primary.URL("postgres"), Slot: "replica_1"}
	replica, err := StartReplica(ctx, rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(replica.Dir()) })
	if got := query(t, replica, "SELECT pg_is_in_recovery()::text"); got != "true" {
		t.Fatalf("replica pg_is_in_recovery = %s, want true", got)
	}
	if got := query(t, primary, "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = 'replica_1' AND active"); got != "1" {
		t.Errorf("active slots named replica_1 on the primary: %s, want 1", got)
	}
	conn, err := pgx.Connect(ctx, replica.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "INSERT INTO items VALUES ('on the replica')")
	conn.Close(context.Background())
	if err == nil {
		t.Error("a write on the replica succeeded, want it refused (read-only standby)")
	}

	execSQL(t, primary, "INSERT INTO items VALUES ('streamed')")
	waitCount(t, replica, 2)

	if err := replica.Stop(); err != nil {
		t.Fatal(err)
	}
	execSQL(t, primary, "INSERT INTO items VALUES ('while the replica was down')")
	if got := query(t, primary, "SELECT (restart_lsn IS NOT NULL)::text FROM pg_replication_slots WHERE slot_name = 'replica_1'"); got != "true" {
		t.Errorf("slot keeps WAL from %s, want a position", got)
	}
	replica, err = StartReplica(ctx, rc)
	if err != nil {
		t.Fatal(err)
	}
	waitCount(t, replica, 3)
}

func waitCount(t *testing.T, c *Cluster, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := query(t, c, "SELECT count(*)::text FROM items")
		if got == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica holds %s rows, want %d", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
