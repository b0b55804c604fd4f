package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// SaveCategories replaces the kept category list with list, the hub's
// ListCategories answer, in one transaction. An empty list changes nothing:
// the hub always has categories, so an empty answer is no list.
func (s *Store) SaveCategories(ctx context.Context, list []*pb.Category) (err error) {
	defer boundary(&err)
	if len(list) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM categories`); err != nil {
			return fmt.Errorf("save categories: %w", err)
		}
		for i, c := range list {
			names, err := json.Marshal(c.GetNames())
			if err != nil {
				return fmt.Errorf("save categories: %w", err)
			}
			slugs, err := json.Marshal(c.GetSlugs())
			if err != nil {
				return fmt.Errorf("save categories: %w", err)
			}
			kinds := make([]string, 0, len(c.GetKinds()))
			for _, k := range c.GetKinds() {
				kinds = append(kinds, contentrules.KindWord(k))
			}
			if _, err := tx.Exec(ctx, `INSERT INTO categories (code, position, names, slugs, kinds) VALUES ($1, $2, $3, $4, $5)`,
				c.GetCode(), i, names, slugs, kinds); err != nil {
				return fmt.Errorf("save category %q: %w", c.GetCode(), err)
			}
		}
		return nil
	})
}

// Categories returns the kept category list in the hub's display order,
// empty when the hub never answered.
func (s *Store) Categories(ctx context.Context) (_ []*pb.Category, err error) {
	defer boundary(&err)
	return categories(ctx, s.pool)
}

// categories reads the kept list through q (the pool or a transaction).
func categories(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) ([]*pb.Category, error) {
	rows, _ := q.Query(ctx, categoriesSQL)
	return scanCategories(rows)
}

const categoriesSQL = `SELECT code, names, slugs, kinds FROM categories ORDER BY position`

// scanCategories reads the rows of categoriesSQL (a failed query's rows
// return its error).
func scanCategories(rows pgx.Rows) ([]*pb.Category, error) {
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*pb.Category, error) {
		c := &pb.Category{}
		var names, slugs []byte
		var kinds []string
		if err := r.Scan(&c.Code, &names, &slugs, &kinds); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(names, &c.Names); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(slugs, &c.Slugs); err != nil {
			return nil, err
		}
		for _, w := range kinds {
			c.Kinds = append(c.Kinds, contentrules.KindOfWord(w))
		}
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	return list, nil
}
