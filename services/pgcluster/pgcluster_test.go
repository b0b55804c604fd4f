package pgcluster

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestClockJumpUnderFaketime: a server started with FakeTimeEnv follows its
// offset file while it runs, an hour ahead and back, which the fault tests
// rely on to make a sub-portal's database clock jump. The offsets are far
// larger than any delay of a loaded machine.
func TestClockJumpUnderFaketime(t *testing.T) {
	ctx := t.Context()
	f, err := os.CreateTemp("/var/tmp", "portalhub-faketime-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(f.Name()) })
	f.Close()
	setOffset := func(offset string) {
		t.Helper()
		if err := os.WriteFile(f.Name(), []byte(offset+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	setOffset("+0")
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := FakeTimeEnv(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Start(ctx, Config{Dir: filepath.Join(t.TempDir(), "pg"), Ephemeral: true, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := Remove(c.Dir()); err != nil {
			t.Error(err)
		}
	})
	// ahead is how far the server's clock is ahead of this process's,
	// in whole hours, once the server has read the file again.
	ahead := func(want float64) {
		t.Helper()
		var got float64
		for range 100 {
			conn, err := pgx.Connect(ctx, c.URL("postgres"))
			if err != nil {
				t.Fatal(err)
			}
			var secs float64
			err = conn.QueryRow(ctx, `SELECT extract(epoch FROM now())`).Scan(&secs)
			conn.Close(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = math.Round((secs - float64(time.Now().UnixMicro())/1e6) / 3600)
			if got == want {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("the server's clock is %v h ahead, want %v h", got, want)
	}
	ahead(0)
	setOffset("+1h")
	ahead(1)
	setOffset("+0")
	ahead(0)
}
