package hubschema

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/testenv"
)

// auditChainVersion is the migration that chains the audit log.
const auditChainVersion = 13

// The migration chains the entries an older database holds, in the order
// they were written, so the log verifies; new entries follow them.
func TestAuditChainBackfill(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub_before_audit_chain", func(ctx context.Context, url string) error {
		return migrateTo(ctx, url, auditChainVersion-1)
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO audit_log (actor, action, tenant_id, subject, detail) VALUES ('ops', 'tenant.add', 'so-gd', 'so-gd', '{"name_vi": "Sở Giáo dục"}')`,
		`INSERT INTO audit_log (actor, action, at) VALUES ('ops', 'tenant.status', '2025-07-01 08:00:00.123456+07')`,
		`INSERT INTO audit_log (actor, action, tenant_id, subject) VALUES ('nguyễn', 'credential.revoke', 'so-gd', '7')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := Migrate(ctx, url); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	s, err := hubstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.VerifyAudit(ctx, nil)
	if err != nil || !v.Intact() || v.Entries != 3 || v.Head.Seq != 3 {
		t.Fatalf("verify after the backfill = %+v %v, want 3 intact entries", v, err)
	}
	var order string
	if err := conn.QueryRow(ctx, `SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log`).Scan(&order); err != nil ||
		order != "tenant.add,tenant.status,credential.revoke" {
		t.Errorf("chain order = %q %v", order, err)
	}
	if err := s.AddTenant(ctx, "ops", hubstore.Tenant{ID: "so-yt", Kind: "department", NameVI: "Sở Y tế"}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.VerifyAudit(ctx, &v.Head); err != nil || !v.Intact() || v.Entries != 4 {
		t.Errorf("verify after an append = %+v %v, want 4 intact entries extending the backfilled head", v, err)
	}
}
