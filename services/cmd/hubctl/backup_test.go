package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/pgcluster"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestBackupAndRestoreToAPointInTime is issue 12 point 3: a base backup of
// the hub, more pushes, a moment, more pushes again; hubctl backup restore
// to that moment brings back exactly the content of then (counts and
// hashes), with an audit chain that extends the backup's head.
func TestBackupAndRestoreToAPointInTime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// Everything the server touches must be reachable by the postgres
	// user, which a t.TempDir is not under root.
	root := t.TempDir()
	if os.Geteuid() == 0 {
		var err error
		if root, err = os.MkdirTemp("/var/tmp", "portalhub-hubctl-backup-"); err != nil {
			t.Fatal(err)
		}
		os.Chmod(root, 0o755)
		t.Cleanup(func() { os.RemoveAll(root) })
	}
	archive := filepath.Join(root, "wal")
	c, err := pgcluster.Start(ctx, pgcluster.Config{Dir: filepath.Join(root, "hub"), Archive: archive})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pgcluster.Remove(c.Dir()) })
	url, err := federation.EnsureDatabase(ctx, c.URL("postgres"), "portalhub")
	if err != nil {
		t.Fatal(err)
	}
	if err := hubschema.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	st, err := hubstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddTenant(ctx, "operator", hubstore.Tenant{ID: "so-gd", Kind: "department", NameVI: "Sở Giáo dục"}); err != nil {
		t.Fatal(err)
	}
	push := func(id string, version uint64, title string) {
		t.Helper()
		p, err := contentrules.Prepare(&pb.ContentItem{ContentId: id, Version: version, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE,
			Category: "news", State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
			PublishedAt: timestamppb.New(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)),
			Authors:     []*pb.Person{{Name: "Lê Thị Hoa"}}, Approver: &pb.Person{Name: "Nguyễn Văn An"},
			Translations: []*pb.Translation{{Locale: "vi", Title: title, Slug: id, BodyHtml: "<p>" + title + "</p>"}},
		}, st.Categories())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Apply(ctx, "so-gd", p); err != nil {
			t.Fatal(err)
		}
	}
	env := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return url
		case "USER":
			return "operator"
		}
		return ""
	}
	ctl := func(getenv func(string) string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, args, getenv, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	push("tin-1", 1, "Tin một")
	push("tin-2", 1, "Tin hai")
	backup := filepath.Join(root, "backup-1")
	if code, out, e := ctl(env, "backup", "base", "--to", backup); code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup base: %d %s %s", code, out, e)
	}
	var m backupManifest
	if b, err := os.ReadFile(filepath.Join(backup, manifestFile)); err != nil || json.Unmarshal(b, &m) != nil || m.Content.Items != 2 || m.AuditHead == "" {
		t.Fatalf("manifest: %s %v", b, err)
	}
	if code, _, e := ctl(env, "backup", "base", "--to", backup); code != 2 || !strings.Contains(e, "exists already") {
		t.Errorf("a backup over another: %d %s", code, e)
	}

	push("tin-3", 1, "Tin ba")
	push("tin-1", 2, "Tin một, sửa")
	then, err := digestContent(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	target := time.Now()
	time.Sleep(50 * time.Millisecond)
	push("tin-2", 2, "Tin hai, sửa sau thời điểm khôi phục")
	push("tin-4", 1, "Tin bốn")
	if err := pgcluster.SwitchWAL(ctx, url); err != nil {
		t.Fatal(err)
	}

	noDB := func(k string) string { // a disaster: the old server is gone
		if k == "USER" {
			return "operator"
		}
		return ""
	}
	restored := filepath.Join(root, "restored")
	code, out, e := ctl(noDB, "backup", "restore", "--from", backup, "--archive", archive,
		"--to-time", target.Format(time.RFC3339Nano), "--into", restored)
	if code != 0 || !strings.Contains(out, "audit log intact") || !strings.Contains(out, "Recovery order") {
		t.Fatalf("backup restore: %d %s %s", code, out, e)
	}
	t.Cleanup(func() { pgcluster.Remove(filepath.Join(restored)) })
	// The server is left running: the output says where it is and how to
	// stop it (it may be under /var/tmp when postgres cannot reach --into).
	if !strings.Contains(out, "the restored server is running") || !strings.Contains(out, "pg_ctl stop -D ") ||
		!strings.Contains(out, "postgres.log") || !strings.Contains(out, "new archive folder") {
		t.Errorf("backup restore: %s; want the running server's data directory, log and how to stop it", out)
	}
	restoredURL := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "Đã khôi phục / restored:"))
	rs, err := hubstore.Open(ctx, restoredURL)
	if err != nil {
		t.Fatalf("open the restored hub at %q: %v", restoredURL, err)
	}
	defer rs.Close()
	got, err := digestContent(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	if got != then {
		t.Errorf("restored content %+v, want the content at the target %+v", got, then)
	}
	if v, err := rs.VerifyAudit(ctx, nil); err != nil || !v.Intact() {
		t.Errorf("restored audit chain: %+v %v", v, err)
	}

	// A target before the backup cannot be reached from it.
	code, _, e = ctl(noDB, "backup", "restore", "--from", backup, "--archive", archive,
		"--to-time", m.TakenAt.Add(-time.Hour).Format(time.RFC3339), "--into", filepath.Join(root, "too-early"))
	if code != 2 || !strings.Contains(e, "before the backup was taken") {
		t.Errorf("restore to before the backup: %d %s", code, e)
	}
}
