package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The console's views as commands, through the admin API to a viewer:
// items (paged), an item's versions, takedowns, refusals, coverage, the
// backlog and the overdue questions, each as a table and as JSON.
func TestHubctlViews(t *testing.T) {
	h, ctl := siteEnv(t, "xem")
	ctx := context.Background()
	if err := h.store.AddTenant(ctx, "test", hubstore.Tenant{ID: "so-a", Kind: "department", NameVI: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	pushArticle(t, h.store, "so-a", "tin-1", "Tin một")
	pushArticle(t, h.store, "so-a", "tin-2", "Tin hai")
	if err := h.store.TakeDown(ctx, "ops:vanhanh", "so-a", "tin-2", "Chưa kiểm chứng"); err != nil {
		t.Fatal(err)
	}
	if err := h.store.RecordRefusal(ctx, "so-a", "hong", 2, []contentrules.Violation{{Field: "translations[0].title",
		Reason: "LEGACY_ENCODING", Description: "legacy-encoded text", MessageVI: "Văn bản mã cũ"}}); err != nil {
		t.Fatal(err)
	}

	code, out, e := ctl("items", "list", "--tenant", "so-a", "--limit", "1")
	if code != 0 || !strings.Contains(out, "tin-1") || strings.Contains(out, "tin-2") || !strings.Contains(e, "--page ") {
		t.Fatalf("items list, first page: %d %q %q", code, out, e)
	}
	token := strings.TrimSpace(e[strings.LastIndex(e, "--page ")+len("--page "):])
	if code, out, e := ctl("items", "list", "--tenant", "so-a", "--limit", "1", "--page", token); code != 0 || !strings.Contains(out, "tin-2") || strings.Contains(e, "--page") {
		t.Errorf("items list, second page: %d %q %q", code, out, e)
	}
	var page struct {
		Items []struct {
			ContentID string `json:"content_id"`
			Version   string `json:"version"`
		} `json:"items"`
	}
	if code, out, _ := ctl("items", "list", "--tenant", "so-a", "--json"); code != 0 || json.Unmarshal([]byte(out), &page) != nil || len(page.Items) != 2 {
		t.Errorf("items list --json: %d %q", code, out)
	}
	if code, _, e := ctl("items", "list", "--tenant", "khong-co"); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("an unknown tenant: %d %q", code, e)
	}
	if code, out, e := ctl("items", "show", "--tenant", "so-a", "--id", "tin-2"); code != 0 || !strings.Contains(out, "Chưa kiểm chứng") ||
		!strings.Contains(out, "item.takedown") || !strings.Contains(out, "Tin hai") {
		t.Errorf("items show: %d %q %q", code, out, e)
	}
	if code, out, _ := ctl("takedowns", "list"); code != 0 || !strings.Contains(out, "tin-2") || strings.Contains(out, "tin-1") {
		t.Errorf("takedowns list: %d %q", code, out)
	}
	if code, out, _ := ctl("refusals", "list", "--tenant", "so-a"); code != 0 || !strings.Contains(out, "LEGACY_ENCODING") || !strings.Contains(out, "translations[0].title") {
		t.Errorf("refusals list: %d %q", code, out)
	}
	var refusals struct{ Refusals []any }
	if code, out, _ := ctl("refusals", "list", "--reason", "OTHER", "--json"); code != 0 || json.Unmarshal([]byte(out), &refusals) != nil ||
		refusals.Refusals == nil || len(refusals.Refusals) != 0 {
		t.Errorf("refusals of another reason: %d %q, want an empty list", code, out)
	}
	if code, out, _ := ctl("coverage", "report"); code != 0 || !strings.Contains(out, "so-a") || !strings.Contains(out, "organisation_unit") {
		t.Errorf("coverage report: %d %q", code, out)
	}
	if code, out, _ := ctl("backlog"); code != 0 || !strings.Contains(out, "outbox pending: ") || !strings.Contains(out, "not listed") {
		t.Errorf("backlog: %d %q", code, out)
	}
	if code, out, _ := ctl("backlog", "--json"); code != 0 || !strings.Contains(out, `"outbox_pending"`) {
		t.Errorf("backlog --json: %d %q", code, out)
	}
	if code, out, _ := ctl("questions", "overdue"); code != 0 || !strings.Contains(out, "0 overdue questions") {
		t.Errorf("questions overdue: %d %q", code, out)
	}
}

// hubctl search bestbet goes through the admin API: an operator changes
// best bets, recorded under the account; a viewer lists them and is refused
// a change (exit status 5).
func TestHubctlBestBets(t *testing.T) {
	h, ctl := siteEnv(t, "vanhanh")
	if err := h.store.AddTenant(context.Background(), "test", hubstore.Tenant{ID: "so-gd", Kind: "department", NameVI: "Sở Giáo dục và Đào tạo"}); err != nil {
		t.Fatal(err)
	}
	pushArticle(t, h.store, "so-gd", "tuyen-sinh", "Tuyển sinh lớp 10 năm 2026")
	if code, out, e := ctl("search", "bestbet", "add", "--query", "Tuyển sinh", "--tenant", "so-gd", "--id", "tuyen-sinh"); code != 0 || !strings.Contains(out, `"tuyen sinh"`) {
		t.Errorf("bestbet add: %d %q %q", code, out, e)
	}
	if code, _, e := ctl("search", "bestbet", "add", "--query", "x", "--tenant", "so-gd", "--id", "none"); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("bestbet add of an unknown item: %d %q", code, e)
	}
	if code, _, e := ctl("search", "bestbet", "add", "--query", "x"); code != 2 || !strings.Contains(e, "is required") {
		t.Errorf("bestbet add without an item: %d %q", code, e)
	}
	h.login(t, "xem")
	if code, out, _ := ctl("search", "bestbet", "list"); code != 0 || !strings.Contains(out, "tuyen sinh") || !strings.Contains(out, "ops:vanhanh") {
		t.Errorf("bestbet list: %d %q", code, out)
	}
	if code, _, e := ctl("search", "bestbet", "remove", "--query", "TUYEN SINH", "--tenant", "so-gd", "--id", "tuyen-sinh"); code != 5 || !strings.Contains(e, "operator") {
		t.Errorf("a viewer removes a best bet: %d %q, want 5", code, e)
	}
	h.login(t, "vanhanh")
	if code, _, e := ctl("search", "bestbet", "remove", "--query", "TUYEN SINH", "--tenant", "so-gd", "--id", "tuyen-sinh"); code != 0 {
		t.Errorf("bestbet remove: %d %q", code, e)
	}
	var bets map[string][]any
	if code, out, _ := ctl("search", "bestbet", "list", "--json"); code != 0 || json.Unmarshal([]byte(out), &bets) != nil ||
		bets["best_bets"] == nil || len(bets["best_bets"]) != 0 {
		t.Errorf("bestbet list after remove: %d %q, want an empty list", code, out)
	}
	if got, want := auditOf(t, h.store.Pool(), "^search.bestbet"), "search.bestbet_added ops:vanhanh search.bestbet_removed ops:vanhanh"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}
