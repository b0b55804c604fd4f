package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// The leadership's weekly work schedule (lịch công tác, Article 8.2): one
// WORK_SCHEDULE item per week, named by its Monday (week_of).

// Schedule names a week's schedule of a tenant.
type Schedule struct {
	Tenant, ContentID string
	WeekOf            time.Time // its Monday
	Texts             map[string]Text
	// Week is the schedule itself: its engagements, for the table the
	// section shows.
	Week *pb.WorkSchedule
}

// In returns the text in locale, or the Vietnamese one.
func (sc Schedule) In(locale string) (Text, bool) { return Listed{Texts: sc.Texts}.In(locale) }

// CurrentSchedules returns, per tenant (one tenant's, or every tenant's for
// ""), its schedule of the week of today, else its latest earlier one, in
// one query: what the leadership section shows. A date of another week
// gives that week's schedules (or the latest earlier ones).
func (s *Store) CurrentSchedules(ctx context.Context, tenant string, today time.Time) ([]Schedule, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.tenant_id, i.content_id, i.week_of, i.week, tr.locales, tr.slugs, tr.titles, tr.summaries
		FROM (SELECT DISTINCT ON (i.tenant_id) i.tenant_id, i.content_id, hub_date(i.doc #>> '{workSchedule,weekOf}') AS week_of,
				i.doc -> 'workSchedule' AS week
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
		var week []byte
		if err := r.Scan(&sc.Tenant, &sc.ContentID, &sc.WeekOf, &week, &locales, &slugs, &titles, &summaries); err != nil {
			return sc, err
		}
		sc.Texts = texts(locales, slugs, titles, summaries)
		sc.Week = &pb.WorkSchedule{}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(week, sc.Week); err != nil {
			return sc, fmt.Errorf("decode schedule %s/%s: %w", sc.Tenant, sc.ContentID, err)
		}
		return sc, nil
	})
	if err != nil {
		return nil, fmt.Errorf("current schedules: %w", err)
	}
	return ss, nil
}
