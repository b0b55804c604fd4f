package hubread

import (
	"context"
	"fmt"
	"strings"
)

// readTables are the tables the gateway reads, each granted to the reader
// role by a hub migration (the schema test keeps the list equal to the
// grants).
var readTables = []string{
	"advertisements", "blobs", "categories", "featured_items", "item_moves", "item_translations", "items", "legal_documents", "legal_issuers",
	"legal_relations", "maintenance_windows", "portal_settings", "redirect_map", "reserved_words", "search_bestbets", "search_docs", "search_synonyms",
	"search_vocabulary", "slug_history", "slug_moves", "tenant_aliases", "tenant_hosts", "tenant_owners", "tenants",
}

// CheckSchema is a readiness check: the database answers, holds every
// table the gateway reads and lets it read them. A database that is not
// migrated (createdb only), migrated by an older release or whose grants
// are missing fails it, naming the tables and the fix.
func (s *Store) CheckSchema(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `
		SELECT t, to_regclass(t) IS NOT NULL,
		       CASE WHEN to_regclass(t) IS NOT NULL THEN has_table_privilege(to_regclass(t), 'SELECT') ELSE false END
		FROM unnest($1::text[]) AS t`, readTables)
	if err != nil {
		return err
	}
	defer rows.Close()
	var missing, refused []string
	for rows.Next() {
		var table string
		var present, readable bool
		if err := rows.Scan(&table, &present, &readable); err != nil {
			return err
		}
		switch {
		case !present:
			missing = append(missing, table)
		case !readable:
			refused = append(refused, table)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch {
	case len(missing) > 0:
		return fmt.Errorf("the hub database is not migrated (or by an older release): it lacks %s; "+
			"run hubctl migrate with the hub's DATABASE_URL as its owner (or start this release's aggregator)", strings.Join(missing, ", "))
	case len(refused) > 0:
		return fmt.Errorf("this role may not read %s: connect as portalhub_gateway, and run hubctl migrate, which grants it", strings.Join(refused, ", "))
	}
	return nil
}
