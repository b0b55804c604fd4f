package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/compliance"
)

// tenantsPageSize is how many tenants a page of the list shows.
const tenantsPageSize = 50

var statuses = []string{"active", "suspended", "retired"}

type tenantsData struct {
	Filter     hubread.OpsTenantFilter
	Kinds      []string
	Statuses   []string
	Rows       []tenantRow
	Prev, Next string
	Week       string
	Rules      bool
	Alerts     int // Article 11.3 alerts of the last alertBannerDays
}

type tenantRow struct {
	hubread.OpsTenant
	Compliance *compliance.Assessment
}

// tenants is the tenant list: search by id or name, filter by kind and
// status, keyset-paged by id (hubread.OpsTenants), with each tenant's
// Article 11 status in the current week.
func (s *Server) tenants(c *gin.Context) error {
	f := hubread.OpsTenantFilter{Query: c.Query("q"), Kind: c.Query("kind"), Status: c.Query("status")}
	if (f.Kind != "" && !slices.Contains(hubread.TenantKinds, f.Kind)) || (f.Status != "" && !slices.Contains(statuses, f.Status)) {
		return errBadInput
	}
	cur, err := cursorOf(c, hubread.TenantsKeyFields)
	if err != nil {
		return err
	}
	pg, err := s.read.OpsTenants(c.Request.Context(), f, cur, tenantsPageSize)
	if err != nil {
		return err
	}
	d := tenantsData{Filter: f, Kinds: hubread.TenantKinds, Statuses: statuses, Rules: s.cfg.Rules != nil}
	now := s.cfg.Now()
	week := compliance.WeekOf(now)
	d.Week = week.String()
	var ts []hubread.Tenant
	for _, t := range pg.Rows {
		ts = append(ts, t.Tenant)
	}
	assessed, err := s.weekStatus(c.Request.Context(), ts, week)
	if err != nil {
		return err
	}
	for _, t := range pg.Rows {
		row := tenantRow{OpsTenant: t}
		if a, ok := assessed[t.ID]; ok {
			row.Compliance = &a
		}
		d.Rows = append(d.Rows, row)
	}
	q := url.Values{"q": {f.Query}, "kind": {f.Kind}, "status": {f.Status}}
	d.Prev, d.Next = pageLink("/don-vi", q, cursorToken(pg.Prev)), pageLink("/don-vi", q, cursorToken(pg.Next))
	if d.Rules {
		alerts, err := s.read.ComplianceAlerts(c.Request.Context(), now.AddDate(0, 0, -alertBannerDays), maxAlertsShown)
		if err != nil {
			return err
		}
		d.Alerts = len(alerts)
	}
	return s.show(c, http.StatusOK, "tenants", s.newPage(c, s.loc(c).T("tenants.title"), "tenants", d))
}

// weekStatus assesses tenants (those not retired) in week under the
// deployment's rules; empty without rules.
func (s *Server) weekStatus(ctx context.Context, ts []hubread.Tenant, week compliance.Week) (map[string]compliance.Assessment, error) {
	out := map[string]compliance.Assessment{}
	if s.cfg.Rules == nil || len(ts) == 0 {
		return out, nil
	}
	updates, err := s.cfg.Store.ComplianceUpdates(ctx, week.Start(), week.End(), s.cfg.Rules.Counting.BulkImportAgeDays)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	for _, t := range ts {
		if t.Status == "retired" || !t.CreatedAt.Before(week.End()) {
			continue
		}
		a, err := s.cfg.Rules.Assess(complianceTenant(t), week, updates[t.ID], now)
		if err != nil {
			return nil, err
		}
		out[t.ID] = a
	}
	return out, nil
}

func complianceTenant(t hubread.Tenant) compliance.Tenant {
	return compliance.Tenant{ID: t.ID, Provincial: t.Kind == "province", Created: t.CreatedAt}
}
