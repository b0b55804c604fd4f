package backoffice

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
)

// A user issues a personal API token on their page (issue 10 point 6): it
// is shown once, acts as them with their roles, and they revoke it there.
func TestAPITokensPage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	b := f.login("tacgia")
	resp, doc := b.get("/ma-truy-cap-api")
	if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc, "main"), "Bạn chưa có mã truy cập API nào") {
		t.Fatalf("GET /ma-truy-cap-api: %d %q", resp.StatusCode, text(doc, "main"))
	}
	tok := b.token("/ma-truy-cap-api")

	// A bad validity and a missing name are inline errors, in Vietnamese.
	resp, doc = b.postForm("/ma-truy-cap-api", url.Values{"name": {"x"}, "days": {"5000"}, "csrf_token": {tok}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, "#err-days"), "thời hạn") {
		t.Errorf("bad days: %d %q", resp.StatusCode, text(doc, "#err-days"))
	}
	resp, doc = b.postForm("/ma-truy-cap-api", url.Values{"name": {" "}, "days": {"90"}, "csrf_token": {tok}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, "#err-name"), "tên") {
		t.Errorf("no name: %d %q", resp.StatusCode, text(doc, "#err-name"))
	}
	// Without the CSRF token nothing is issued.
	if resp, _ := b.postRaw("/ma-truy-cap-api", url.Values{"name": {"phần mềm"}, "days": {"90"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("issue without CSRF: %d, want 403", resp.StatusCode)
	}

	resp, doc = b.postForm("/ma-truy-cap-api", url.Values{"name": {"phần mềm văn bản"}, "days": {"30"}, "csrf_token": {tok}})
	issued, _ := doc.Find("#issued-token").Attr("value")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(issued, accounts.APITokenPrefix) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("issue: %d, token %q, Cache-Control %q", resp.StatusCode, issued, resp.Header.Get("Cache-Control"))
	}
	acc, _, err := f.accounts.APITokenAccount(ctx, issued)
	if err != nil || acc.Username != "tacgia" {
		t.Fatalf("the issued token acts as %v (%v), want tacgia", acc.Username, err)
	}
	// Shown once: the page does not show it again.
	_, doc = b.get("/ma-truy-cap-api")
	if doc.Find("#issued-token").Length() != 0 || strings.Contains(doc.Text(), issued) {
		t.Error("the token is shown again")
	}
	if got := text(doc, "tbody th"); got != "phần mềm văn bản" {
		t.Errorf("listed token %q", got)
	}

	// Another user cannot revoke it.
	toks, _ := f.accounts.APITokens(ctx, acc.ID)
	other := f.login("duyet")
	resp, _ = other.postForm("/ma-truy-cap-api/"+itoa(toks[0].ID)+"/thu-hoi", url.Values{"csrf_token": {other.token("/ma-truy-cap-api")}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another user's revoke: %d, want 404", resp.StatusCode)
	}
	if _, _, err := f.accounts.APITokenAccount(ctx, issued); err != nil {
		t.Errorf("the token stopped working after another user's attempt: %v", err)
	}
	resp, _ = b.postForm("/ma-truy-cap-api/"+itoa(toks[0].ID)+"/thu-hoi", url.Values{"csrf_token": {tok}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if _, _, err := f.accounts.APITokenAccount(ctx, issued); !errors.Is(err, accounts.ErrAPIToken) {
		t.Errorf("revoked token: %v", err)
	}
	_, doc = b.get("/ma-truy-cap-api?ok=api_token_revoked")
	if !strings.Contains(text(doc, ".notice.ok"), "Đã thu hồi") || !strings.Contains(text(doc, "tbody td:last-child"), "Đã thu hồi") {
		t.Errorf("after revoke: notice %q, row %q", text(doc, ".notice.ok"), text(doc, "tbody td:last-child"))
	}
}
