package hubread

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// TenantsKeyFields is the number of fields of a tenant list cursor's key:
// the tenant's id, the list's order.
const TenantsKeyFields = 1

// TenantsPage returns one page of every tenant (of any status) in the
// order of their ids, in one query: the open API's list, which a harvester
// walks page by page. (Tenants is the whole list in Vietnamese order, for
// pages.)
func (s *Store) TenantsPage(ctx context.Context, cur *Cursor, limit int) (Page[Tenant], error) {
	if limit <= 0 {
		limit = PageSize
	}
	where, order, args := "", "ASC", []any{limit + 1}
	if cur != nil {
		if len(cur.Key) != TenantsKeyFields {
			return Page[Tenant]{}, fmt.Errorf("tenants: %w", ErrBadCursor)
		}
		where = "WHERE t.id > $2"
		if cur.Dir == Before {
			where, order = "WHERE t.id < $2", "DESC"
		}
		args = append(args, cur.Key[0])
	}
	rows, err := s.pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants t `+where+` ORDER BY t.id `+order+` LIMIT $1`, args...)
	if err != nil {
		return Page[Tenant]{}, fmt.Errorf("tenants: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Tenant, error) { return scanTenant(r) })
	if err != nil {
		return Page[Tenant]{}, fmt.Errorf("tenants: %w", err)
	}
	return paginate(ts, limit, cur, func(t Tenant) []string { return []string{t.ID} }), nil
}
