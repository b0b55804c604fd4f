package hubread

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// OpsItem is what the ops console shows of an item the hub holds: its
// current version and state, its Vietnamese title (or the first it has),
// and its takedown, if any.
type OpsItem struct {
	Tenant, ContentID string
	Version           int64
	Hash              []byte
	Kind, Category    string
	State             string // published, withdrawn, redirected, gone
	PublishedAt       time.Time
	UpdatedAt         time.Time
	Title             string
	TakedownReason    *string
	TakenDownAt       *time.Time
	Locales           []string // the languages it has
}

// OpsItemsKeyFields is the number of fields of an ops item list cursor's key:
// the content id.
const OpsItemsKeyFields = 1

const opsItemColumns = `i.tenant_id, i.content_id, i.version, i.content_hash, i.kind, i.category, i.state, i.published_at,
	i.updated_at, coalesce((SELECT tr.title FROM item_translations tr WHERE tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id
		ORDER BY tr.locale <> 'vi', tr.locale LIMIT 1), ''), i.takedown_reason, i.taken_down_at,
	coalesce((SELECT array_agg(tr.locale ORDER BY tr.locale <> 'vi', tr.locale) FROM item_translations tr
		WHERE tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id), '{}')`

func scanOpsItem(r pgx.Row) (OpsItem, error) {
	var it OpsItem
	err := r.Scan(&it.Tenant, &it.ContentID, &it.Version, &it.Hash, &it.Kind, &it.Category, &it.State, &it.PublishedAt,
		&it.UpdatedAt, &it.Title, &it.TakedownReason, &it.TakenDownAt, &it.Locales)
	return it, err
}

// OpsItemFilter selects a tenant's items for the console.
type OpsItemFilter struct {
	Tenant string
	// Query matches the content id or a title, ignoring case and diacritics.
	Query string
	State string // "" for any; "down" for the items taken down
	Kind  string // an item kind's word ("organisation_unit"); "" for any
	// Lacks is a language the items have no translation in ("en"); ""
	// for any. With State "published" and Kind it lists what the coverage
	// view counts as missing (Decree 42/2022's English of the organisation).
	Lacks string
}

// OpsItems returns one page of the items f selects, by content id,
// keyset-paged (OpsItemsKeyFields).
func (s *Store) OpsItems(ctx context.Context, f OpsItemFilter, cur *Cursor, limit int) (Page[OpsItem], error) {
	if limit <= 0 {
		limit = PageSize
	}
	args := []any{limit + 1, f.Tenant}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	conds, order := []string{"i.tenant_id = $2"}, "ASC"
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg(likePattern(q))
		conds = append(conds, fmt.Sprintf(`(i.content_id LIKE lower(%[1]s) OR EXISTS (SELECT 1 FROM item_translations tr
			WHERE tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id AND hub_fold(tr.title) LIKE hub_fold(%[1]s)))`, p))
	}
	switch f.State {
	case "":
	case "down":
		conds = append(conds, "i.taken_down_at IS NOT NULL")
	default:
		conds = append(conds, "i.state = "+arg(f.State))
	}
	if f.Kind != "" {
		conds = append(conds, "i.kind = "+arg(f.Kind))
	}
	if f.Lacks != "" {
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM item_translations tr
			WHERE tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id AND tr.locale = `+arg(f.Lacks)+`)`)
	}
	if cur != nil {
		if len(cur.Key) != OpsItemsKeyFields {
			return Page[OpsItem]{}, fmt.Errorf("items: %w", ErrBadCursor)
		}
		op := ">"
		if cur.Dir == Before {
			op, order = "<", "DESC"
		}
		conds = append(conds, "i.content_id "+op+" "+arg(cur.Key[0]))
	}
	rows, err := s.pool.Query(ctx, `SELECT `+opsItemColumns+` FROM items i WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY i.content_id `+order+` LIMIT $1`, args...)
	if err != nil {
		return Page[OpsItem]{}, fmt.Errorf("ops items: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpsItem, error) { return scanOpsItem(r) })
	if err != nil {
		return Page[OpsItem]{}, fmt.Errorf("ops items: %w", err)
	}
	return paginate(items, limit, cur, func(it OpsItem) []string { return []string{it.ContentID} }), nil
}

// OpsItem returns one item as the console shows it; ErrNotFound when the
// hub holds no such item.
func (s *Store) OpsItem(ctx context.Context, tenant, contentID string) (OpsItem, error) {
	it, err := scanOpsItem(s.pool.QueryRow(ctx, `SELECT `+opsItemColumns+` FROM items i
		WHERE i.tenant_id = $1 AND i.content_id = $2`, tenant, contentID))
	if err != nil {
		return OpsItem{}, notFound(err, "item %s/%s", tenant, contentID)
	}
	return it, nil
}

// TakedownsKeyFields is the number of fields of a takedown list cursor's
// key: when it was taken down, the tenant, the content id.
const TakedownsKeyFields = 3

// OpsTakedowns returns one page of the items taken down (of every tenant),
// the newest takedown first, keyset-paged (TakedownsKeyFields).
func (s *Store) OpsTakedowns(ctx context.Context, cur *Cursor, limit int) (Page[OpsItem], error) {
	if limit <= 0 {
		limit = PageSize
	}
	where, order, args := "", "DESC", []any{limit + 1}
	if cur != nil {
		at, err := cur.Time(0)
		if err != nil || len(cur.Key) != TakedownsKeyFields {
			return Page[OpsItem]{}, fmt.Errorf("takedowns: %w", ErrBadCursor)
		}
		op := "<"
		if cur.Dir == Before {
			op, order = ">", "ASC"
		}
		where = " AND (i.taken_down_at, i.tenant_id, i.content_id) " + op + " ($2, $3, $4)"
		args = append(args, at, cur.Key[1], cur.Key[2])
	}
	rows, err := s.pool.Query(ctx, `SELECT `+opsItemColumns+` FROM items i WHERE i.taken_down_at IS NOT NULL`+where+
		` ORDER BY i.taken_down_at `+order+`, i.tenant_id `+order+`, i.content_id `+order+` LIMIT $1`, args...)
	if err != nil {
		return Page[OpsItem]{}, fmt.Errorf("takedowns: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpsItem, error) { return scanOpsItem(r) })
	if err != nil {
		return Page[OpsItem]{}, fmt.Errorf("takedowns: %w", err)
	}
	return paginate(items, limit, cur, func(it OpsItem) []string {
		return []string{KeyTime(*it.TakenDownAt), it.Tenant, it.ContentID}
	}), nil
}
