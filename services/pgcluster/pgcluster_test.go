package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestURL(t *testing.T) {
	c := &Cluster{port: 54321}
	for _, tc := range []struct{ db, want string }{
		{"postgres", "postgres://postgres@127.0.0.1:54321/postgres?sslmode=disable"},
		{"t_hub 1", "postgres://postgres@127.0.0.1:54321/t_hub%201?sslmode=disable"},
	} {
		if got := c.URL(tc.db); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.db, got, tc.want)
		}
	}
}

// TestLifecycle walks one cluster through everything that happens to it
// between runs, so that initdb runs once.
func TestLifecycle(t *testing.T) {
	ctx := t.Context()
	// A t.TempDir is private to root, so when running as root this also
	// covers the fallback to a folder under /var/tmp.
	cfg := Config{Dir: filepath.Join(t.TempDir(), "pg"), Ephemeral: true}
	c, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := Remove(c.Dir()); err != nil {
			t.Error(err)
		}
	})
	if os.Geteuid() == 0 && !strings.HasPrefix(c.Dir(), "/var/tmp/portalhub-pg-") {
		t.Errorf("Dir() = %q, want a folder under /var/tmp: the postgres user cannot reach %s", c.Dir(), cfg.Dir)
	}
	execSQL(t, c, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')")
	if got, want := query(t, c, "SHOW listen_addresses"), "127.0.0.1"; got != want {
		t.Errorf("listen_addresses = %q, want %q", got, want)
	}
	if got, want := query(t, c, "SHOW fsync"), "off"; got != want {
		t.Errorf("fsync = %q, want %q for an ephemeral cluster", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(c.Dir(), "postgres.log")); err != nil || !strings.Contains(string(b), "ready to accept connections") {
		t.Errorf("postgres.log does not tell the server started: %q, %v", b, err)
	}
	port := c.Port()

	t.Run("second Start attaches", func(t *testing.T) {
		again, err := Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if again.Port() != port || again.Dir() != c.Dir() {
			t.Errorf("second Start: port %d in %s, want the running server's port %d in %s", again.Port(), again.Dir(), port, c.Dir())
		}
	})

	t.Run("restart keeps data and port", func(t *testing.T) {
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := c.Stop(); err != nil {
			t.Errorf("second Stop: %v", err)
		}
		// A postmaster.pid naming a live process that is no server, as
		// after a kill once the PID has been reused.
		pidFile := filepath.Join(c.Dir(), "data", "postmaster.pid")
		stale := strconv.Itoa(os.Getpid()) + "\n" + filepath.Join(c.Dir(), "data") + "\n1\n" + strconv.Itoa(port) + "\n"
		if err := os.WriteFile(pidFile, []byte(stale), 0o600); err != nil {
			t.Fatal(err)
		}
		c2, err := Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c2.Port() != port {
			t.Errorf("restarted on port %d, want the previous run's %d", c2.Port(), port)
		}
		if got, want := query(t, c2, "SELECT v FROM kept"), "before restart"; got != want {
			t.Errorf("after restart: %q, want %q", got, want)
		}
	})

	t.Run("Remove stops and deletes", func(t *testing.T) {
		pid, _, running := postmaster(filepath.Join(c.Dir(), "data"))
		if !running {
			t.Fatal("server not running before Remove")
		}
		if err := Remove(c.Dir()); err != nil {
			t.Fatal(err)
		}
		if runsIn(pid, filepath.Join(c.Dir(), "data")) || !portFree(port) {
			t.Errorf("server %d still running after Remove", pid)
		}
		if _, err := os.Stat(c.Dir()); !os.IsNotExist(err) {
			t.Errorf("Stat(%s) after Remove: %v, want not exist", c.Dir(), err)
		}
	})
}

func execSQL(t *testing.T, c *Cluster, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func query(t *testing.T, c *Cluster, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(t.Context(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}
