// Package stats reads the hub's statistics for reports (Article 5.2.h of
// the regulation; issue 10 point 8): page views per day, tenant and
// language, humans and bots apart (counted by the gateways, see
// gateway/internal/viewcount, into page_views), the most viewed pages, and
// the publishing activity of each tenant per day (the updates the hub
// applied, compliance_updates). Days are in GMT+7. Each report has a CSV
// form (WriteCSV).
package stats

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// Zone is the statistics' time zone (the gateways count days in it).
var Zone = time.FixedZone("GMT+7", 7*3600)

// Provincial is the tenant of the provincial portal's own pages (its
// home, sections, search) in page_views.
const Provincial = ""

// MaxDays bounds a report's period.
const MaxDays = 3 * 366

// Range is a period of whole days in Zone, From and To included.
type Range struct{ From, To time.Time }

// LastDays is the n days up to and including now's day.
func LastDays(now time.Time, n int) Range {
	t := now.In(Zone)
	to := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Zone)
	return Range{From: to.AddDate(0, 0, -(n - 1)), To: to}
}

// ParseRange reads two dates YYYY-MM-DD.
func ParseRange(from, to string) (Range, error) {
	f, err1 := time.ParseInLocation(time.DateOnly, from, Zone)
	t, err2 := time.ParseInLocation(time.DateOnly, to, Zone)
	if err := errors.Join(err1, err2); err != nil {
		return Range{}, &hubstore.Invalid{Vietnamese: "ngày dạng YYYY-MM-DD", English: "dates as YYYY-MM-DD"}
	}
	r := Range{From: f, To: t}
	return r, r.check()
}

func (r Range) check() error {
	switch {
	case r.To.Before(r.From):
		return &hubstore.Invalid{Vietnamese: "ngày cuối trước ngày đầu", English: "the last day is before the first"}
	case r.To.Sub(r.From) > MaxDays*24*time.Hour:
		return &hubstore.Invalid{Vietnamese: "tối đa ba năm", English: "three years at most"}
	}
	return nil
}

func (r Range) dates() (string, string) {
	return r.From.In(Zone).Format(time.DateOnly), r.To.In(Zone).Format(time.DateOnly)
}

// Store reads the statistics from the hub database.
type Store struct{ pool *pgxpool.Pool }

// New returns a store on the hub database.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// DayViews is the views of a tenant's pages in a language on a day.
type DayViews struct {
	Day      string `json:"day"` // YYYY-MM-DD
	Tenant   string `json:"tenant"`
	Lang     string `json:"lang"`
	Views    int64  `json:"views"`
	BotViews int64  `json:"bot_views"`
}

// Views returns the views per day, tenant and language in r (of one
// tenant when tenant is not "*"; Provincial is the provincial portal's own
// pages), by day, tenant and language.
func (s *Store) Views(ctx context.Context, r Range, tenant string) ([]DayViews, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	from, to := r.dates()
	rows, err := s.pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), tenant_id, lang, sum(views)::bigint, sum(bot_views)::bigint
		FROM page_views WHERE day BETWEEN $1::date AND $2::date AND ($3 = '*' OR tenant_id = $3)
		GROUP BY day, tenant_id, lang ORDER BY day, tenant_id, lang`, from, to, tenant)
	if err != nil {
		return nil, hubstore.MapErr("page views", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DayViews])
	return out, hubstore.MapErr("page views", err)
}

// PageViews is the views of one page in a period.
type PageViews struct {
	Tenant   string `json:"tenant"`
	Lang     string `json:"lang"`
	Path     string `json:"path"`
	Views    int64  `json:"views"`
	BotViews int64  `json:"bot_views"`
}

// TopPages returns the limit pages most viewed by people in r (of one
// tenant unless tenant is "*"), the most viewed first.
func (s *Store) TopPages(ctx context.Context, r Range, tenant string, limit int) ([]PageViews, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	from, to := r.dates()
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, lang, path, sum(views)::bigint AS v, sum(bot_views)::bigint
		FROM page_views WHERE day BETWEEN $1::date AND $2::date AND ($3 = '*' OR tenant_id = $3)
		GROUP BY tenant_id, lang, path ORDER BY v DESC, tenant_id, lang, path LIMIT $4`, from, to, tenant, limit)
	if err != nil {
		return nil, hubstore.MapErr("top pages", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PageViews])
	return out, hubstore.MapErr("top pages", err)
}

// Activity is a tenant's publishing on a day: the updates the hub applied
// that added or changed a published item (what Article 11 counts, before
// its rules leave bulk imports out), and how many of them were new items.
type Activity struct {
	Day      string `json:"day"` // YYYY-MM-DD
	Tenant   string `json:"tenant"`
	Updates  int64  `json:"updates"`
	NewItems int64  `json:"new_items"`
}

// Activity returns each tenant's publishing per day in r (one tenant
// unless tenant is "*"), days without any left out.
func (s *Store) Activity(ctx context.Context, r Range, tenant string) ([]Activity, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT to_char(applied_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS d, tenant_id,
			count(*), count(*) FILTER (WHERE new_item)
		FROM compliance_updates
		WHERE applied_at >= $1 AND applied_at < $2 AND ($3 = '*' OR tenant_id = $3)
		GROUP BY d, tenant_id ORDER BY d, tenant_id`, r.From, r.To.AddDate(0, 0, 1), tenant)
	if err != nil {
		return nil, hubstore.MapErr("publishing activity", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Activity])
	return out, hubstore.MapErr("publishing activity", err)
}
