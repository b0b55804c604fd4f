package hubstore

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRotateCredential: during the overlap both tokens open the hub; after
// it only the new one; an overlap of 0 ends the old one at once; a rotated
// credential cannot be rotated again; the last use is recorded.
func TestRotateCredential(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id, oldToken, err := s.IssueCredential(ctx, "alice", "tenant-a", "relay")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Credential(ctx, id); c.LastUsed != nil {
		t.Errorf("a new credential has a last use %v", c.LastUsed)
	}
	if _, _, err := s.Authenticate(ctx, oldToken); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Credential(ctx, id); c.LastUsed == nil {
		t.Error("authentication left no last use")
	}

	nu, newToken, old, err := s.RotateCredential(ctx, "alice", id, DefaultOverlap, "")
	if err != nil {
		t.Fatal(err)
	}
	if nu.Tenant != "tenant-a" || nu.Label != "relay" || newToken == oldToken || old.ReplacedBy != nu.ID || old.Expires == nil {
		t.Fatalf("rotation: new %+v, old %+v", nu, old)
	}
	if d := old.Expires.Sub(nu.Created); d < DefaultOverlap-time.Minute || d > DefaultOverlap+time.Minute {
		t.Errorf("old credential ends %v after the new one began, want about %v", d, DefaultOverlap)
	}
	for name, tok := range map[string]string{"old": oldToken, "new": newToken} {
		if tenant, _, err := s.Authenticate(ctx, tok); err != nil || tenant != "tenant-a" {
			t.Errorf("%s token during the overlap: %q, %v", name, tenant, err)
		}
	}
	if _, _, _, err := s.RotateCredential(ctx, "alice", id, DefaultOverlap, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("rotating a rotated credential: %v, want ErrNotFound", err)
	}
	// The overlap ends (as if a day passed).
	if _, err := s.pool.Exec(ctx, `UPDATE credentials SET expires_at = now() - interval '1 second' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, oldToken); !errors.Is(err, ErrNotFound) {
		t.Errorf("old token after the overlap: %v, want ErrNotFound", err)
	}
	if _, _, err := s.Authenticate(ctx, newToken); err != nil {
		t.Errorf("new token after the overlap: %v", err)
	}

	// Overlap 0: the old one ends at once.
	nu2, tok2, _, err := s.RotateCredential(ctx, "alice", nu.ID, 0, "2027")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, newToken); !errors.Is(err, ErrNotFound) {
		t.Errorf("token rotated with no overlap: %v, want ErrNotFound", err)
	}
	if tenant, _, err := s.Authenticate(ctx, tok2); err != nil || tenant != "tenant-a" || nu2.Label != "2027" {
		t.Errorf("successor: %q %v, label %q", tenant, err, nu2.Label)
	}
	for _, bad := range []time.Duration{-time.Second, MaxOverlap + time.Second} {
		if _, _, _, err := s.RotateCredential(ctx, "alice", nu2.ID, bad, ""); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("overlap %v: %v, want ErrInvalidArgument", bad, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'credential.rotate' AND tenant_id = 'tenant-a'`); n != 2 {
		t.Errorf("credential.rotate entries = %d, want 2", n)
	}
}
