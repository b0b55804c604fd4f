package pgcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPointInTimeRestore archives a cluster's WAL, takes a base backup,
// commits more, notes a time, commits more again, and restores to that
// time: the restored cluster holds exactly what was committed by then
// (issue 12 point 3).
func TestPointInTimeRestore(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	// The archive and the backups must be reachable by the postgres user,
	// which a t.TempDir is not when the tests run as root.
	root := t.TempDir()
	if os.Geteuid() == 0 {
		var err error
		if root, err = os.MkdirTemp(fallbackRoot, "portalhub-backup-test-"); err != nil {
			t.Fatal(err)
		}
		os.Chmod(root, 0o755)
		t.Cleanup(func() { os.RemoveAll(root) })
	}
	archive := filepath.Join(root, "wal")
	src, err := Start(ctx, Config{Dir: filepath.Join(root, "primary"), Archive: archive})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(src.Dir()) })
	if got := query(t, src, "SHOW archive_mode"); got != "on" {
		t.Fatalf("archive_mode = %q", got)
	}
	execSQL(t, src, "CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, 'v1-' || g FROM generate_series(1, 100) g")

	backup := filepath.Join(root, "base")
	if err := BaseBackup(ctx, src.URL("postgres"), backup); err != nil {
		t.Fatal(err)
	}
	if err := BaseBackup(ctx, src.URL("postgres"), backup); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second backup into the same folder: %v, want refused", err)
	}

	execSQL(t, src, "INSERT INTO items SELECT g, 'v1-' || g FROM generate_series(101, 150) g; UPDATE items SET body = 'v2-' || id WHERE id <= 10")
	want := query(t, src, "SELECT count(*) || ':' || md5(string_agg(id || '=' || body, ',' ORDER BY id)) FROM items")
	time.Sleep(20 * time.Millisecond)
	target := time.Now()
	time.Sleep(20 * time.Millisecond)
	execSQL(t, src, "DELETE FROM items WHERE id > 50; UPDATE items SET body = 'v3'")
	if err := SwitchWAL(ctx, src.URL("postgres")); err != nil {
		t.Fatal(err)
	}
	after := query(t, src, "SELECT count(*) || ':' || md5(string_agg(id || '=' || body, ',' ORDER BY id)) FROM items")

	restored, err := Restore(ctx, RestoreConfig{Config: Config{Dir: filepath.Join(root, "restored")},
		Base: backup, Archive: archive, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(restored.Dir()) })
	if got := query(t, restored, "SELECT count(*) || ':' || md5(string_agg(id || '=' || body, ',' ORDER BY id)) FROM items"); got != want {
		t.Errorf("restored to %s: %s, want %s (the primary now holds %s)", target.Format(time.RFC3339Nano), got, want, after)
	}
	// The restored cluster is a primary on a new timeline: it takes writes.
	execSQL(t, restored, "INSERT INTO items VALUES (1000, 'after the restore')")

	// Restoring into a folder that holds a cluster is refused.
	if _, err := Restore(ctx, RestoreConfig{Config: Config{Dir: restored.Dir()}, Base: backup, Archive: archive}); err == nil {
		t.Error("a restore over a running cluster was accepted")
	}
	// The base backup alone restores to the moment it was taken.
	alone, err := Restore(ctx, RestoreConfig{Config: Config{Dir: filepath.Join(root, "alone")}, Base: backup})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(alone.Dir()) })
	if got := query(t, alone, "SELECT count(*) FROM items"); got != "100" {
		t.Errorf("base backup alone: %s rows, want 100", got)
	}
}

// A restored server does not archive into the archive it was restored from
// (its base backup carries the old server's archive_command, as
// OPERATIONS' postgresql.conf sets it): a second restore from the same
// archive to the same point still works (the walk of issue 10 restored
// twice and the second failed, following the first restore's timeline).
func TestRestoreLeavesTheArchiveAlone(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	root := t.TempDir()
	if os.Geteuid() == 0 {
		var err error
		if root, err = os.MkdirTemp(fallbackRoot, "portalhub-backup-test-"); err != nil {
			t.Fatal(err)
		}
		os.Chmod(root, 0o755)
		t.Cleanup(func() { os.RemoveAll(root) })
	}
	archive := filepath.Join(root, "wal")
	src, err := Start(ctx, Config{Dir: filepath.Join(root, "primary"), Archive: archive})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(src.Dir()) })
	// The archiving in the server's own configuration (postgresql.auto.conf
	// is copied by the base backup, as postgresql.conf is).
	command := fmt.Sprintf("test ! -f %[1]s/%%f && cp %%p %[1]s/%%f", archive)
	execSQL(t, src, "ALTER SYSTEM SET archive_mode = on")
	execSQL(t, src, "ALTER SYSTEM SET archive_command = '"+strings.ReplaceAll(command, "'", "''")+"'")
	execSQL(t, src, "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 10)")
	backup := filepath.Join(root, "base")
	if err := BaseBackup(ctx, src.URL("postgres"), backup); err != nil {
		t.Fatal(err)
	}
	execSQL(t, src, "INSERT INTO items SELECT generate_series(11, 20)")
	time.Sleep(20 * time.Millisecond)
	target := time.Now()
	time.Sleep(20 * time.Millisecond)
	execSQL(t, src, "INSERT INTO items SELECT generate_series(21, 30)")
	if err := SwitchWAL(ctx, src.URL("postgres")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the archiver copies the switched segment

	for _, name := range []string{"first", "second"} {
		restored, err := Restore(ctx, RestoreConfig{Config: Config{Dir: filepath.Join(root, name)}, Base: backup, Archive: archive, Target: target})
		if err != nil {
			t.Fatalf("restore %s: %v", name, err)
		}
		if got := query(t, restored, "SELECT count(*) FROM items"); got != "20" {
			t.Errorf("restore %s: %s rows, want 20", name, got)
		}
		if got := query(t, restored, "SHOW archive_mode"); got != "off" {
			t.Errorf("restore %s: archive_mode %s, want off", name, got)
		}
		// Writes and a finished segment: what the old archive_command
		// would have copied.
		execSQL(t, restored, "INSERT INTO items VALUES (1000); SELECT pg_switch_wal()")
		time.Sleep(500 * time.Millisecond)
		if err := restored.Stop(); err != nil {
			t.Fatal(err)
		}
		Remove(restored.Dir())
		if history, _ := filepath.Glob(filepath.Join(archive, "*.history")); len(history) != 0 {
			t.Fatalf("after the %s restore the archive holds %v: the restored server archived its timeline there", name, history)
		}
	}
}
