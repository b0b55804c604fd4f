package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/pgcluster"
)

// manifestFile names what a base backup says of itself, beside its data.
const manifestFile = "manifest.json"

// backupManifest is what hubctl backup base records with a base backup:
// when, the audit chain's head (which the restored log must extend, audit
// verify --head), and a digest of the content, taken just before the copy.
type backupManifest struct {
	TakenAt   time.Time     `json:"taken_at"`
	AuditHead string        `json:"audit_head"` // SEQ:HASH, as hubctl audit head prints it
	Content   contentDigest `json:"content"`
}

// contentDigest sums the hub's content: the items with their versions and
// hashes, in one value a restore is compared against.
type contentDigest struct {
	Tenants  int    `json:"tenants"`
	Items    int    `json:"items"`
	Versions int    `json:"versions"`
	Digest   string `json:"digest"`
}

func digestContent(ctx context.Context, st *hubstore.Store) (contentDigest, error) {
	var d contentDigest
	err := st.Pool().QueryRow(ctx, `
		SELECT (SELECT count(*) FROM tenants), count(*), coalesce(sum(version), 0),
		       md5(coalesce(string_agg(tenant_id || '/' || content_id || '@' || version || '#' || encode(content_hash, 'hex') ||
		           '|' || state || '|' || coalesce(taken_down_at::text, ''), ',' ORDER BY tenant_id, content_id), ''))
		FROM items`).Scan(&d.Tenants, &d.Items, &d.Versions, &d.Digest)
	if err != nil {
		return contentDigest{}, fmt.Errorf("digest the content: %w", err)
	}
	return d, nil
}

// baseBackup runs "hubctl backup base --to DIR": a base backup of the
// server DATABASE_URL is on (pg_basebackup, the whole cluster), into
// DIR/data, with DIR/manifest.json.
func baseBackup(fs *flag.FlagSet) action {
	to := fs.String("to", "", "a new folder for the backup (its data/ and manifest.json)")
	return func(ctx context.Context, s *session) error {
		if _, err := os.Stat(*to); err == nil {
			return usageError{fmt.Errorf("%s tồn tại rồi; hãy đặt tên thư mục mới / exists already; name a new folder", *to)}
		}
		// The head and the digest before the copy: the backup holds at
		// least them, and its chain extends the head.
		head, err := s.store.AuditHead(ctx)
		if err != nil {
			return err
		}
		digest, err := digestContent(ctx, s.store)
		if err != nil {
			return err
		}
		m := backupManifest{TakenAt: time.Now().UTC(), AuditHead: head.String(), Content: digest}
		fmt.Fprintf(s.stderr, "sao lưu / backing up (pg_basebackup) into %s ...\n", *to)
		if err := pgcluster.BaseBackup(ctx, s.url, filepath.Join(*to, "data")); err != nil {
			return err
		}
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*to, manifestFile), append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã sao lưu / backed up: %s (audit head %s, %d items); keep the head off the database host too\n",
			*to, head, digest.Items)
		return nil
	}
}

// restoreBackup runs "hubctl backup restore": a new PostgreSQL cluster in
// --into from the base backup in --from and the WAL archive, up to
// --to-time, then checks what it restored and prints the recovery order.
func restoreBackup(fs *flag.FlagSet) action {
	from := fs.String("from", "", "the folder hubctl backup base wrote")
	archive := fs.String("archive", "", "the WAL archive the backed-up server wrote (archive_command); empty: the base backup alone")
	into := fs.String("into", "", "a new folder for the restored cluster")
	at := fs.String("to-time", "", "recover to this time (RFC 3339, e.g. 2026-11-30T14:05:00+07:00); empty: the end of the archive")
	port := fs.Int("port", 0, "the restored server's port on 127.0.0.1 (0 picks one)")
	database := fs.String("database", "portalhub", "the hub's database in the restored cluster")
	return func(ctx context.Context, s *session) error {
		var m backupManifest
		b, err := os.ReadFile(filepath.Join(*from, manifestFile))
		if err != nil {
			return usageError{fmt.Errorf("%s không phải bản sao lưu của hubctl / is not a hubctl backup: %w", *from, err)}
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: %w", manifestFile, err)
		}
		var target time.Time
		if *at != "" {
			if target, err = time.Parse(time.RFC3339, *at); err != nil {
				return usageError{fmt.Errorf("--to-time %q: cần dạng RFC 3339 / want RFC 3339, e.g. 2026-11-30T14:05:00+07:00", *at)}
			}
			if target.Before(m.TakenAt) {
				return usageError{fmt.Errorf("--to-time %s is before the backup was taken (%s): restore from an older backup",
					target.Format(time.RFC3339), m.TakenAt.Format(time.RFC3339))}
			}
		}
		fmt.Fprintf(s.stderr, "khôi phục / restoring %s into %s ...\n", *from, *into)
		c, err := pgcluster.Restore(ctx, pgcluster.RestoreConfig{Config: pgcluster.Config{Dir: *into, Port: *port},
			Base: filepath.Join(*from, "data"), Archive: *archive, Target: target})
		if err != nil {
			return err
		}
		url := c.URL(*database)
		st, err := hubstore.Open(ctx, url)
		if err != nil {
			return err
		}
		defer st.Close()
		head, err := hubstore.ParseAuditHead(m.AuditHead)
		if err != nil {
			return fmt.Errorf("%s: audit_head: %w", manifestFile, err)
		}
		v, err := st.VerifyAudit(ctx, &head)
		if err != nil {
			return err
		}
		if !v.Intact() {
			return fmt.Errorf("%w: the restored audit log does not extend the backup's head %s: entry %d is %s",
				errAuditBroken, m.AuditHead, v.Broken.Seq, v.Broken.Problem)
		}
		digest, err := digestContent(ctx, st)
		if err != nil {
			return err
		}
		if target.IsZero() && *archive == "" && digest != m.Content {
			return fmt.Errorf("the restored content %+v differs from the backup's %+v", digest, m.Content)
		}
		fmt.Fprintf(s.stdout, `Đã khôi phục / restored: %s
  audit log intact, extends the backup's head %s (now %s)
  %d tenants, %d items (backup: %d items)
  máy chủ đã khôi phục đang chạy / the restored server is running: data %s, log %s;
  it keeps running after hubctl: stop it with pg_ctl stop -D %s (as the owner of that folder),
  then start that data directory under the host's service manager. It does not archive its WAL
  (not into the archive it came from: a later restore from it would fail): before it serves, set its
  archive_command to a new archive folder and take a new base backup (hubctl backup base)

Recovery order (docs/OPERATIONS.md, "Backups and restore"):
  1. point the aggregator's DATABASE_URL here and start it (hubctl migrate first if the code is newer);
  2. restart every gateway: their page caches and version floors are ahead of a restored hub;
  3. restart every sub-portal: each relay asks the hub what it holds and pushes again what it lacks;
  4. hubctl personal-data reshred --log SHRED_LOG: destroy again the personal data deleted since the restore point.
`, url, m.AuditHead, v.Head, digest.Tenants, digest.Items, m.Content.Items,
			c.DataDir(), filepath.Join(c.Dir(), "postgres.log"), c.DataDir())
		return nil
	}
}
