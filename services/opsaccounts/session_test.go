package opsaccounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.create(t, "ngo.h", Operator)

	console, ctok, err := f.StartSession(ctx, a, Console)
	if err != nil {
		t.Fatal(err)
	}
	token, btok, err := f.StartSession(ctx, a, Token)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ctok, TokenPrefix) || !IsOpsToken(btok) || ctok == btok {
		t.Fatalf("tokens %q, %q", ctok, btok)
	}
	if console.CSRF == "" || token.CSRF != "" {
		t.Errorf("CSRF: console %q, token %q; want one for the console only", console.CSRF, token.CSRF)
	}
	var stored int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM ops_sessions WHERE token_hash = convert_to($1, 'UTF8') OR csrf_token = $1`, btok).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("the token is stored as is (%d rows, %v)", stored, err)
	}

	// Each token opens its own kind only.
	if _, err := f.SessionByToken(ctx, ctok, Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("console token as a bearer token: %v, want ErrNotFound", err)
	}
	if _, err := f.SessionByToken(ctx, btok, Console); !errors.Is(err, ErrNotFound) {
		t.Errorf("bearer token as a console session: %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"", "phops_", "phops_!!", TokenPrefix + strings.Repeat("A", 43), ctok[len(TokenPrefix):]} {
		if _, err := f.SessionByToken(ctx, bad, Console); !errors.Is(err, ErrNotFound) {
			t.Errorf("token %q: %v, want ErrNotFound", bad, err)
		}
	}
	got, err := f.SessionByToken(ctx, ctok, Console)
	if err != nil || got.Account.Login != "ngo.h" || got.Account.Role != Operator || !got.CheckCSRF(console.CSRF) || got.CheckCSRF("x") {
		t.Fatalf("console session: %+v, %v", got, err)
	}

	// The console's expiry slides with use; the bearer token's does not.
	for range 3 {
		f.advance(ConsoleIdle - time.Minute)
		if _, err := f.SessionByToken(ctx, ctok, Console); err != nil {
			t.Fatalf("console session used within its idle time: %v", err)
		}
	}
	if _, err := f.SessionByToken(ctx, btok, Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("bearer token after %v: %v, want ErrNotFound (expired)", 3*(ConsoleIdle-time.Minute), err)
	}
	f.advance(ConsoleIdle)
	if _, err := f.SessionByToken(ctx, ctok, Console); !errors.Is(err, ErrNotFound) {
		t.Errorf("console session idle for %v: %v, want ErrNotFound", ConsoleIdle, err)
	}

	// Revoke (logout) ends a session at once, and is recorded.
	_, tok2, err := f.StartSession(ctx, a, Token)
	if err != nil {
		t.Fatal(err)
	}
	live, err := f.Sessions(ctx, a.ID)
	if err != nil || len(live) != 1 || live[0].Kind != Token {
		t.Errorf("live sessions %+v, %v; want the new token", live, err)
	}
	if err := f.Revoke(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	if _, err := f.SessionByToken(ctx, tok2, Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token: %v, want ErrNotFound", err)
	}
	if err := f.Revoke(ctx, tok2); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking twice: %v, want ErrNotFound", err)
	}
	if n := f.audits(t, "ops.logout", "ngo.h"); n != 1 {
		t.Errorf("ops.logout entries = %d, want 1", n)
	}
}

func TestConsoleSessionAbsoluteLimit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.create(t, "ly.k", Viewer)
	_, tok, err := f.StartSession(ctx, a, Console)
	if err != nil {
		t.Fatal(err)
	}
	used := time.Duration(0)
	for used+ConsoleIdle/2 < ConsoleAbsolute {
		f.advance(ConsoleIdle / 2)
		used += ConsoleIdle / 2
		if _, err := f.SessionByToken(ctx, tok, Console); err != nil {
			t.Fatalf("after %v of use: %v", used, err)
		}
	}
	f.advance(ConsoleAbsolute - used)
	if _, err := f.SessionByToken(ctx, tok, Console); !errors.Is(err, ErrNotFound) {
		t.Errorf("after %v: %v, want ErrNotFound", ConsoleAbsolute, err)
	}
}
