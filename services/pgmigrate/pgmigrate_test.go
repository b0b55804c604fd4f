package pgmigrate

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"

	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func noMigration(context.Context, string) error { return nil }

// The two families' first migrations, each creating its marker table.
var (
	hubMigrations = fstest.MapFS{
		"00001_a.sql": {Data: []byte("-- +goose Up\nCREATE TABLE credentials (n int);\n")},
		"00002_b.sql": {Data: []byte("-- +goose Up\nINSERT INTO credentials VALUES (1);\n")},
	}
	subPortalMigrations = fstest.MapFS{
		"00001_a.sql": {Data: []byte("-- +goose Up\nCREATE TABLE outbox (n int);\n")},
	}
)

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Up applies what the database lacks (again: nothing), then the follow-ups,
// recording the versions in the family's own table.
func TestUp(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "pgmigrate", noMigration)
	count := func(ctx context.Context, db *sql.DB) error {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM credentials`).Scan(&n); err != nil || n != 1 {
			t.Errorf("rows of credentials = %d, %v; want 1", n, err)
		}
		return nil
	}
	for range 2 {
		if err := Up(ctx, url, Hub, hubMigrations, count); err != nil {
			t.Fatal(err)
		}
	}
	var version int
	if err := connect(t, url).QueryRow(ctx, `SELECT max(version_id) FROM goose_hub_version`).Scan(&version); err != nil || version != 2 {
		t.Errorf("goose version = %d, %v; want 2", version, err)
	}
	bad := fstest.MapFS{"00003_c.sql": {Data: []byte("-- +goose Up\nNOT SQL;\n")}}
	if err := Up(ctx, url, Hub, bad); err == nil {
		t.Error("a failing migration was not reported")
	}
}

// Each family's tool refuses the other's database, saying whose it is and
// what to do, and changes nothing in it (issue 10 point 13: hubctl migrate
// on a sub-portal's database said "migrated" and created nothing).
func TestUpRefusesAnotherFamilysDatabase(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		have, want     Family
		haveMigrations fstest.MapFS
	}{
		{SubPortal, Hub, subPortalMigrations},
		{Hub, SubPortal, hubMigrations},
	} {
		url := testenv.Postgres(t, "pgmigrate", noMigration)
		if err := Up(ctx, url, c.have, c.haveMigrations); err != nil {
			t.Fatal(err)
		}
		err := Up(ctx, url, c.want, fstest.MapFS{})
		var wrong *WrongDatabaseError
		if !errors.As(err, &wrong) || wrong.Found.Name != c.have.Name || wrong.Want.Name != c.want.Name {
			t.Fatalf("%s migrations on a %s database: %v; want a WrongDatabaseError", c.want.Name, c.have.Name, err)
		}
		for _, words := range []string{"is a " + c.have.Name + " database", "Set DATABASE_URL to the " + c.want.Name + " database"} {
			if !strings.Contains(err.Error(), words) {
				t.Errorf("message %q lacks %q", err, words)
			}
		}
		var own bool
		if err := connect(t, url).QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, c.want.Table).Scan(&own); err != nil || own {
			t.Errorf("%s created in the refused database (%v)", c.want.Table, err)
		}
	}
}

// A database migrated when both families shared goose_db_version keeps its
// versions (its table is renamed to its family's) and is not migrated
// again; another family's tool refuses it by its marker table.
func TestUpAdoptsTheSharedVersionTable(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "pgmigrate", noMigration)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// As the aggregator did before: goose's default table.
	legacy, err := gooseProvider(db, hubMigrations, legacyTable)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := legacy.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var wrong *WrongDatabaseError
	if err := Up(ctx, url, SubPortal, subPortalMigrations); !errors.As(err, &wrong) || wrong.Evidence != "credentials" {
		t.Fatalf("sub-portal migrations on an old hub database: %v; want refused by its credentials table", err)
	}
	// Migrating again would fail: 00001 creates credentials.
	if err := Up(ctx, url, Hub, hubMigrations); err != nil {
		t.Fatalf("the old hub database was not adopted: %v", err)
	}
	conn := connect(t, url)
	var version, rows int
	if err := conn.QueryRow(ctx, `SELECT max(version_id), (SELECT count(*) FROM credentials) FROM goose_hub_version`).Scan(&version, &rows); err != nil || version != 2 || rows != 1 {
		t.Errorf("after adoption: version %d, %d credentials rows, %v; want 2 and 1", version, rows, err)
	}
	var left bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&left); err != nil || left {
		t.Errorf("goose_db_version left beside goose_hub_version (%v)", err)
	}
}

func gooseProvider(db *sql.DB, migrations fstest.MapFS, table string) (*goose.Provider, error) {
	return goose.NewProvider(goose.DialectPostgres, db, migrations, goose.WithTableName(table))
}
