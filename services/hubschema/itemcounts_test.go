package hubschema_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

// tenant_item_counts keeps each tenant's item count through every way items
// change: inserts (one and many), deletions, an update that keeps the
// tenant, a merge's move to another tenant and a rename's cascade; a tenant
// without items has no row.
func TestTenantItemCounts(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", hubschema.Migrate)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	item := func(tenant, id string) string {
		return `('` + tenant + `', '` + id + `', 1, decode(repeat('ab', 32), 'hex'), 'article', 'news', 'published', now(), '{}')`
	}
	const cols = `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc) VALUES `
	check := func(step string) {
		t.Helper()
		var wrong []string
		rows, err := conn.Query(ctx, `SELECT coalesce(c.tenant_id, i.tenant_id) || ': kept ' || coalesce(c.items, 0) || ', counted ' || coalesce(i.n, 0)
			FROM tenant_item_counts c FULL JOIN (SELECT tenant_id, count(*) AS n FROM items GROUP BY tenant_id) i USING (tenant_id)
			WHERE c.items IS DISTINCT FROM i.n`)
		if err != nil {
			t.Fatal(err)
		}
		if wrong, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			t.Fatal(err)
		}
		if len(wrong) > 0 {
			t.Errorf("after %s: %v", step, wrong)
		}
	}
	for _, q := range []struct{ step, sql string }{
		{"adding tenants", `INSERT INTO tenants (id, kind, name_vi) VALUES ('xa-a', 'commune', 'Xã A'), ('xa-b', 'commune', 'Xã B'), ('xa-c', 'commune', 'Xã C')`},
		{"one insert", cols + item("xa-a", "a1")},
		{"a multi-row insert", cols + item("xa-a", "a2") + `, ` + item("xa-a", "a3") + `, ` + item("xa-b", "b1")},
		{"an update keeping the tenant", `UPDATE items SET version = 2 WHERE tenant_id = 'xa-a'`},
		{"a deletion", `DELETE FROM items WHERE tenant_id = 'xa-a' AND content_id = 'a3'`},
		{"a merge's move", `UPDATE items SET tenant_id = 'xa-c' WHERE tenant_id = 'xa-b'`},
		{"a rename's cascade", `UPDATE tenants SET id = 'phuong-a' WHERE id = 'xa-a'`},
		{"deleting a tenant's last items", `DELETE FROM items WHERE tenant_id = 'xa-c'`},
	} {
		if _, err := conn.Exec(ctx, q.sql); err != nil {
			t.Fatalf("%s: %v", q.step, err)
		}
		check(q.step)
	}
	var left int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM tenant_item_counts WHERE tenant_id IN ('xa-a', 'xa-b', 'xa-c') OR items = 0`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d rows for tenants without items (%v)", left, err)
	}
}
