package main

import (
	"context"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// subportal outbox retry puts rows refused for a configuration error back
// to pending, and others only when their reason is named (issue 10 point
// 13: a wrong tenant's credential parked every pending row for good).
func TestOutboxRetryRequeuesConfigurationRefusals(t *testing.T) {
	ctx := context.Background()
	st, url := storetest.New(t)
	t.Setenv("DATABASE_URL", url)
	for _, id := range []string{"a", "b"} {
		if _, err := st.Approve(ctx, storetest.Article(id, "Tin "+id)); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.Claim(ctx, 10, 0)
	if err != nil || len(rows) != 2 {
		t.Fatalf("claim: %d rows, %v", len(rows), err)
	}
	refusals := map[string]store.Refusal{
		"a": {Code: "PermissionDenied", Reason: "TENANT_MISMATCH", Description: "the credential is another tenant's"},
		"b": {Code: "InvalidArgument", Reason: "UNKNOWN_CATEGORY", Description: "no such category"},
	}
	for _, r := range rows {
		if err := st.Refuse(ctx, r.ID, refusals[r.Item.GetContentId()]); err != nil {
			t.Fatal(err)
		}
	}
	status := func(id string) string {
		var s string
		if err := st.Pool().QueryRow(ctx, `SELECT status FROM outbox WHERE content_id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := outbox([]string{"retry", "--actor", "operator"}); err != nil {
		t.Fatal(err)
	}
	if a, b := status("a"), status("b"); a != store.StatusPending || b != store.StatusRefused {
		t.Errorf("after retry: a %s, b %s; want pending (TENANT_MISMATCH) and refused (UNKNOWN_CATEGORY)", a, b)
	}
	if err := outbox([]string{"retry", "--actor", "operator", "--reason", "unknown_category"}); err != nil {
		t.Fatal(err)
	}
	if b := status("b"); b != store.StatusPending {
		t.Errorf("after retry --reason UNKNOWN_CATEGORY: b %s, want pending", b)
	}
	var audited int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'outbox_requeue' AND actor = 'operator'`).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("audit rows = %d, %v; want 2", audited, err)
	}
	if again, err := st.Claim(ctx, 10, 0); err != nil || len(again) != 2 {
		t.Errorf("claim after retry: %d rows, %v; want both due now", len(again), err)
	}
}
