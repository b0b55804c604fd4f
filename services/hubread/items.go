package hubread

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ItemsQuery selects one page of items with their documents, newest first:
// the lists of the feeds and of the open API. Items the hub took down are
// never listed.
type ItemsQuery struct {
	Tenant   string // "" for every tenant
	Category string // category code, "" for every category
	Kind     string // kind word (contentrules.KindWord), "" for every kind
	// Locale keeps only the items translated into it; "" keeps all.
	Locale string
	// UpdatedSince keeps only the items changed at or after it; zero keeps
	// all.
	UpdatedSince time.Time
	// AnyState lists withdrawn, redirected and gone items too (the API
	// shows their state); otherwise only published ones (feeds).
	AnyState bool
	// ByUpdated sorts by when items last changed, (updated_at, tenant_id,
	// content_id); otherwise by (published_at, tenant_id, content_id). Both
	// descending.
	ByUpdated bool
	// Cursor is the page's place (ParseCursor(s, ItemsKeyFields)); nil for
	// the first page.
	Cursor *Cursor
	// Limit is the page size; default PageSize.
	Limit int
}

// ItemsKeyFields is the number of fields of an items cursor's key.
const ItemsKeyFields = 3

// key is the sort key of an item in the query's order.
func (q ItemsQuery) key(it *Item) []string {
	at := it.PublishedAt
	if q.ByUpdated {
		at = it.UpdatedAt
	}
	return []string{KeyTime(at), it.Tenant, it.ContentID}
}

// Items returns one page of items in one query. A cursor of another shape
// is ErrBadCursor.
func (s *Store) Items(ctx context.Context, q ItemsQuery) (Page[*Item], error) {
	limit := q.Limit
	if limit <= 0 {
		limit = PageSize
	}
	where := []string{"i.taken_down_at IS NULL"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !q.AnyState {
		where = append(where, "i.state = 'published'")
	}
	if q.Tenant != "" {
		where = append(where, "i.tenant_id = "+arg(q.Tenant))
	}
	if q.Category != "" {
		where = append(where, "i.category = "+arg(q.Category))
	}
	if q.Kind != "" {
		where = append(where, "i.kind = "+arg(q.Kind))
	}
	if q.Locale != "" {
		where = append(where, `EXISTS (SELECT 1 FROM item_translations t
			WHERE t.tenant_id = i.tenant_id AND t.content_id = i.content_id AND t.locale = `+arg(q.Locale)+`)`)
	}
	if !q.UpdatedSince.IsZero() {
		where = append(where, "i.updated_at >= "+arg(q.UpdatedSince))
	}
	at := "i.published_at"
	if q.ByUpdated {
		at = "i.updated_at"
	}
	order := "DESC"
	if c := q.Cursor; c != nil {
		if len(c.Key) != ItemsKeyFields {
			return Page[*Item]{}, fmt.Errorf("items: %w", ErrBadCursor)
		}
		t, err := c.Time(0)
		if err != nil {
			return Page[*Item]{}, fmt.Errorf("items: %w", err)
		}
		cmp := "<"
		if c.Dir == Before {
			cmp, order = ">", "ASC"
		}
		where = append(where, fmt.Sprintf("(%s, i.tenant_id, i.content_id) %s (%s, %s, %s)",
			at, cmp, arg(t), arg(c.Key[1]), arg(c.Key[2])))
	}
	sql := fmt.Sprintf(`SELECT %s FROM items i WHERE %s ORDER BY %s %s, i.tenant_id %[4]s, i.content_id %[4]s LIMIT %s`,
		itemColumns, strings.Join(where, " AND "), at, order, arg(limit+1))
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return Page[*Item]{}, fmt.Errorf("items: %w", err)
	}
	its, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Item, error) { return scanItem(r) })
	if err != nil {
		return Page[*Item]{}, fmt.Errorf("items: %w", err)
	}
	return paginate(its, limit, q.Cursor, q.key), nil
}
