package personaldata

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A deletion survives a restore of the database to a point before it: the
// shred log, kept outside the database, names what Destroy and Shred
// destroyed, and Reshred destroys it again (issue 12 point 3).
func TestShredLogSurvivesARestore(t *testing.T) {
	ctx := context.Background()
	keys, _ := keyring(t, "k1")
	s := NewStore(hubPool(t), keys)
	logPath := filepath.Join(t.TempDir(), "shred.log")
	log, err := OpenShredLog(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	s.SetShredLog(log)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }

	phones := map[string][]byte{}
	for _, id := range []string{"asked", "expired", "kept"} {
		deleteAfter := farFuture
		if id == "expired" {
			deleteAfter = now.Add(-time.Hour)
		}
		k, err := s.Create(ctx, id, deleteAfter)
		if err != nil {
			t.Fatal(err)
		}
		if phones[id], err = k.Seal(FieldPhone, []byte("0905 "+id)); err != nil {
			t.Fatal(err)
		}
	}
	// The backup: the key table as a base backup would hold it.
	if _, err := s.pool.Exec(ctx, `CREATE TABLE backup_keys AS SELECT * FROM personal_data_keys`); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Destroy(ctx, "asked"); err != nil { // a visitor's request
		t.Fatal(err)
	}
	if n, err := s.Shred(ctx, now); err != nil || n != 1 { // retention
		t.Fatalf("shred: %d, %v", n, err)
	}
	b, _ := os.ReadFile(logPath)
	if got := string(b); got != "2026-11-30T09:00:00Z asked\n2026-11-30T09:00:00Z expired\n" {
		t.Errorf("shred log %q", got)
	}

	// The restore brings the destroyed keys back ...
	if _, err := s.pool.Exec(ctx, `DELETE FROM personal_data_keys; INSERT INTO personal_data_keys SELECT * FROM backup_keys`); err != nil {
		t.Fatal(err)
	}
	if k, err := s.Get(ctx, "asked"); err != nil {
		t.Fatalf("the restored key: %v", err)
	} else if got, err := k.Open(FieldPhone, phones["asked"]); err != nil || string(got) != "0905 asked" {
		t.Fatalf("the restored key opens %q, %v (the gap reshred closes)", got, err)
	}
	// ... and the log destroys them again, also with a line cut short by a
	// crash at its end.
	f, _ := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("2026-11-30T09:0")
	f.Close()
	ids, err := ReadShredLog(logPath)
	if err != nil || !slices.Equal(ids, []string{"asked", "expired"}) {
		t.Fatalf("ReadShredLog = %v, %v", ids, err)
	}
	if n, err := s.Reshred(ctx, ids, now); err != nil || n != 2 {
		t.Fatalf("reshred: %d, %v, want 2", n, err)
	}
	for _, id := range []string{"asked", "expired"} {
		if _, err := s.Get(ctx, id); !errors.Is(err, ErrShredded) {
			t.Errorf("%s after reshred: %v, want ErrShredded", id, err)
		}
	}
	if k, err := s.Get(ctx, "kept"); err != nil {
		t.Errorf("kept after reshred: %v", err)
	} else if got, err := k.Open(FieldPhone, phones["kept"]); err != nil || string(got) != "0905 kept" {
		t.Errorf("kept opens %q, %v", got, err)
	}

	// A malformed line that is not the last is an error, not skipped.
	bad := filepath.Join(t.TempDir(), "bad.log")
	os.WriteFile(bad, []byte("garbage\n2026-11-30T09:00:00Z x\n"), 0o600)
	if _, err := ReadShredLog(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("malformed log: %v", err)
	}
}
