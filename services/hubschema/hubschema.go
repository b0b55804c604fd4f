// Package hubschema holds the hub store's schema as numbered SQL migrations
// and applies them with goose. The aggregator migrates at start-up; tests
// migrate a template database once and clone it per test.
package hubschema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for goose
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ReaderRole is the read-only role the gateway connects as (it may log in as
// portalhub_gateway, a member of it).
const ReaderRole = "portalhub_reader"

// Migrate brings the database at url to the newest schema version.
func Migrate(ctx context.Context, url string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("open hub database: %w", err)
	}
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrationsDir())
	if err != nil {
		return fmt.Errorf("load hub migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate hub database: %w", err)
	}
	return nil
}

func migrationsDir() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return sub
}
