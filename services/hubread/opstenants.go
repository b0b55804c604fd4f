package hubread

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// OpsTenant is a row of the ops console's tenant list: the tenant, how many
// items the hub holds of it, and when it last made an update that counts
// (Article 11).
type OpsTenant struct {
	Tenant
	Items      int
	LastUpdate *time.Time
}

// OpsTenantFilter selects tenants for the console; empty fields select all.
type OpsTenantFilter struct {
	// Query matches the id or a name, ignoring case and diacritics.
	Query  string
	Kind   string
	Status string
}

// likePattern is a LIKE pattern matching s anywhere, its wildcards escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// OpsTenants returns one page of the tenants f selects, in the order of
// their ids (keyset-paged like TenantsPage, TenantsKeyFields), with their
// item counts and latest counted update, in one query.
func (s *Store) OpsTenants(ctx context.Context, f OpsTenantFilter, cur *Cursor, limit int) (Page[OpsTenant], error) {
	if limit <= 0 {
		limit = PageSize
	}
	conds, order := []string{"true"}, "ASC"
	args := []any{limit + 1}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg(likePattern(q))
		conds = append(conds, fmt.Sprintf(`(t.id LIKE lower(%[1]s) OR hub_fold(t.name_vi) LIKE hub_fold(%[1]s)
			OR hub_fold(t.name_en) LIKE hub_fold(%[1]s))`, p))
	}
	if f.Kind != "" {
		conds = append(conds, "t.kind = "+arg(f.Kind))
	}
	if f.Status != "" {
		conds = append(conds, "t.status = "+arg(f.Status))
	}
	if cur != nil {
		if len(cur.Key) != TenantsKeyFields {
			return Page[OpsTenant]{}, fmt.Errorf("tenants: %w", ErrBadCursor)
		}
		op := ">"
		if cur.Dir == Before {
			op, order = "<", "DESC"
		}
		conds = append(conds, "t.id "+op+" "+arg(cur.Key[0]))
	}
	rows, err := s.pool.Query(ctx, `SELECT `+tenantColumns+`,
			coalesce((SELECT c.items FROM tenant_item_counts c WHERE c.tenant_id = t.id), 0),
			(SELECT max(u.applied_at) FROM compliance_updates u WHERE u.tenant_id = t.id)
		FROM tenants t WHERE `+strings.Join(conds, " AND ")+` ORDER BY t.id `+order+` LIMIT $1`, args...)
	if err != nil {
		return Page[OpsTenant]{}, fmt.Errorf("ops tenants: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpsTenant, error) {
		var o OpsTenant
		t, err := scanTenant(r, &o.Items, &o.LastUpdate)
		o.Tenant = t
		return o, err
	})
	if err != nil {
		return Page[OpsTenant]{}, fmt.Errorf("ops tenants: %w", err)
	}
	return paginate(ts, limit, cur, func(t OpsTenant) []string { return []string{t.ID} }), nil
}

// TenantKinds are the kinds of tenant, in the order lists show them.
var TenantKinds = []string{"province", "department", "district", "commune", "ward", "special_zone", "other"}
