// Package pgmigrate brings a PostgreSQL database to the newest version of
// its embedded goose migrations: the hub's (hubschema) and each
// sub-portal's (tenants' store) the same way, each history in its own
// version table (see Family), so that one family's tool refuses the
// other's database instead of finding nothing to do in it.
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
// database at url lacks, recording them in family's version table, then
// each of then on the same connection (data that is kept beside the
// migrations, such as the hub's search synonyms). A database of another
// family is refused with a *WrongDatabaseError; one migrated when every
// family shared goose's default table is adopted first (see adopt).
func Up(ctx context.Context, url string, family Family, migrations fs.FS, then ...func(context.Context, *sql.DB) error) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("open %s database: %w", family.Name, err)
	}
	defer db.Close()
	if err := adopt(ctx, db, family); err != nil {
		return err
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations, goose.WithTableName(family.Table))
	if err != nil {
		return fmt.Errorf("load %s migrations: %w", family.Name, err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s database: %w", family.Name, err)
	}
	for _, f := range then {
		if err := f(ctx, db); err != nil {
			return err
		}
	}
	return nil
}
