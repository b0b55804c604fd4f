package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

func TestAPITokenLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	author := f.mustCreate(t, "tac.gia", RoleAuthor)

	tok, secret, err := f.IssueAPIToken(ctx, "admin", author.ID, "  phần mềm văn bản ", 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) < len(APITokenPrefix)+43 {
		t.Errorf("token %q: want %s and 256 random bits", secret, APITokenPrefix)
	}
	if tok.Name != "phần mềm văn bản" || !tok.ExpiresAt.Equal(f.clock.Now().Add(30*24*time.Hour)) {
		t.Errorf("issued %+v", tok)
	}

	acc, used, err := f.APITokenAccount(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if acc.ID != author.ID || !acc.Has(RoleAuthor) || acc.Has(RoleApprover) {
		t.Errorf("token acts as %+v, want the author with their roles", acc)
	}
	if used.LastUsedAt == nil || !used.LastUsedAt.Equal(f.clock.Now()) {
		t.Errorf("last use not recorded: %+v", used)
	}

	// Roles are read at each call: a role granted later applies at once.
	if err := f.SetRoles(ctx, "admin", author.ID, []Role{RoleAuthor, RoleApprover}); err != nil {
		t.Fatal(err)
	}
	if acc, _, _ = f.APITokenAccount(ctx, secret); !acc.Has(RoleApprover) {
		t.Errorf("roles after SetRoles = %v", acc.Roles)
	}

	for name, bad := range map[string]string{
		"empty":        "",
		"no prefix":    strings.TrimPrefix(secret, APITokenPrefix),
		"other prefix": "Bearer " + secret,
		"truncated":    secret[:len(secret)-1],
		// A middle character: the last one also carries padding bits that
		// decoding ignores, so changing only those would be the same token.
		"altered": secret[:len(secret)/2] + flip(secret[len(secret)/2]) + secret[len(secret)/2+1:],
	} {
		if _, _, err := f.APITokenAccount(ctx, bad); !errors.Is(err, ErrAPIToken) {
			t.Errorf("%s token: err = %v, want ErrAPIToken", name, err)
		}
	}

	// A disabled account's tokens stop working, and work again when it is
	// enabled.
	if err := f.SetDisabled(ctx, "admin", author.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.APITokenAccount(ctx, secret); !errors.Is(err, ErrAPIToken) {
		t.Errorf("disabled account: err = %v", err)
	}
	if err := f.SetDisabled(ctx, "admin", author.ID, false); err != nil {
		t.Fatal(err)
	}

	// Expiry.
	f.clock.Advance(30*24*time.Hour + time.Second)
	if _, _, err := f.APITokenAccount(ctx, secret); !errors.Is(err, ErrAPIToken) {
		t.Errorf("expired token: err = %v", err)
	}

	// Revocation is immediate, only by the owner's id, and audited.
	_, second, err := f.IssueAPIToken(ctx, "tac.gia", author.ID, "thứ hai", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other := f.mustCreate(t, "nguoi.khac", RoleEditor)
	list, err := f.APITokens(ctx, author.ID)
	if err != nil || len(list) != 2 || list[0].Name != "thứ hai" {
		t.Fatalf("APITokens = %+v, %v", list, err)
	}
	if err := f.RevokeAPIToken(ctx, "nguoi.khac", other.ID, list[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking another account's token: %v, want ErrNotFound", err)
	}
	if err := f.RevokeAPIToken(ctx, "tac.gia", author.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.APITokenAccount(ctx, second); !errors.Is(err, ErrAPIToken) {
		t.Errorf("revoked token: err = %v", err)
	}
	var n int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('api_token_issued', 'api_token_revoked')
		AND subject = 'account:tac.gia' AND detail::text NOT LIKE '%spapi_%'`).Scan(&n); err != nil || n != 3 {
		t.Errorf("audit entries = %d (%v), want 2 issued + 1 revoked, none holding a token", n, err)
	}
}

func TestIssueAPITokenRefusals(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := f.mustCreate(t, "bien.tap", RoleEditor)
	for name, tc := range map[string]struct {
		name string
		ttl  time.Duration
	}{
		"no name":        {"  ", 24 * time.Hour},
		"long name":      {strings.Repeat("a", 101), 24 * time.Hour},
		"too short":      {"x", time.Minute},
		"too long-lived": {"x", MaxAPITokenTTL + time.Hour},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.IssueAPIToken(ctx, "admin", acc.ID, tc.name, tc.ttl)
			kindOf(t, err, errs.InvalidArgument)
		})
	}
	if _, _, err := f.IssueAPIToken(ctx, "admin", acc.ID+1000, "x", time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
	if err := f.SetDisabled(ctx, "admin", acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.IssueAPIToken(ctx, "admin", acc.ID, "x", time.Hour); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled account: %v", err)
	}
}

// flip returns a different base64url character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
