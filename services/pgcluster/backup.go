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

// safePath is what a path handed to the server's options may hold: pg_ctl
// passes them through a shell, inside single quotes.
var safePath = regexp.MustCompile(`^/[A-Za-z0-9/._-]+$`)

// archiving returns the server options that archive completed WAL
// segments into folder archive ("" for none), creating it for the server.
func (c *Cluster) archiving(archive string) (string, error) {
	if archive == "" {
		return "", nil
	}
	dir := archive
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(c.dir, dir)
	}
	if !safePath.MatchString(dir) {
		return "", fmt.Errorf("WAL archive %q: use a path of letters, digits and / . _ - only", archive)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := c.run.own(dir); err != nil {
		return "", err
	}
	if c.run.runuser != "" && !c.run.reachable(context.Background(), dir) {
		return "", fmt.Errorf("WAL archive %s: the postgres user cannot reach it; choose a folder it can (or a relative path, inside the cluster's folder)", dir)
	}
	// Never overwrite a segment already archived: a second cluster
	// archiving into the same folder by mistake must fail, not corrupt it.
	cmd := fmt.Sprintf("test ! -f %[1]s/%%f && cp %%p %[1]s/%%f", dir)
	return fmt.Sprintf(" -c wal_level=replica -c archive_mode=on -c archive_timeout=60 -c archive_command='%s'", cmd), nil
}

// BaseBackup copies the cluster at url into dir, a folder that must not
// exist yet, with pg_basebackup: a plain copy of the data directory,
// checkpointed at once, with the WAL that makes it consistent (-X stream),
// so that it restores alone, or with a WAL archive to a later point in time
// (Restore). When running as root it runs as the postgres user, as the
// server does, and dir's parent must be reachable by that user.
func BaseBackup(ctx context.Context, url, dir string) error {
	r, err := newRunner("")
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("pgcluster: base backup: %s exists already; name a new folder", dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	if err := r.own(parent); err != nil {
		return err
	}
	out, err := r.command(ctx, parent, "pg_basebackup", "-d", url, "-D", dir, "-F", "p", "-X", "stream",
		"-c", "fast", "--no-password", "-l", "portalhub "+time.Now().UTC().Format(time.RFC3339)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: pg_basebackup into %s: %w: %s", dir, err, bytes.TrimSpace(out))
	}
	return nil
}

// RestoreConfig says what to restore and where to run it.
type RestoreConfig struct {
	// Config is the new cluster's: its Dir must hold no data directory yet.
	// Config.Archive, if set, archives the new cluster's own WAL; it must
	// not be Archive.
	Config
	// Base is a BaseBackup's folder; it is copied, not changed.
	Base string
	// Archive is the WAL archive the backed-up cluster wrote (its
	// Config.Archive); empty restores the base backup alone.
	Archive string
	// Target is the point in time to recover to: the last transaction
	// committed at or before it is the last one kept. Zero recovers to the
	// end of the archive.
	Target time.Time
}

// Restore makes a new cluster from a base backup and replays the WAL
// archive up to the target time, then promotes it to a primary (a new
// timeline) and returns it running, archiving into Config.Archive if set
// and nowhere else (not where the backed-up server's configuration says). The server log (postgres.log in the
// cluster's folder) tells where recovery stopped.
func Restore(ctx context.Context, rc RestoreConfig) (*Cluster, error) {
	if _, err := os.Stat(filepath.Join(rc.Base, "PG_VERSION")); err != nil {
		return nil, fmt.Errorf("pgcluster: restore: %s is not a base backup (no PG_VERSION): %w", rc.Base, err)
	}
	if rc.Archive != "" && rc.Config.Archive != "" {
		a, _ := filepath.Abs(rc.Archive)
		b, _ := filepath.Abs(rc.Config.Archive)
		if a == b {
			return nil, errors.New("pgcluster: restore: the restored cluster must archive into another folder than the one it recovers from")
		}
	}
	base, err := filepath.Abs(rc.Base)
	if err != nil {
		return nil, err
	}
	c, err := start(ctx, rc.Config, func(c *Cluster) (string, error) {
		opts, err := c.recover(ctx, base, rc.Archive, rc.Target)
		if rc.Config.Archive == "" {
			// The base backup carries the old server's configuration, and
			// with it its archive_command (OPERATIONS has it in
			// postgresql.conf): the restored server, promoted to a new
			// timeline, would archive into the old server's archive, and a
			// later restore from it to a time before this one would follow
			// that timeline and fail ("recovery ended before configured
			// recovery target was reached"). It archives only where told.
			opts += " -c archive_mode=off"
		}
		return opts, err
	})
	if err != nil {
		return nil, err
	}
	// pg_ctl returns once the server accepts connections, which a server in
	// recovery does once consistent: wait for the promotion.
	deadline := time.Now().Add(time.Minute)
	for {
		var inRecovery bool
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			err = conn.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&inRecovery)
			conn.Close(ctx)
		}
		if err == nil && !inRecovery {
			return c, nil
		}
		if time.Now().After(deadline) {
			c.Stop()
			return nil, fmt.Errorf("pgcluster: restore: the server did not finish recovery within a minute (%v); see %s",
				err, filepath.Join(c.dir, "postgres.log"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recover fills the cluster's empty data directory from base and returns
// the server options of a recovery from archive up to target.
func (c *Cluster) recover(ctx context.Context, base, archive string, target time.Time) (string, error) {
	out, err := c.run.commandPath(ctx, c.dir, "cp", "-a", base+"/.", c.data).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("copy %s into %s: %w: %s", base, c.data, err, bytes.TrimSpace(out))
	}
	_ = os.Remove(filepath.Join(c.data, "postmaster.pid"))
	if archive == "" {
		return "", nil
	}
	dir, err := filepath.Abs(archive)
	if err != nil {
		return "", err
	}
	if !safePath.MatchString(dir) {
		return "", fmt.Errorf("WAL archive %q: use a path of letters, digits and / . _ - only", archive)
	}
	signal := filepath.Join(c.data, "recovery.signal")
	if err := os.WriteFile(signal, nil, 0o600); err != nil {
		return "", err
	}
	if err := c.run.own(signal); err != nil {
		return "", err
	}
	opts := fmt.Sprintf(" -c restore_command='cp %s/%%f %%p' -c recovery_target_action=promote", dir)
	if !target.IsZero() {
		opts += fmt.Sprintf(" -c recovery_target_time='%s'", target.UTC().Format("2006-01-02 15:04:05.999999")+"+00")
	}
	return opts, nil
}

// SwitchWAL closes the current WAL segment of the cluster at url, so that
// it is archived now (pg_switch_wal), and waits until the archiver reports
// it archived or ctx ends. A backup taken before a risky change, or a test,
// then finds everything committed so far in the archive.
func SwitchWAL(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var segment string
	if err := conn.QueryRow(ctx, `SELECT pg_walfile_name(pg_switch_wal())`).Scan(&segment); err != nil {
		return fmt.Errorf("pgcluster: switch WAL: %w", err)
	}
	for {
		var last, failed *string
		if err := conn.QueryRow(ctx, `SELECT last_archived_wal, last_failed_wal FROM pg_stat_archiver`).Scan(&last, &failed); err != nil {
			return fmt.Errorf("pgcluster: archiver status: %w", err)
		}
		// Segment names sort in WAL order within a timeline.
		if last != nil && *last >= segment {
			return nil
		}
		select {
		case <-ctx.Done():
			f := ""
			if failed != nil {
				f = "; last failure: " + *failed + " (see the server log)"
			}
			return fmt.Errorf("pgcluster: WAL segment %s not archived%s: %w", segment, f, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
