package main

import (
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/opsaccounts"
)

// TestTokenRefresh: a command run in the token's last quarter hour renews
// it (the login file gets the new token, the old one ends); one run earlier
// leaves it; a token the API will not renew is used as it is, with a note.
func TestTokenRefresh(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"xem": opsaccounts.Viewer})
	h.login(t, "xem")
	path := h.env["HUBCTL_TOKEN_FILE"]
	first, err := readLoginFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, e := h.ctl("", "whoami"); code != 0 {
		t.Fatalf("whoami: %d %s", code, e)
	}
	if lf, _ := readLoginFile(path); lf.Token != first.Token {
		t.Error("a token with most of its hour left was renewed")
	}

	// Seen from hubctl, the token ends in 5 minutes.
	first.ExpiresAt = time.Now().Add(5 * time.Minute)
	if err := writeLoginFile(path, first); err != nil {
		t.Fatal(err)
	}
	if code, _, e := h.ctl("", "whoami"); code != 0 {
		t.Fatalf("whoami near the end: %d %s", code, e)
	}
	renewed, err := readLoginFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.Token == first.Token || time.Until(renewed.ExpiresAt) < 50*time.Minute || renewed.Login != "xem" || renewed.Addr != first.Addr {
		t.Fatalf("login file after the renewal: %+v", renewed)
	}
	h.env["HUBCTL_TOKEN"] = first.Token
	if code, _, e := h.ctl("", "whoami"); code != 4 {
		t.Errorf("the replaced token: %d %q, want exit status 4", code, e)
	}
	delete(h.env, "HUBCTL_TOKEN")

	// The server will not renew this one (it is revoked): the note says to
	// log in, and the command fails as logged out.
	renewed.ExpiresAt = time.Now().Add(time.Minute)
	if err := writeLoginFile(path, renewed); err != nil {
		t.Fatal(err)
	}
	h.env["HUBCTL_TOKEN"] = renewed.Token
	if code, _, _ := h.ctl("", "logout"); code != 0 {
		t.Fatal("logout")
	}
	delete(h.env, "HUBCTL_TOKEN")
	if err := writeLoginFile(path, renewed); err != nil {
		t.Fatal(err)
	}
	code, _, e := h.ctl("", "whoami")
	if code != 4 || !strings.Contains(e, "hubctl login") || !strings.Contains(e, "not renewed") {
		t.Errorf("a token that cannot be renewed: %d %q", code, e)
	}
}
