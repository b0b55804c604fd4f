package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// openPool connects to the hub database with a statement timeout on every
// connection, so that no query of a page (a finder, a sitemap, the
// registry) can hold a connection and a render longer than timeout, whatever
// a visitor asks: the search sets a shorter one of its own. A
// statement_timeout given in the URL (?statement_timeout=10000, in ms) wins.
func openPool(ctx context.Context, url string, timeout time.Duration) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if _, set := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !set && timeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}
