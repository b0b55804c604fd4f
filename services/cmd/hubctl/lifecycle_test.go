package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

func TestHubctlLifecycle(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"quantri": opsaccounts.Administrator, "vanhanh": opsaccounts.Operator})
	ctx := context.Background()
	for _, id := range []string{"xa-a", "xa-b", "xa-c"} {
		if err := h.store.AddTenant(ctx, "t", hubstore.Tenant{ID: id, Kind: "commune", NameVI: "Xã " + id}); err != nil {
			t.Fatal(err)
		}
	}
	pushArticle(t, h.store, "xa-a", "tin", "Tin của xã A")
	pushArticle(t, h.store, "xa-b", "tin", "Tin của xã B")
	ctl := func(args ...string) (int, string) {
		code, out, e := h.ctl("", args...)
		return code, out + e
	}

	h.login(t, "vanhanh")
	if code, out := ctl("tenants", "rename", "--id", "xa-a", "--new-id", "phuong-a"); code != exitDenied || !strings.Contains(out, "administrator") {
		t.Errorf("rename as an operator: %d %q, want exit %d naming administrator", code, out, exitDenied)
	}
	h.login(t, "quantri")
	if code, out := ctl("tenants", "rename", "--id", "xa-a"); code != 2 || !strings.Contains(out, "--new-id") {
		t.Errorf("rename without --new-id: %d %q", code, out)
	}
	if code, out := ctl("tenants", "rename", "--id", "xa-a", "--new-id", "phuong-a"); code != 0 || !strings.Contains(out, "301") ||
		!strings.Contains(out, "SUBPORTAL_TENANT=phuong-a") {
		t.Fatalf("rename: %d %q", code, out)
	}
	var rep struct {
		Moved   int `json:"moved"`
		Renamed []struct {
			FromContentID string `json:"from_content_id"`
			ContentID     string `json:"content_id"`
		} `json:"renamed"`
	}
	code, out := ctl("tenants", "merge", "--id", "phuong-a", "--into", "xa-b", "--dissolved", "2025-06-30", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Moved != 1 || len(rep.Renamed) != 1 ||
		rep.Renamed[0].ContentID != "phuong-a-tin" {
		t.Fatalf("merge --json: %d %q", code, out)
	}
	// The merged unit's page names where it went.
	if code, out := ctl("tenants", "show", "--id", "phuong-a"); code != 0 || !regexp.MustCompile(`(?m)^successor\s+xa-b$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^retired_pages\s+redirect$`).MatchString(out) {
		t.Errorf("tenants show of the merged unit: %d %q, want its successor xa-b", code, out)
	}
	if code, out := ctl("tenants", "merge", "--id", "phuong-a", "--into", "xa-b"); code == 0 || !strings.Contains(out, "retired") {
		t.Errorf("merging a merged unit again: %d %q", code, out)
	}
	if code, out := ctl("tenants", "retire", "--id", "xa-c", "--successor", "xa-b", "--pages", "hidden"); code != 2 {
		t.Errorf("retire --pages hidden: %d %q, want 2", code, out)
	}
	if code, out := ctl("tenants", "retire", "--id", "xa-c", "--successor", "xa-b", "--pages", "gone", "--dissolved", "2025-06-30"); code != 0 ||
		!strings.Contains(out, "2025-06-30") || !strings.Contains(out, "gone") {
		t.Errorf("retire: %d %q", code, out)
	}
	file := filepath.Join(t.TempDir(), "map.csv")
	csv := "old_url,tenant,content_id,category,lang\nhttps://camlam.khanhhoa.gov.vn/tin/1.html,phuong-a,tin,,\nhttps://camlam.khanhhoa.gov.vn/,xa-b,,,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := ctl("redirects", "import", "--file", file); code != 0 || !strings.Contains(out, "imported 2 old URLs of camlam.khanhhoa.gov.vn") {
		t.Errorf("redirects import: %d %q", code, out)
	}
	if err := os.WriteFile(file, []byte("old_url,tenant,content_id,category\n/tin,xa-b,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := ctl("redirects", "import", "--file", file); code != 2 || !strings.Contains(out, "line 2") {
		t.Errorf("a bad map: %d %q, want 2 naming line 2", code, out)
	}
	var actor string
	if err := h.store.Pool().QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'tenant.merge'`).Scan(&actor); err != nil || actor != "ops:quantri" {
		t.Errorf("merge recorded by %q (%v), want ops:quantri", actor, err)
	}
}
