package hubschema_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestMigrateIsIdempotentAndAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", hubschema.Migrate)
	if err := hubschema.Migrate(ctx, url); err != nil {
		t.Fatalf("second migration: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO audit_log (actor, action) VALUES ('t', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE audit_log SET actor = 'other'`); err == nil {
		t.Errorf("audit_log update: got nil, want an append-only error")
	}
	if _, err := conn.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Errorf("audit_log delete: got nil, want an append-only error")
	}
	if _, err := conn.Exec(ctx, `TRUNCATE audit_log`); err == nil {
		t.Errorf("audit_log truncate: got nil, want an append-only error")
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM categories`).Scan(&n); err != nil || n < 12 {
		t.Errorf("categories: got %d (%v), want the code list", n, err)
	}
}
