package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/stafftext"
)

func TestHubctlFeaturedAndAdverts(t *testing.T) {
	h, ctl := siteEnv(t, "vanhanh")
	db := h.store.Pool()
	if err := h.store.AddTenant(context.Background(), "test", hubstore.Tenant{ID: "so-a", Kind: "department", NameVI: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	pushArticle(t, h.store, "so-a", "tin-1", "Tin một")

	if code, out, e := ctl("featured", "add", "--tenant", "so-a", "--id", "tin-1", "--position", "2"); code != 0 || !strings.Contains(out, "tin-1") {
		t.Fatalf("featured add: %d %q %s", code, out, e)
	}
	if code, _, e := ctl("featured", "add", "--tenant", "so-a", "--id", "khong-co"); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("featuring an unknown item: %d %q", code, e)
	}
	if code, out, _ := ctl("featured", "list", "--json"); code != 0 || !strings.Contains(out, `"position": 2`) {
		t.Errorf("featured list: %q", out)
	}
	if code, _, e := ctl("featured", "remove", "--tenant", "so-a", "--id", "tin-1"); code != 0 {
		t.Errorf("featured remove: %d %s", code, e)
	}
	if code, _, e := ctl("featured", "remove", "--tenant", "so-a", "--id", "tin-1"); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("removing twice: %d %q", code, e)
	}

	// The advertising slot is the administrators' (exit status 5 for others).
	if code, _, e := ctl("adverts", "enable"); code != 5 || !strings.Contains(e, "administrator") {
		t.Errorf("an operator enables the slot: %d %q", code, e)
	}
	h.login(t, "quantri")
	at := func(d time.Duration) string { return time.Now().Add(d).In(stafftext.Zone).Format("2006-01-02 15:04") }
	code, out, e := ctl("adverts", "add", "--advertiser", "Công ty A", "--label", "Khu du lịch B", "--url", "https://b.example",
		"--start", at(-time.Hour), "--end", at(24*time.Hour))
	if code != 0 || !strings.Contains(e, "the advertising slot is off") {
		t.Fatalf("adverts add: %d %q %q (want the note that the slot is off)", code, out, e)
	}
	if code, _, e := ctl("adverts", "add", "--advertiser", "A", "--label", "B", "--url", "javascript:alert(1)",
		"--start", at(0), "--end", at(time.Hour)); code != 2 || !strings.Contains(e, "http or https") {
		t.Errorf("a javascript: link: %d %q", code, e)
	}
	if code, out, _ := ctl("adverts", "list"); code != 0 || !strings.Contains(out, "OFF") || !strings.Contains(out, "Khu du lịch B") {
		t.Errorf("adverts list: %q", out)
	}
	if code, _, _ := ctl("adverts", "enable"); code != 0 {
		t.Fatal("adverts enable")
	}
	if code, out, _ := ctl("adverts", "list", "--json"); code != 0 || !strings.Contains(out, `"enabled": true`) {
		t.Errorf("adverts list --json after enable: %q", out)
	}
	if code, _, e := ctl("adverts", "end", "--id", "1"); code != 0 {
		t.Errorf("adverts end: %d %s", code, e)
	}
	if code, out, _ := ctl("adverts", "list"); code != 0 || strings.Contains(out, "Khu du lịch B") {
		t.Errorf("an ended advertisement still listed: %q", out)
	}
	if code, out, _ := ctl("adverts", "list", "--all"); code != 0 || !strings.Contains(out, "Khu du lịch B") || !strings.Contains(out, "ops:quantri") {
		t.Errorf("history: %q", out)
	}
	if got, want := auditOf(t, db, "^(featured|advert)"),
		"featured.added ops:vanhanh featured.removed ops:vanhanh advert.add ops:quantri adverts.enabled ops:quantri advert.end ops:quantri"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}
