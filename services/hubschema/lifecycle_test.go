package hubschema_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

// A rename changes tenants.id in place and a merge changes items' keys:
// every foreign key to a tenant, an item or a legal document must follow
// (ON UPDATE CASCADE), or the change fails on a table added later.
func TestTenantKeysCascade(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", hubschema.Migrate)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.conrelid::regclass::text || '.' || c.conname FROM pg_constraint c
		WHERE c.contype = 'f' AND c.confupdtype <> 'c'
		  AND c.confrelid IN ('tenants'::regclass, 'items'::regclass, 'legal_documents'::regclass)`)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("foreign keys that do not follow a rename or a merge (add ON UPDATE CASCADE): %v", bad)
	}

	// The cascade at work, and an old id kept from reuse.
	for _, q := range []string{
		`INSERT INTO tenants (id, kind, name_vi) VALUES ('phuong-a', 'ward', 'Phường A')`,
		`INSERT INTO credentials (tenant_id, token_sha256) VALUES ('phuong-a', decode(repeat('ab', 32), 'hex'))`,
		`INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('phuonga.example', 'phuong-a', true)`,
		`INSERT INTO tenant_aliases (old_id, tenant_id) VALUES ('xa-a', 'phuong-a')`,
		`UPDATE tenants SET id = 'phuong-b' WHERE id = 'phuong-a'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var host, cred, alias string
	if err := conn.QueryRow(ctx, `SELECT (SELECT tenant_id FROM tenant_hosts), (SELECT tenant_id FROM credentials),
		(SELECT tenant_id FROM tenant_aliases WHERE old_id = 'xa-a')`).Scan(&host, &cred, &alias); err != nil {
		t.Fatal(err)
	}
	if host != "phuong-b" || cred != "phuong-b" || alias != "phuong-b" {
		t.Errorf("after the rename: host's tenant %q, credential's %q, alias's %q; want phuong-b", host, cred, alias)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO tenants (id, kind, name_vi) VALUES ('xa-a', 'commune', 'Xã A mới')`); err == nil {
		t.Errorf("a new tenant took the old id xa-a: want refused")
	}
}

// A retired unit's content is its successor's in public, else its
// parent's (tenant_owners, which search resolves owners through).
func TestTenantOwnersFollowSuccessor(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", hubschema.Migrate)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO tenants (id, kind, name_vi) VALUES ('tinh', 'province', 'Tỉnh'), ('phuong-moi', 'ward', 'Phường mới')`,
		`INSERT INTO tenants (id, kind, name_vi, parent_id, status, successor_id) VALUES
			('xa-cu', 'commune', 'Xã cũ', 'tinh', 'retired', 'phuong-moi'),
			('xa-khac', 'commune', 'Xã khác', 'tinh', 'retired', NULL)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for tenant, want := range map[string]string{"xa-cu": "phuong-moi", "xa-khac": "tinh", "phuong-moi": "phuong-moi"} {
		var owner string
		if err := conn.QueryRow(ctx, `SELECT owner_id FROM tenant_owners WHERE tenant_id = $1`, tenant).Scan(&owner); err != nil || owner != want {
			t.Errorf("owner of %s = %q (%v), want %s", tenant, owner, err, want)
		}
	}
}
