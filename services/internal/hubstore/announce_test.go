package hubstore

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/portalhub/portalhub/services/events"
)

// TestTenantChangesAnnounced: adding a tenant, changing it and its status
// each write one event on the tenant's registry subject, in the change's
// transaction; a failed change writes none.
func TestTenantChangesAnnounced(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	before := count(t, s, `SELECT count(*) FROM outbox`)
	if err := s.AddTenant(ctx, "alice", Tenant{ID: "xa-moi", Kind: "commune", NameVI: "Xã Mới"}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateTenant(ctx, "alice", Tenant{ID: "xa-moi", Kind: "commune", NameVI: "Xã Mới", NameEN: "New Commune"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTenantStatus(ctx, "alice", "xa-moi", StatusSuspended); err != nil {
		t.Fatal(err)
	}
	if err := s.AddTenant(ctx, "alice", Tenant{ID: "xa-moi", Kind: "commune", NameVI: "again"}); err == nil {
		t.Fatal("a second add succeeded")
	}
	if err := s.SetTenantStatus(ctx, "alice", "khong-co", StatusSuspended); err == nil {
		t.Fatal("status of an unknown tenant succeeded")
	}
	rows, err := s.pool.Query(ctx, `SELECT subject, msg_id, payload FROM outbox ORDER BY id OFFSET $1`, before)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []events.RegistryChange
	ids := map[string]bool{}
	for rows.Next() {
		var subject, id string
		var payload []byte
		if err := rows.Scan(&subject, &id, &payload); err != nil {
			t.Fatal(err)
		}
		var c events.RegistryChange
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatal(err)
		}
		if subject != events.RegistrySubject("xa-moi") || c.Tenant != "xa-moi" || ids[id] {
			t.Errorf("event %s %s %+v", subject, id, c)
		}
		ids[id] = true
		got = append(got, c)
	}
	want := []events.RegistryChange{
		{Tenant: "xa-moi", Change: "tenant.add", Status: StatusActive},
		{Tenant: "xa-moi", Change: "tenant.update"},
		{Tenant: "xa-moi", Change: "tenant.status", Status: StatusSuspended},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
