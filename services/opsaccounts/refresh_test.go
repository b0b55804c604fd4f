package opsaccounts

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRefresh: a bearer token is exchanged for one ending an hour later,
// the old one ending at once; the chain keeps its login's start and stops
// TokenAbsolute after it; revoked tokens, console sessions and disabled
// accounts are not renewed.
func TestRefresh(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.create(t, "le.t", Operator)
	first, tok, err := f.StartSession(ctx, a, Token)
	if err != nil {
		t.Fatal(err)
	}
	login := first.CreatedAt

	f.advance(50 * time.Minute)
	sess, next, err := f.Refresh(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if next == tok || !IsOpsToken(next) || !sess.ExpiresAt.Equal(login.Add(50*time.Minute+TokenLifetime)) || !sess.CreatedAt.Equal(login) {
		t.Errorf("refreshed %+v (token changed: %v)", sess, next != tok)
	}
	if _, err := f.SessionByToken(ctx, tok, Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("the old token after a refresh: %v, want ErrNotFound", err)
	}
	if got, err := f.SessionByToken(ctx, next, Token); err != nil || got.Account.Login != "le.t" {
		t.Errorf("the new token: %+v %v", got, err)
	}
	if _, _, err := f.Refresh(ctx, tok); !errors.Is(err, ErrNotFound) {
		t.Errorf("refreshing the old token again: %v, want ErrNotFound", err)
	}
	if n := f.audits(t, "ops.token_refresh", "le.t"); n != 1 {
		t.Errorf("%d refreshes in the audit log, want 1", n)
	}

	// Refreshed every 55 minutes, the chain ends TokenAbsolute after the login.
	limit := login.Add(TokenAbsolute)
	for i := 0; ; i++ {
		if i > 20 {
			t.Fatal("the chain of refreshes never reaches its limit")
		}
		f.advance(55 * time.Minute)
		s, tk, err := f.Refresh(ctx, next)
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		next = tk
		if s.ExpiresAt.After(limit) {
			t.Fatalf("a token ends %v, after the chain's limit %v", s.ExpiresAt, limit)
		}
		if s.ExpiresAt.Equal(limit) {
			break
		}
	}
	f.advance(time.Minute)
	if _, _, err := f.Refresh(ctx, next); !errors.Is(err, ErrRefreshLimit) {
		t.Errorf("refreshing the chain's last token: %v, want ErrRefreshLimit", err)
	}
	if _, err := f.SessionByToken(ctx, next, Token); err != nil {
		t.Errorf("a refusal to refresh ended the token: %v", err)
	}

	// Console sessions, revoked tokens and disabled accounts.
	_, console, err := f.StartSession(ctx, a, Console)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Refresh(ctx, console); !errors.Is(err, ErrNotFound) {
		t.Errorf("a console session refreshed as a token: %v", err)
	}
	_, other, err := f.StartSession(ctx, a, Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Revoke(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Refresh(ctx, other); !errors.Is(err, ErrNotFound) {
		t.Errorf("a revoked token refreshed: %v", err)
	}
	_, live, err := f.StartSession(ctx, a, Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetDisabled(ctx, a.ID, true, "ops:admin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Refresh(ctx, live); !errors.Is(err, ErrNotFound) {
		t.Errorf("a disabled account's token refreshed: %v", err)
	}
}
