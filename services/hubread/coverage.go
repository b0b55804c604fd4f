package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// KindCoverage is what a tenant has published of one kind: the items
// visible now, and how many of them have an English and a Russian version.
type KindCoverage struct {
	Items, English, Russian int
}

// Coverage returns, for each of the tenants named, its visible items per
// kind (the kind's word, as contentrules.KindWord spells it) with their
// English and Russian versions: the ops console's coverage view (which
// Article 8 kinds and which languages each tenant has published). One
// query over the tenants' items (items_tenant_latest).
func (s *Store) Coverage(ctx context.Context, tenants []string) (map[string]map[string]KindCoverage, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.tenant_id, i.kind, count(*),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM item_translations tr
				WHERE tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id AND tr.locale = 'en')),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM item_translations tr
				WHERE tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id AND tr.locale = 'ru'))
		FROM items i
		WHERE i.tenant_id = ANY($1) AND i.state = 'published' AND i.taken_down_at IS NULL
		GROUP BY i.tenant_id, i.kind`, tenants)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]KindCoverage{}
	for rows.Next() {
		var tenant, kind string
		var c KindCoverage
		if err := rows.Scan(&tenant, &kind, &c.Items, &c.English, &c.Russian); err != nil {
			return nil, fmt.Errorf("coverage: %w", err)
		}
		if out[tenant] == nil {
			out[tenant] = map[string]KindCoverage{}
		}
		out[tenant][kind] = c
	}
	return out, rows.Err()
}

// CoverageGaps are what a tenant whose coverage is cov lacks: the required
// kinds it has published nothing of, and the kinds wanted in English that
// have items but none in English.
func CoverageGaps(cov map[string]KindCoverage, required, english []string) (missing, englishMissing []string) {
	for _, kind := range required {
		if cov[kind].Items == 0 {
			missing = append(missing, kind)
		}
	}
	for _, kind := range english {
		if k := cov[kind]; k.Items > 0 && k.English == 0 {
			englishMissing = append(englishMissing, kind)
		}
	}
	return missing, englishMissing
}

// ComplianceAlert is an Article 11.3 alert the hub raised: a tenant
// behind in a period (a week, or the provincial portal's working day).
type ComplianceAlert struct {
	Tenant, Period string
	RaisedAt       time.Time
}

// ComplianceAlerts returns the alerts raised since since, the newest first,
// at most limit.
func (s *Store) ComplianceAlerts(ctx context.Context, since time.Time, limit int) ([]ComplianceAlert, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, period, raised_at FROM compliance_alerts
		WHERE raised_at >= $1 ORDER BY raised_at DESC, tenant_id LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("compliance alerts: %w", err)
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ComplianceAlert, error) {
		var a ComplianceAlert
		err := r.Scan(&a.Tenant, &a.Period, &a.RaisedAt)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("compliance alerts: %w", err)
	}
	return as, nil
}
