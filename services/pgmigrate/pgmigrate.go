// Package pgmigrate brings a PostgreSQL database to the newest version of
// its embedded goose migrations: the hub's (hubschema) and each
// sub-portal's (tenants' store) the same way.
package pgmigrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for goose
	"github.com/pressly/goose/v3"
)

// Up applies the SQL migrations at the root of migrations that the
// database at url lacks, then each of then on the same connection (data
// that is kept beside the migrations, such as the hub's search synonyms).
// name names the database in errors ("hub", "sub-portal").
func Up(ctx context.Context, url, name string, migrations fs.FS, then ...func(context.Context, *sql.DB) error) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("open %s database: %w", name, err)
	}
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations)
	if err != nil {
		return fmt.Errorf("load %s migrations: %w", name, err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s database: %w", name, err)
	}
	for _, f := range then {
		if err := f(ctx, db); err != nil {
			return err
		}
	}
	return nil
}
