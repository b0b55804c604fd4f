package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReplicaConfig says which primary a streaming replica follows.
type ReplicaConfig struct {
	// Config is the replica's own: its folder and port.
	Config
	// Primary is the primary's URL as the superuser (Cluster.URL).
	Primary string
	// Slot is the physical replication slot the replica streams through:
	// the primary keeps the WAL the replica has not received yet, so a
	// replica that was down catches up instead of needing a new base
	// backup. Letters, digits and _ only.
	Slot string
}

var slotName = regexp.MustCompile(`^[a-z0-9_]{1,63}$`)

// StartReplica starts a hot standby of the primary in rc.Dir and returns
// once it accepts (read-only) connections. The first time, it creates the
// replication slot on the primary and fills the data directory with a base
// backup of it (pg_basebackup -R -S slot: standby.signal, and
// primary_conninfo and primary_slot_name in postgresql.auto.conf), as an
// operator makes a replica; afterwards it starts the standby already there,
// which resumes streaming from the slot.
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
	if err := ensureSlot(ctx, rc.Primary, rc.Slot); err != nil {
		return nil, err
	}
	return start(ctx, rc.Config, func(c *Cluster) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		out, err := c.run.command(ctx, c.dir, "pg_basebackup", "-d", rc.Primary, "-D", c.data, "-F", "p", "-X", "stream",
			"-c", "fast", "-R", "-S", rc.Slot, "--no-password").CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("pg_basebackup of the primary into %s: %w: %s", c.data, err, bytes.TrimSpace(out))
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

// ensureSlot creates the physical replication slot on the primary unless it
// exists.
func ensureSlot(ctx context.Context, primary, slot string) error {
	conn, err := pgx.Connect(ctx, primary)
	if err != nil {
		return fmt.Errorf("pgcluster: connect to the primary: %w", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SELECT pg_create_physical_replication_slot($1, true)
		WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = $1)`, slot)
	if err != nil {
		return fmt.Errorf("pgcluster: create replication slot %s: %w", slot, err)
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
