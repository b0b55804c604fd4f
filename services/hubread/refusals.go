package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Refusal is a push the hub refused (hubstore.RecordRefusal): one item,
// version, reason and field, with when it was first and last refused.
type Refusal struct {
	Tenant, ContentID    string
	Version              int64
	Reason, Field        string
	MessageEN, MessageVI string
	FirstAt, LastAt      time.Time
	Times                int
}

// RefusalFilter selects refused pushes; empty fields select all.
type RefusalFilter struct {
	Tenant string
	Reason string
}

// RefusalsKeyFields is the number of fields of a refused-push list cursor's
// key: last refused, tenant, content id, version, reason, field.
const RefusalsKeyFields = 6

// Refusals returns one page of refused pushes, the most recently refused
// first, keyset-paged (RefusalsKeyFields).
func (s *Store) Refusals(ctx context.Context, f RefusalFilter, cur *Cursor, limit int) ([]Refusal, error) {
	p, err := s.RefusalsPage(ctx, f, cur, limit)
	return p.Rows, err
}

// RefusalsPage is Refusals with the page's links.
func (s *Store) RefusalsPage(ctx context.Context, f RefusalFilter, cur *Cursor, limit int) (Page[Refusal], error) {
	if limit <= 0 {
		limit = PageSize
	}
	where, order := "($2 = '' OR r.tenant_id = $2) AND ($3 = '' OR r.reason = $3)", "DESC"
	args := []any{limit + 1, f.Tenant, f.Reason}
	if cur != nil {
		at, err := cur.Time(0)
		if err != nil || len(cur.Key) != RefusalsKeyFields {
			return Page[Refusal]{}, fmt.Errorf("refused pushes: %w", ErrBadCursor)
		}
		var version int64
		if _, err := fmt.Sscan(cur.Key[3], &version); err != nil {
			return Page[Refusal]{}, fmt.Errorf("refused pushes: %w", ErrBadCursor)
		}
		op := "<"
		if cur.Dir == Before {
			op, order = ">", "ASC"
		}
		where += " AND (r.last_at, r.tenant_id, r.content_id, r.version, r.reason, r.field) " + op + " ($4, $5, $6, $7, $8, $9)"
		args = append(args, at, cur.Key[1], cur.Key[2], version, cur.Key[4], cur.Key[5])
	}
	rows, err := s.pool.Query(ctx, `SELECT r.tenant_id, r.content_id, r.version, r.reason, r.field, r.message_en, r.message_vi,
			r.first_at, r.last_at, r.times
		FROM refused_pushes r WHERE `+where+`
		ORDER BY r.last_at `+order+`, r.tenant_id `+order+`, r.content_id `+order+`, r.version `+order+`, r.reason `+order+`, r.field `+order+`
		LIMIT $1`, args...)
	if err != nil {
		return Page[Refusal]{}, fmt.Errorf("refused pushes: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Refusal, error) {
		var x Refusal
		err := r.Scan(&x.Tenant, &x.ContentID, &x.Version, &x.Reason, &x.Field, &x.MessageEN, &x.MessageVI, &x.FirstAt, &x.LastAt, &x.Times)
		return x, err
	})
	if err != nil {
		return Page[Refusal]{}, fmt.Errorf("refused pushes: %w", err)
	}
	return paginate(rs, limit, cur, func(x Refusal) []string {
		return []string{KeyTime(x.LastAt), x.Tenant, x.ContentID, fmt.Sprint(x.Version), x.Reason, x.Field}
	}), nil
}
