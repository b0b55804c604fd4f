package hubstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/search"
)

// BestBet is an item the ops team puts first for a query.
type BestBet struct {
	Query             string // normalised: folded words one space apart
	Tenant, ContentID string
	Position          int
	CreatedBy         string
	CreatedAt         time.Time
}

// MaxQueryBytes bounds a query an operator types (a best bet's, the
// console's item filter): more is refused before it is parsed or matched.
const MaxQueryBytes = 1024

// QueryTooLong refuses a query of n bytes over MaxQueryBytes, in English and
// Vietnamese, without echoing it.
func QueryTooLong(what string, n int) error {
	return &Invalid{English: fmt.Sprintf("the %s is %d bytes: at most %d (1 KiB)", what, n, MaxQueryBytes),
		Vietnamese: fmt.Sprintf("Chuỗi tìm kiếm dài %d byte: tối đa %d byte (1 KiB).", n, MaxQueryBytes)}
}

// NormalizeBestBetQuery is the form a best bet's query is kept in: the
// words a search for it looks for, folded (search.Query.Normalized), so
// "Căn cước" and "can cuoc" are one best bet.
func NormalizeBestBetQuery(raw string) (string, error) {
	if len(raw) > MaxQueryBytes {
		return "", QueryTooLong("best bet query", len(raw))
	}
	q, err := search.Parse(raw, nil)
	if err != nil {
		return "", fmt.Errorf("best bet query: %v: %w", err, ErrInvalidArgument)
	}
	n := q.Normalized()
	if n == "" || len(n) > 200 {
		return "", fmt.Errorf("best bet query %q: want 1 to 200 characters of words: %w", raw, ErrInvalidArgument)
	}
	return n, nil
}

// AddBestBet puts an item first for a query (at position, lower first),
// with an audit entry. The item must exist; while it is not findable
// (withdrawn, taken down) the best bet shows nothing.
func (s *Store) AddBestBet(ctx context.Context, actor, query, tenant, contentID string, position int) (BestBet, error) {
	q, err := NormalizeBestBetQuery(query)
	if err != nil {
		return BestBet{}, err
	}
	b := BestBet{Query: q, Tenant: tenant, ContentID: contentID, Position: position, CreatedBy: actor}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM items WHERE tenant_id = $1 AND content_id = $2)`,
			tenant, contentID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("item %s/%s: %w", tenant, contentID, ErrNotFound)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO search_bestbets (query, tenant_id, content_id, position, created_by)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (query, tenant_id, content_id) DO UPDATE SET position = EXCLUDED.position
			RETURNING created_at`, q, tenant, contentID, position, actor).Scan(&b.CreatedAt); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "search.bestbet_added", tenant, contentID, map[string]any{"query": q, "position": position})
	})
	if err != nil {
		return BestBet{}, mapErr("add best bet", err)
	}
	return b, nil
}

// RemoveBestBet removes an item from a query's best bets, with an audit
// entry; ErrNotFound when it was not one.
func (s *Store) RemoveBestBet(ctx context.Context, actor, query, tenant, contentID string) error {
	q, err := NormalizeBestBetQuery(query)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM search_bestbets WHERE query = $1 AND tenant_id = $2 AND content_id = $3`,
			q, tenant, contentID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("best bet %q → %s/%s: %w", q, tenant, contentID, ErrNotFound)
		}
		return audit(ctx, tx, actor, "search.bestbet_removed", tenant, contentID, map[string]any{"query": q})
	})
	return mapErr("remove best bet", err)
}

// ListBestBets returns the best bets, by query and position; a non-empty
// query keeps that query's.
func (s *Store) ListBestBets(ctx context.Context, query string) ([]BestBet, error) {
	where, args := "", []any{}
	if strings.TrimSpace(query) != "" {
		q, err := NormalizeBestBetQuery(query)
		if err != nil {
			return nil, err
		}
		where, args = "WHERE query = $1", append(args, q)
	}
	rows, err := s.pool.Query(ctx, `SELECT query, tenant_id, content_id, position, created_by, created_at
		FROM search_bestbets `+where+` ORDER BY query, position, tenant_id, content_id`, args...)
	if err != nil {
		return nil, mapErr("list best bets", err)
	}
	bs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BestBet, error) {
		var b BestBet
		err := r.Scan(&b.Query, &b.Tenant, &b.ContentID, &b.Position, &b.CreatedBy, &b.CreatedAt)
		return b, err
	})
	return bs, mapErr("list best bets", err)
}
