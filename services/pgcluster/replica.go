package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReplicaConfig says which primary a streaming replica follows.
type ReplicaConfig struct {
	// Config is the replica's own: its folder and port.
	Config
	// Primary is the primary's URL as the role the replica connects as,
	// one with the REPLICATION attribute (deploy/postgres/replication.sh
	// makes replicator).
	Primary string
	// Password is that role's password (given to pg_basebackup in
	// PGPASSWORD; -R keeps it in primary_conninfo); empty when the primary
	// trusts the role.
	Password string
	// Slot is the physical replication slot on the primary the replica
	// streams through (replication.sh makes it): the primary keeps the WAL
	// the replica has not received yet, so a replica that was down catches
	// up instead of needing a new base backup. Letters, digits and _ only.
	Slot string
}

var slotName = regexp.MustCompile(`^[a-z0-9_]{1,63}$`)

// StartReplica starts a hot standby of the primary in rc.Dir and returns
// once it accepts (read-only) connections. The first time, it fills the
// data directory with a base backup of the primary through the slot
// (pg_basebackup -R -S slot: standby.signal, and primary_conninfo and
// primary_slot_name in postgresql.auto.conf), as an operator makes a
// replica; afterwards it starts the standby already there, which resumes
// streaming from the slot. The role and the slot must exist on the primary
// (the primary's replication setup: deploy/postgres/replication.sh, which
// Cluster.RunScript runs).
func StartReplica(ctx context.Context, rc ReplicaConfig) (*Cluster, error) {
	if !slotName.MatchString(rc.Slot) {
		return nil, fmt.Errorf("pgcluster: replication slot %q: use 1 to 63 lower-case letters, digits and _", rc.Slot)
	}
	if rc.Primary == "" {
		return nil, errors.New("pgcluster: replica: no primary URL")
	}
	r, err := newRunner(rc.BinDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	dir, err := r.clusterDir(ctx, rc.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err == nil {
		return start(ctx, rc.Config, nil)
	}
	return start(ctx, rc.Config, func(c *Cluster) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		cmd := c.run.command(ctx, c.dir, "pg_basebackup", "-d", rc.Primary, "-D", c.data, "-F", "p", "-X", "stream",
			"-c", "fast", "-R", "-S", rc.Slot, "--no-password")
		if rc.Password != "" {
			cmd.Env = append(os.Environ(), "PGPASSWORD="+rc.Password)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			hint := ""
			if bytes.Contains(out, []byte("does not exist")) {
				hint = " (the primary's replication setup, deploy/postgres/replication.sh, makes the role and the slot)"
			}
			return "", fmt.Errorf("pg_basebackup of the primary into %s: %w: %s%s", c.data, err, bytes.TrimSpace(out), hint)
		}
		if _, err := os.Stat(filepath.Join(c.data, "standby.signal")); err != nil {
			return "", fmt.Errorf("pg_basebackup -R wrote no standby.signal: %w", err)
		}
		// The primary's archiving settings came with the copy; a standby
		// archives nothing of its own (archive_mode on is ignored there).
		// After the primary went away, the standby asks it again every
		// second rather than every five (the default), so the replica the
		// gateways read catches up sooner after a primary restart.
		return " -c hot_standby=on -c wal_retrieve_retry_interval=1s", nil
	})
}

// RunScript runs the shell script at path against the running server, as
// PostgreSQL's image runs its /docker-entrypoint-initdb.d scripts: psql
// finds the server (PGHOST, PGPORT; POSTGRES_USER is the superuser),
// PGDATA names its data directory, PostgreSQL's programs come first on the
// PATH, and env is added. Then the server reads its configuration again
// (pg_reload_conf), as the image's restart after its scripts does. The
// script runs as this process's user (root may write the postgres user's
// files), from the cluster's folder; a failure returns its output.
func (c *Cluster) RunScript(ctx context.Context, path string, env []string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "bash", abs)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "PATH="+c.run.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PGHOST=127.0.0.1", fmt.Sprintf("PGPORT=%d", c.port), "POSTGRES_USER=postgres", "PGUSER=postgres", "PGDATA="+c.data,
		"PGDATABASE=postgres", "PSQLRC=/dev/null")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: %s: %w: %s", path, err, bytes.TrimSpace(out))
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: after %s: %w", path, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_reload_conf()"); err != nil {
		return fmt.Errorf("pgcluster: after %s: reload the configuration: %w", path, err)
	}
	return nil
}

// ReplayedLSN returns how far the standby at url has replayed the WAL, and
// CurrentLSN how far the primary at url has written it: a test waits for the
// one to reach the other.
func ReplayedLSN(ctx context.Context, url string) (string, error) {
	return lsn(ctx, url, `SELECT pg_last_wal_replay_lsn()::text`)
}

// CurrentLSN returns the primary's current WAL position.
func CurrentLSN(ctx context.Context, url string) (string, error) {
	return lsn(ctx, url, `SELECT pg_current_wal_lsn()::text`)
}

func lsn(ctx context.Context, url, query string) (string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var s *string
	if err := conn.QueryRow(ctx, query).Scan(&s); err != nil {
		return "", err
	}
	if s == nil {
		return "", errors.New("no WAL position (not a standby?)")
	}
	return *s, nil
}
