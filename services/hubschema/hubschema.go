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

	"github.com/portalhub/portalhub/services/pgmigrate"
	"github.com/portalhub/portalhub/services/search"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ReaderRole is the read-only role the gateway connects as (it may log in as
// portalhub_gateway, a member of it).
const ReaderRole = "portalhub_reader"

// Migrate brings the database at url to the newest schema version, and
// the search synonyms to the list's.
func Migrate(ctx context.Context, url string) error {
	return pgmigrate.Up(ctx, url, pgmigrate.Hub, migrationsDir(), loadSynonyms)
}

// loadSynonyms makes the search_synonyms table the list of
// services/search/synonyms.txt, the data the list is kept as.
func loadSynonyms(ctx context.Context, db *sql.DB) error {
	list, err := search.ParseSynonyms(search.SynonymsFile)
	if err != nil {
		return fmt.Errorf("load search synonyms: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load search synonyms: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_synonyms`); err != nil {
		return fmt.Errorf("load search synonyms: %w", err)
	}
	from, to := make([]string, len(list)), make([]string, len(list))
	for i, s := range list {
		from[i], to[i] = s.From, s.To
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_synonyms (from_words, to_words)
		SELECT DISTINCT f, t FROM unnest($1::text[], $2::text[]) AS u (f, t)`, from, to); err != nil {
		return fmt.Errorf("load search synonyms: %w", err)
	}
	return tx.Commit()
}

func migrationsDir() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return sub
}
