package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/rs/zerolog"
)

// TestPersonalTokensKeepTheWorkflow is issue 10 point 6: the API acts as
// the account of its token, with that account's roles, so an author's
// token cannot approve, and nobody can name an approver by typing it.
func TestPersonalTokensKeepTheWorkflow(t *testing.T) {
	srv, s := newServer(t)
	ctx := context.Background()
	as := func(tok, method, path, body string) (*http.Response, []byte) {
		t.Helper()
		return do(t, srv, method, path, "Bearer "+tok, "application/json", strings.NewReader(body))
	}
	count := func(table string) int {
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Who am I.
	resp, body := as(authorToken, "GET", "/api/me", "")
	var me struct {
		Username   string
		Roles      []string
		MayApprove bool `json:"may_approve"`
	}
	if err := json.Unmarshal(body, &me); err != nil || resp.StatusCode != 200 || me.Username != "tacgia" || me.MayApprove ||
		len(me.Roles) != 1 || me.Roles[0] != "author" {
		t.Fatalf("/api/me as the author: %d %s", resp.StatusCode, body)
	}

	// An author's item is submitted, not approved: nothing reaches the
	// outbox.
	resp, body = as(authorToken, "POST", "/api/items", article)
	var sub struct {
		State     string
		Revision  int64
		Version   uint64
		MessageVI string `json:"message_vi"`
	}
	if err := json.Unmarshal(body, &sub); err != nil || resp.StatusCode != http.StatusAccepted || sub.State != "submitted" ||
		sub.Revision == 0 || sub.Version != 0 || !strings.Contains(sub.MessageVI, "gửi duyệt") {
		t.Fatalf("author's POST /api/items: %d %s, want 202 submitted", resp.StatusCode, body)
	}
	if n := count("outbox"); n != 0 {
		t.Errorf("%d outbox rows after an author's submission, want 0", n)
	}

	// What approval would refuse is refused at once, with the hub's reason,
	// and stores no revision.
	revisions := count("revisions")
	bad := strings.NewReplacer(`"contentId": "le-hoi-bien"`, `"contentId": "le-hoi-khac"`, `"category": "news"`, `"category": "khong-co"`).Replace(article)
	resp, body = as(authorToken, "POST", "/api/items", bad)
	if p := decodeProblem(t, resp, body); resp.StatusCode != 400 || p.Reason != "UNKNOWN_CATEGORY" {
		t.Errorf("author's item in an unknown category: %d %s, want 400 UNKNOWN_CATEGORY", resp.StatusCode, body)
	}
	if n := count("revisions"); n != revisions {
		t.Errorf("a refused item stored %d revisions", n-revisions)
	}

	// The author cannot approve their revision, nor take an item down.
	rev := fmt.Sprintf("/api/revisions/%d", sub.Revision)
	resp, body = as(authorToken, "POST", rev+"/approve", "")
	if p := decodeProblem(t, resp, body); resp.StatusCode != http.StatusForbidden || !strings.Contains(p.Detail, "người duyệt") {
		t.Errorf("author approving: %d %s, want 403", resp.StatusCode, body)
	}
	// An administrator manages accounts, not content.
	resp, body = as(adminToken, "POST", "/api/items", article)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("administrator's POST /api/items: %d %s, want 403", resp.StatusCode, body)
	}

	// An approver approves the author's revision: version 1, approved by
	// the approver's account.
	resp, body = as(token, "POST", rev+"/approve", "")
	var approved struct {
		State   string
		Version uint64
	}
	if err := json.Unmarshal(body, &approved); err != nil || resp.StatusCode != http.StatusCreated || approved.State != "approved" || approved.Version != 1 {
		t.Fatalf("approver approving: %d %s", resp.StatusCode, body)
	}
	resp, body = as(authorToken, "GET", rev, "")
	var seen struct{ State, Author, Approver string }
	if err := json.Unmarshal(body, &seen); err != nil || seen.State != "approved" || seen.Author != "tacgia" || seen.Approver != "duyet" {
		t.Errorf("GET %s: %d %s", rev, resp.StatusCode, body)
	}
	var approver string
	if err := s.Pool().QueryRow(ctx, `SELECT approver FROM item_versions WHERE content_id = 'le-hoi-bien'`).Scan(&approver); err != nil || approver != "Ban biên tập" {
		t.Errorf("version approved by %q (%v)", approver, err)
	}

	// An author may not take an item out of the public; an editor asks,
	// and the request waits for an approver.
	resp, body = as(authorToken, "POST", "/api/items/le-hoi-bien/gone", `{}`)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("author's gone: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = as(editorToken, "POST", "/api/items/le-hoi-bien/withdraw", `{"reason": "Lễ hội hoãn"}`)
	if err := json.Unmarshal(body, &sub); err != nil || resp.StatusCode != http.StatusAccepted || sub.State != "submitted" {
		t.Errorf("editor's withdraw: %d %s, want 202 submitted", resp.StatusCode, body)
	}
	if n := count("outbox"); n != 1 {
		t.Errorf("%d outbox rows after an editor's request, want still 1", n)
	}

	// A revoked token and a disabled account's token stop at once.
	accts := accounts.New(s.Pool(), zerolog.Nop())
	ed, err := accts.ByUsername(ctx, "bientap")
	if err != nil {
		t.Fatal(err)
	}
	if err := accts.SetDisabled(ctx, "test", ed.ID, true); err != nil {
		t.Fatal(err)
	}
	if resp, body = as(editorToken, "GET", "/api/me", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled account's token: %d %s, want 401", resp.StatusCode, body)
	}
	au, _ := accts.ByUsername(ctx, "tacgia")
	toks, err := accts.APITokens(ctx, au.ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("author's tokens: %v %v", toks, err)
	}
	if err := accts.RevokeAPIToken(ctx, "tacgia", au.ID, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if resp, body = as(authorToken, "GET", "/api/me", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d %s, want 401", resp.StatusCode, body)
	}
}
