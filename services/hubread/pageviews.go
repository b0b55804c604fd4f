package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ViewCount is a count of page views: by people and by bots (told apart by
// the gateway, which counts them in memory and adds them to page_views).
type ViewCount struct {
	Key         string // the day (yyyy-mm-dd), tenant ('' for the provincial portal's own pages), language or path
	Views, Bots int64
}

// pageViewGroups are what PageViews can group by.
var pageViewGroups = map[string]string{
	"day":    "to_char(day, 'YYYY-MM-DD')",
	"tenant": "tenant_id",
	"lang":   "lang",
	"path":   "path",
}

// PageViews sums the page views of the days from to to (both included),
// of one tenant's site (tenant; "" for every site) grouped by group (day,
// tenant, lang or path), the most viewed first (by day: in order of days),
// at most limit groups (0: all). One query on page_views
// (page_views_tenant_day for one tenant, the primary key's day otherwise).
func (s *Store) PageViews(ctx context.Context, tenant *string, from, to time.Time, group string, limit int) ([]ViewCount, error) {
	col, ok := pageViewGroups[group]
	if !ok {
		return nil, fmt.Errorf("page views by %q: %w", group, ErrBadCursor)
	}
	order := "sum(views) DESC, 1"
	if group == "day" {
		order = "1"
	}
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+col+`, sum(views)::bigint, sum(bot_views)::bigint FROM page_views
		WHERE day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR tenant_id = $3)
		GROUP BY 1 ORDER BY `+order+lim, from.Format(time.DateOnly), to.Format(time.DateOnly), tenant)
	if err != nil {
		return nil, fmt.Errorf("page views: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ViewCount, error) {
		var v ViewCount
		err := r.Scan(&v.Key, &v.Views, &v.Bots)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("page views: %w", err)
	}
	return out, nil
}

// ViewRow is the page views of one day, site and language.
type ViewRow struct {
	Day, Tenant, Lang string
	Views, Bots       int64
}

// PageViewRows returns page views of the period per day, tenant and
// language (for a CSV export), in that order.
func (s *Store) PageViewRows(ctx context.Context, tenant *string, from, to time.Time) ([]ViewRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), tenant_id, lang, sum(views)::bigint, sum(bot_views)::bigint
		FROM page_views WHERE day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR tenant_id = $3)
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, from.Format(time.DateOnly), to.Format(time.DateOnly), tenant)
	if err != nil {
		return nil, fmt.Errorf("page views: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ViewRow, error) {
		var v ViewRow
		err := r.Scan(&v.Day, &v.Tenant, &v.Lang, &v.Views, &v.Bots)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("page views: %w", err)
	}
	return out, nil
}
