package federation

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/pgcluster"
	"github.com/portalhub/portalhub/services/supervise"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestPGKeptRestartsAKilledServer: a PostgreSQL server whose postmaster is
// killed is started again on its port, with its data; one stopped on
// purpose stays down until started.
func TestPGKeptRestartsAKilledServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs initdb")
	}
	ctx := t.Context()
	cfg := pgcluster.Config{Dir: filepath.Join(t.TempDir(), "pg"), Ephemeral: true, SyncCommit: true}
	c, err := pgcluster.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pgcluster.Remove(c.Dir()) })
	cfg.Port = c.Port()
	k := keepPG("postgresql test", c, func(ctx context.Context) error {
		_, err := pgcluster.Start(ctx, cfg)
		return err
	}, supervise.Restart{Backoff: 50 * time.Millisecond, MaxBackoff: time.Second, Steady: time.Minute})
	t.Cleanup(k.stop)
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE TABLE kept (v int); INSERT INTO kept VALUES (1)`); err != nil {
		t.Fatal(err)
	}

	pid := k.Pid()
	if pid == 0 {
		t.Fatal("no postmaster PID")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, time.Minute, func() error {
		if k.Restarts() < 1 {
			return fmt.Errorf("killed server (pid %d) not restarted yet", pid)
		}
		return exec(`SELECT v FROM kept`)
	})
	if k.Pid() == pid || k.Pid() == 0 {
		t.Errorf("postmaster PID %d after the restart, killed one %d", k.Pid(), pid)
	}

	if err := k.Stop(); err != nil {
		t.Fatal(err)
	}
	// Several of the keeper's looks later it is still down.
	time.Sleep(5 * pgPoll)
	if c.Running() || k.Restarts() != 1 {
		t.Fatalf("a server stopped on purpose: running %v, restarts %d; want it down, 1", c.Running(), k.Restarts())
	}
	if err := k.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := exec(`SELECT v FROM kept`); err != nil {
		t.Fatal(err)
	}
}
