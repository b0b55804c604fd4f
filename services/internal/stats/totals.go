package stats

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// Total is the page views of one group of a period: a day (YYYY-MM-DD), a
// tenant (Provincial for the provincial portal's own pages), a language or
// a path.
type Total struct {
	Key      string
	Views    int64
	BotViews int64
}

// Groupings of Totals.
const (
	ByDay    = "day"
	ByTenant = "tenant"
	ByLang   = "lang"
	ByPath   = "path"
)

var totalColumns = map[string]string{ByDay: "to_char(day, 'YYYY-MM-DD')", ByTenant: "tenant_id", ByLang: "lang", ByPath: "path"}

// Totals sums the page views of r (of one tenant unless tenant is "*") by
// day, tenant, language or path, in one query that the database groups:
// by day in the order of days, otherwise the most viewed by people first,
// at most limit groups (0: all). The ops console's charts and tables.
func (s *Store) Totals(ctx context.Context, r Range, tenant, by string, limit int) ([]Total, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	col, ok := totalColumns[by]
	if !ok {
		return nil, fmt.Errorf("page views by %q: %w", by, hubstore.ErrInvalidArgument)
	}
	order := "sum(views) DESC, 1"
	if by == ByDay {
		order = "1"
	}
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d", limit)
	}
	from, to := r.dates()
	rows, err := s.pool.Query(ctx, `SELECT `+col+`, sum(views)::bigint, sum(bot_views)::bigint FROM page_views
		WHERE day BETWEEN $1::date AND $2::date AND ($3 = '*' OR tenant_id = $3)
		GROUP BY 1 ORDER BY `+order+lim, from, to, tenant)
	if err != nil {
		return nil, hubstore.MapErr("page view totals", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Total])
	return out, hubstore.MapErr("page view totals", err)
}
