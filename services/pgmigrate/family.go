package pgmigrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A Family is one history of migrations, kept in its own goose version
// table: the hub's, or a sub-portal's (every sub-portal has the same).
type Family struct {
	// Name names the database in messages ("hub", "sub-portal").
	Name string
	// Table is goose's version table for this history.
	Table string
	// Marker is a table only this family's first migration creates: it
	// tells whose a database is that was migrated when every family
	// recorded its versions in goose's default table.
	Marker string
	// Tool is the command that migrates this family's databases, for the
	// message that refuses another family's database.
	Tool string
}

var (
	// Hub is the hub store's history (services/hubschema).
	Hub = Family{Name: "hub", Table: "goose_hub_version", Marker: "credentials", Tool: "hubctl migrate (or the aggregator at start)"}
	// SubPortal is a sub-portal store's history (tenants' store).
	SubPortal = Family{Name: "sub-portal", Table: "goose_subportal_version", Marker: "outbox", Tool: "subportal serve, seed or publish (each migrates at start)"}
)

// families are every known history.
var families = []Family{Hub, SubPortal}

// legacyTable is goose's default version table, which every family shared
// before each had its own.
const legacyTable = "goose_db_version"

// WrongDatabaseError refuses to migrate a database of another family.
type WrongDatabaseError struct {
	// Database is the database's name; Want the family that was to be
	// migrated; Found the family the database belongs to, and Evidence the
	// table that shows it.
	Database    string
	Want, Found Family
	Evidence    string
}

func (e *WrongDatabaseError) Error() string {
	return fmt.Sprintf("database %q is a %s database (it has table %s), not a %s database; nothing was changed. "+
		"Set DATABASE_URL to the %s database (createdb one if it does not exist yet); a %s database is migrated by %s",
		e.Database, e.Found.Name, e.Evidence, e.Want.Name, e.Want.Name, e.Found.Name, e.Found.Tool)
}

// adopt checks, under a transaction-scoped advisory lock that serialises
// concurrent migrators, that the database is not another family's, and
// renames goose's default version table to family's when the database was
// migrated with family's history before the histories were apart (the
// running databases of that time keep their versions and are not migrated
// again). A default table whose database holds no family's marker is left
// alone: it is not ours.
func adopt(ctx context.Context, db *sql.DB, family Family) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("open %s database: %w", family.Name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('portalhub pgmigrate'))`); err != nil {
		return fmt.Errorf("open %s database: %w", family.Name, err)
	}
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return fmt.Errorf("open %s database: %w", family.Name, err)
	}
	exists := func(table string) (bool, error) {
		var ok bool
		err := tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok)
		if err != nil {
			return false, fmt.Errorf("inspect %s database: %w", family.Name, err)
		}
		return ok, nil
	}
	for _, other := range families {
		if other.Table == family.Table {
			continue
		}
		if found, err := exists(other.Table); err != nil {
			return err
		} else if found {
			return &WrongDatabaseError{Database: name, Want: family, Found: other, Evidence: other.Table}
		}
	}
	if own, err := exists(family.Table); err != nil || own {
		return err
	}
	if legacy, err := exists(legacyTable); err != nil || !legacy {
		return err
	}
	owner, err := ownerOf(exists, family)
	if err != nil {
		return err
	}
	switch {
	case owner == nil:
		return nil
	case owner.Table != family.Table:
		return &WrongDatabaseError{Database: name, Want: family, Found: *owner, Evidence: owner.Marker}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %s RENAME TO %s`, legacyTable, family.Table)); err != nil {
		return fmt.Errorf("adopt the %s database's goose versions: %w", family.Name, err)
	}
	return tx.Commit()
}

// ownerOf returns the family whose marker table the database holds
// (family's own first), or nil.
func ownerOf(exists func(string) (bool, error), family Family) (*Family, error) {
	for _, f := range append([]Family{family}, families...) {
		found, err := exists(f.Marker)
		if err != nil {
			return nil, err
		}
		if found {
			return &f, nil
		}
	}
	return nil, nil
}

// ErrNotMigrated: the database holds none of a family's schema.
var ErrNotMigrated = errors.New("not migrated")

// Check tells, changing nothing, whether the database at url is family's:
// a *WrongDatabaseError for another family's, an error wrapping
// ErrNotMigrated for one no family has migrated, nil for family's own.
// Commands that use a database without migrating it call it first, so
// that a DATABASE_URL naming the wrong database is named as such rather
// than as a missing table or column.
func Check(ctx context.Context, url string, family Family) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return fmt.Errorf("open %s database: %w", family.Name, err)
	}
	defer db.Close()
	var name string
	if err := db.QueryRowContext(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return fmt.Errorf("open %s database: %w", family.Name, err)
	}
	exists := func(table string) (bool, error) {
		var ok bool
		if err := db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil {
			return false, fmt.Errorf("inspect %s database: %w", family.Name, err)
		}
		return ok, nil
	}
	for _, f := range families {
		found, err := exists(f.Table)
		switch {
		case err != nil:
			return err
		case found && f.Table == family.Table:
			return nil
		case found:
			return &WrongDatabaseError{Database: name, Want: family, Found: f, Evidence: f.Table}
		}
	}
	if legacy, err := exists(legacyTable); err != nil {
		return err
	} else if legacy {
		owner, err := ownerOf(exists, family)
		switch {
		case err != nil:
			return err
		case owner != nil && owner.Table != family.Table:
			return &WrongDatabaseError{Database: name, Want: family, Found: *owner, Evidence: owner.Marker}
		case owner != nil:
			return nil
		}
	}
	return fmt.Errorf("database %q holds no %s schema: %w", name, family.Name, ErrNotMigrated)
}
