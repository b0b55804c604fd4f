package pgcluster

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// replicationScript is the primary's replication setup in production.
const replicationScript = "../../deploy/postgres/replication.sh"

// TestReplica runs the primary's replication setup (replicationScript) and
// makes a streaming replica of it, connected as the role the script made
// through the slot it made; checks it is a
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

	// The primary's replication setup, as production's image runs it
	// (twice: running it again changes nothing).
	pwFile := filepath.Join(t.TempDir(), "replicator-password")
	if err := os.WriteFile(pwFile, []byte("mat-khau-sao-chep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := primary.RunScript(ctx, replicationScript, []string{"REPLICATOR_PASSWORD_FILE=" + pwFile, "REPLICATION_SLOT=replica_1"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := query(t, primary, "SELECT count(*)::text FROM pg_roles WHERE rolname = 'replicator' AND rolreplication AND rolcanlogin AND NOT rolsuper"); got != "1" {
		t.Errorf("replication roles named replicator: %s, want 1", got)
	}
	if got := query(t, primary, "SELECT count(*)::text FROM pg_hba_file_rules WHERE 'replicator' = ANY(user_name) AND 'replication' = ANY(database) AND auth_method = 'scram-sha-256'"); got != "1" {
		t.Errorf("pg_hba.conf rules for replicator: %s, want 1 (the line once)", got)
	}

	u, err := url.Parse(primary.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("replicator")
	rc := ReplicaConfig{Config: Config{Dir: filepath.Join(t.TempDir(), "replica")}, Primary: u.String(), Password: "mat-khau-sao-chep", Slot: "replica_1"}
	noSlot := filepath.Join(t.TempDir(), "no-slot")
	if r, err := newRunner(""); err == nil {
		if d, err := r.clusterDir(ctx, noSlot); err == nil {
			t.Cleanup(func() { Remove(d) })
		}
	}
	if _, err := StartReplica(ctx, ReplicaConfig{Config: Config{Dir: noSlot}, Primary: u.String(), Slot: "khong_co"}); err == nil ||
		!strings.Contains(err.Error(), "replication.sh") {
		t.Errorf("a replica through a slot the primary lacks: %v, want an error pointing at replication.sh", err)
	}
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
	waitFor(t, func() string {
		return query(t, primary, "SELECT string_agg(usename, ',') FROM pg_stat_replication")
	}, "replicator")
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

// waitFor waits until get returns want.
func waitFor(t *testing.T, get func() string, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := get()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q, want %q", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
