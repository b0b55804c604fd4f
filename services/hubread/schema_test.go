package hubread_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/testenv"
)

// The gateway's readiness fails on a database that is not migrated, saying
// what to run (issue 10 point 13: it was ready on an empty database), and
// passes on a migrated one read as the gateway.
func TestCheckSchema(t *testing.T) {
	ctx := context.Background()
	_, reader := setup(t)
	if err := reader.CheckSchema(ctx); err != nil {
		t.Errorf("migrated database: %v", err)
	}
	empty, err := pgxpool.New(ctx, testenv.Postgres(t, "hubread_empty", func(context.Context, string) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	err = hubread.New(empty).CheckSchema(ctx)
	if err == nil || !strings.Contains(err.Error(), "not migrated") || !strings.Contains(err.Error(), "hubctl migrate") {
		t.Errorf("empty database: %v; want not migrated and the fix", err)
	}
}

// Every table granted to the reader role is one the check looks for.
func TestCheckSchemaCoversTheReaderGrants(t *testing.T) {
	admin, _ := setup(t)
	rows, err := admin.Query(context.Background(), `
		SELECT DISTINCT table_name FROM information_schema.role_table_grants
		WHERE grantee = 'portalhub_reader' AND privilege_type = 'SELECT' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var granted []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		granted = append(granted, name)
	}
	if got := hubread.ReadTables(); !slices.Equal(got, granted) {
		t.Errorf("tables checked %v, granted to portalhub_reader %v", got, granted)
	}
}
