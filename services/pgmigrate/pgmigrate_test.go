package pgmigrate

import (
	"context"
	"database/sql"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// Up applies what the database lacks (again: nothing), then the follow-ups.
func TestUp(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "pgmigrate", func(context.Context, string) error { return nil })
	migrations := fstest.MapFS{
		"00001_a.sql": {Data: []byte("-- +goose Up\nCREATE TABLE a (n int);\n")},
		"00002_b.sql": {Data: []byte("-- +goose Up\nINSERT INTO a VALUES (1);\n")},
	}
	count := func(ctx context.Context, db *sql.DB) error {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM a`).Scan(&n); err != nil || n != 1 {
			t.Errorf("rows of a = %d, %v; want 1", n, err)
		}
		return nil
	}
	for range 2 {
		if err := Up(ctx, url, "test", migrations, count); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var version int
	if err := conn.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&version); err != nil || version != 2 {
		t.Errorf("goose version = %d, %v; want 2", version, err)
	}
	bad := fstest.MapFS{"00003_c.sql": {Data: []byte("-- +goose Up\nNOT SQL;\n")}}
	if err := Up(ctx, url, "test", bad); err == nil {
		t.Error("a failing migration was not reported")
	}
}
