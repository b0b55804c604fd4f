package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The leadership's weekly work schedule (lịch công tác, Article 8.2): one
// WORK_SCHEDULE item per week, named by its Monday (week_of).

// Schedule names a week's schedule of a tenant.
type Schedule struct {
	Tenant, ContentID string
	WeekOf            time.Time // its Monday
	Texts             map[string]Text
}

// In returns the text in locale, or the Vietnamese one.
func (sc Schedule) In(locale string) (Text, bool) { return Listed{Texts: sc.Texts}.In(locale) }

// CurrentSchedules returns, per tenant (one tenant's, or every tenant's for
// ""), its schedule of the week of today, else its latest earlier one, in
// one query: what the leadership section leads to.
func (s *Store) CurrentSchedules(ctx context.Context, tenant string, today time.Time) ([]Schedule, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.tenant_id, i.content_id, i.week_of, tr.locales, tr.slugs, tr.titles, tr.summaries
		FROM (SELECT DISTINCT ON (i.tenant_id) i.tenant_id, i.content_id, hub_date(i.doc #>> '{workSchedule,weekOf}') AS week_of
			FROM items i
			WHERE i.kind = 'work_schedule' AND `+visibleItems+` AND ($2 = '' OR i.tenant_id = $2)
			  AND hub_date(i.doc #>> '{workSchedule,weekOf}') <= $1::date
			ORDER BY i.tenant_id, week_of DESC, i.published_at DESC) i
		`+translationsOf("i")+`
		JOIN tenants t ON t.id = i.tenant_id
		WHERE tr.locales IS NOT NULL
		ORDER BY t.kind = 'province' DESC, i.week_of DESC, t.name_vi COLLATE "vi-x-icu"`, today.Format(time.DateOnly), tenant)
	if err != nil {
		return nil, fmt.Errorf("current schedules: %w", err)
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Schedule, error) {
		var sc Schedule
		var locales, slugs, titles, summaries []string
		err := r.Scan(&sc.Tenant, &sc.ContentID, &sc.WeekOf, &locales, &slugs, &titles, &summaries)
		sc.Texts = texts(locales, slugs, titles, summaries)
		return sc, err
	})
	if err != nil {
		return nil, fmt.Errorf("current schedules: %w", err)
	}
	return ss, nil
}
