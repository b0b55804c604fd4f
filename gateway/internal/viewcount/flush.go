package viewcount

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
)

// Execer runs a statement: a pool connected to the hub's primary as a role
// that may add to page_views (portalhub_view_counter), the gateway's only
// write to the hub.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Page is where a key's views are recorded: the tenant whose site the page
// belongs to ("" for the provincial portal's own pages: its home, sections,
// search), the page's language and its path on the provincial host
// (/vi/so-du-lich/le-hoi-bien/), without query or host.
type Page struct {
	Tenant, Lang, Path string
}

// Resolver tells the page of a key, or false for keys that are no page
// to count (the portal knows its tenants and paths).
type Resolver func(key string) (Page, bool)

// Flusher writes a Counter's counts to the hub's page_views table.
type Flusher struct {
	Counter *Counter
	Pool    Execer
	Resolve Resolver
	Every   time.Duration
	Log     zerolog.Logger
}

// Run flushes every interval until ctx ends, then once more (graceful
// shutdown keeps the last counts).
func (f *Flusher) Run(ctx context.Context) {
	t := time.NewTicker(f.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			f.Flush(fctx)
			cancel()
			return
		case <-t.C:
			f.Flush(ctx)
		}
	}
}

type row struct {
	day string
	Page
}

// Flush drains the counter and adds its counts to page_views in one
// statement. Counts it could not write are dropped (they are statistics)
// and the failure logged.
func (f *Flusher) Flush(ctx context.Context) {
	counts := f.Counter.Drain()
	if len(counts) == 0 {
		return
	}
	sums := map[row][2]int64{}
	for _, c := range counts {
		p := Page{Path: "(other)"}
		if c.Key != Overflow {
			var ok bool
			if p, ok = f.Resolve(c.Key); !ok {
				continue
			}
		}
		r := row{day: c.Day, Page: p}
		s := sums[r]
		sums[r] = [2]int64{s[0] + c.Views, s[1] + c.BotViews}
	}
	rows := make([]row, 0, len(sums))
	for r := range sums {
		rows = append(rows, r)
	}
	// One order for every gateway, so that two flushes cannot deadlock.
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.day != b.day {
			return a.day < b.day
		}
		if a.Tenant != b.Tenant {
			return a.Tenant < b.Tenant
		}
		if a.Lang != b.Lang {
			return a.Lang < b.Lang
		}
		return a.Path < b.Path
	})
	n := len(rows)
	days, tenants, langs, paths := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	views, bots := make([]int64, n), make([]int64, n)
	for i, r := range rows {
		days[i], tenants[i], langs[i], paths[i] = r.day, r.Tenant, r.Lang, r.Path
		views[i], bots[i] = sums[r][0], sums[r][1]
	}
	_, err := f.Pool.Exec(ctx, `INSERT INTO page_views (day, tenant_id, lang, path, views, bot_views)
		SELECT d::date, t, l, p, v, b FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
			AS u (d, t, l, p, v, b)
		ON CONFLICT (day, tenant_id, lang, path) DO UPDATE
		SET views = page_views.views + EXCLUDED.views, bot_views = page_views.bot_views + EXCLUDED.bot_views`,
		days, tenants, langs, paths, views, bots)
	if err != nil {
		f.Log.Warn().Err(err).Int("pages", n).Msg("could not record page views")
	}
}
