package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := f.mustCreate(t, "bien.tap", RoleEditor)

	sess, token, err := f.StartSession(ctx, acc.ID, "Mozilla/5.0")
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 || sess.CSRF == "" || sess.CSRF == token || sess.Account.Username != "bien.tap" {
		t.Fatalf("StartSession = %+v, token of %d characters", sess, len(token))
	}
	// Only the token's SHA-256 is stored.
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	want := sha256.Sum256(raw)
	var stored []byte
	if err := f.pool.QueryRow(ctx, `SELECT token_hash FROM sessions WHERE id = $1`, sess.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if string(stored) != string(want[:]) {
		t.Error("stored token_hash is not the token's SHA-256")
	}

	// Used every 1h50, the session slides, up to 12 hours after it began.
	for range 6 {
		f.clock.Advance(110 * time.Minute)
		got, err := f.SessionByToken(ctx, token)
		if err != nil {
			t.Fatalf("at %v: %v", f.clock.Now(), err)
		}
		if got.ID != sess.ID || got.CSRF != sess.CSRF || !got.Account.Has(RoleEditor) {
			t.Fatalf("SessionByToken = %+v", got)
		}
		if limit := sess.ExpiresAt.Add(-SessionIdle).Add(SessionAbsolute); got.ExpiresAt.After(limit) {
			t.Fatalf("expires at %v, after the absolute limit %v", got.ExpiresAt, limit)
		}
	}
	// 11h00 in; the next use at 12h50 is past the absolute limit.
	f.clock.Advance(110 * time.Minute)
	if _, err := f.SessionByToken(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("after 12h50: %v, want ErrNotFound", err)
	}

	// Idle for 2 hours: gone.
	_, token2, _ := f.StartSession(ctx, acc.ID, "")
	f.clock.Advance(SessionIdle)
	if _, err := f.SessionByToken(ctx, token2); !errors.Is(err, ErrNotFound) {
		t.Errorf("after 2h idle: %v, want ErrNotFound", err)
	}

	// Role changes apply to running sessions.
	_, token3, _ := f.StartSession(ctx, acc.ID, "") // also prunes the two expired ones
	var n int
	f.pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n)
	if n != 1 {
		t.Errorf("%d sessions stored, want the expired ones pruned", n)
	}
	if err := f.SetRoles(ctx, "quan.tri", acc.ID, []Role{RoleApprover}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.SessionByToken(ctx, token3); got.Account.Has(RoleEditor) || !got.Account.Has(RoleApprover) {
		t.Errorf("session roles = %v after SetRoles, want approver", got.Account.Roles)
	}

	if err := f.EndSession(ctx, token3); err != nil {
		t.Fatal(err)
	}
	if _, err := f.SessionByToken(ctx, token3); !errors.Is(err, ErrNotFound) {
		t.Errorf("after EndSession: %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"", "x", token3 + "A", "!!!!"} {
		if _, err := f.SessionByToken(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("SessionByToken(%q) = %v, want ErrNotFound", bad, err)
		}
		if err := f.EndSession(ctx, bad); err != nil {
			t.Errorf("EndSession(%q) = %v", bad, err)
		}
	}
	if _, _, err := f.StartSession(ctx, acc.ID+100, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("StartSession(unknown) = %v, want ErrNotFound", err)
	}
}
