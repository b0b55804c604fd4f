package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// Seeding 200,000 items through hubstore.Apply takes most of an hour on
// the 2-core machine (a transaction, a dozen statements, the outbox and the
// audit chain per item). The corpus is written with COPY instead: the rows
// Apply writes into the tables that pages and search read (items, whose
// trigger fills legal_documents, and item_translations), the item's
// document encoded as Apply encodes it. copyCheck proves on a sample that
// both ways store the same rows.

// copyChunk is how many items one COPY transaction writes.
const copyChunk = 1000

// itemsColumns and translationColumns are the columns COPY writes, in
// order; copyCheck compares exactly these with what Apply stored.
var (
	itemsColumns       = []string{"tenant_id", "content_id", "version", "content_hash", "kind", "category", "state", "published_at", "doc"}
	translationColumns = []string{"tenant_id", "content_id", "locale", "slug", "title", "summary"}
)

// copyRows are the rows of items and item_translations of some items.
type copyRows struct {
	items, translations [][]any
}

// add appends the rows Apply writes for p (a published item, first version).
func (c *copyRows) add(p prepared) error {
	it := p.p.Item
	doc, err := protojson.Marshal(it)
	if err != nil {
		return err
	}
	state := strings.ToLower(strings.TrimPrefix(it.GetState().String(), "PUBLICATION_STATE_"))
	if it.GetState() != pb.PublicationState_PUBLICATION_STATE_PUBLISHED || it.GetPublishedAt() == nil {
		return fmt.Errorf("%s/%s: the bench seeds published items with a publication time", p.tenant, it.GetContentId())
	}
	c.items = append(c.items, []any{p.tenant, it.GetContentId(), int64(it.GetVersion()), p.p.Hash[:],
		contentrules.KindWord(it.GetKind()), it.GetCategory(), state, it.GetPublishedAt().AsTime(), string(doc)})
	for _, tr := range it.GetTranslations() {
		c.translations = append(c.translations, []any{p.tenant, it.GetContentId(), tr.GetLocale(), tr.GetSlug(), tr.GetTitle(), tr.GetSummary()})
	}
	return nil
}

// copyInto writes rows into the tables named items and translations.
func copyInto(ctx context.Context, tx pgx.Tx, items, translations string, rows *copyRows) error {
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{items}, itemsColumns, pgx.CopyFromRows(rows.items)); err != nil {
		return fmt.Errorf("copy into %s: %w", items, err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{translations}, translationColumns, pgx.CopyFromRows(rows.translations)); err != nil {
		return fmt.Errorf("copy into %s: %w", translations, err)
	}
	return nil
}

// seedCopy writes items from..n-1 with COPY, in chunks of copyChunk, with
// workers goroutines each generating a chunk and copying it (one
// generates while the other's COPY runs), then analyzes the tables.
func seedCopy(ctx context.Context, pool *pgxpool.Pool, g *textGen, from, n, tenants, workers int, now time.Time) error {
	var next, done atomic.Int64
	next.Store(int64(from))
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	fail := func(err error) { once.Do(func() { first = err; cancel() }) }
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(copyChunk) - copyChunk)
				if lo >= n {
					return
				}
				var rows copyRows
				for i := lo; i < min(lo+copyChunk, n); i++ {
					p, err := g.prepare(i, tenants, 1, now)
					if err == nil {
						err = rows.add(p)
					}
					if err != nil {
						fail(err)
						return
					}
				}
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					return copyInto(ctx, tx, "items", "item_translations", &rows)
				})
				if err != nil {
					fail(err)
					return
				}
				d := done.Add(int64(len(rows.items)))
				fmt.Fprintf(os.Stderr, "  copied %d of %d items (%s)\n", int(d)+from, n, time.Since(start).Round(time.Second))
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	_, err := pool.Exec(ctx, `ANALYZE items; ANALYZE item_translations; ANALYZE legal_documents`)
	return err
}

// copyCheck proves that COPY stores what Apply stores: items 0..n-1,
// already applied through Apply, are written again with COPY into empty
// copies of the tables, and every compared column must equal Apply's.
func copyCheck(ctx context.Context, pool *pgxpool.Pool, g *textGen, n, tenants int, now time.Time) error {
	var rows copyRows
	for i := 0; i < n; i++ {
		p, err := g.prepare(i, tenants, 1, now)
		if err != nil {
			return err
		}
		if err := rows.add(p); err != nil {
			return err
		}
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE copy_items (LIKE items INCLUDING DEFAULTS) ON COMMIT DROP;
			CREATE TEMP TABLE copy_translations (LIKE item_translations INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
			return err
		}
		if err := copyInto(ctx, tx, "copy_items", "copy_translations", &rows); err != nil {
			return err
		}
		for _, c := range []struct{ copied, applied, cols string }{
			{"copy_items", "items", strings.Join(itemsColumns, ", ")},
			{"copy_translations", "item_translations", strings.Join(translationColumns, ", ")},
		} {
			var differ int
			err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM (
				(SELECT %[3]s FROM %[1]s EXCEPT SELECT %[3]s FROM %[2]s)
				UNION ALL
				(SELECT %[3]s FROM %[2]s EXCEPT SELECT %[3]s FROM %[1]s)) x`, c.copied, c.applied, c.cols)).Scan(&differ)
			if err != nil {
				return err
			}
			if differ > 0 {
				return fmt.Errorf("seeding with COPY: %d rows of %s differ from what Apply stored", differ, c.applied)
			}
		}
		return nil
	})
}
