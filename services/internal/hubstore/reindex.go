package hubstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// IndexVersion is the version of the search index's definition (the
// folding of services/search, the vectors of search_vectors, the fields
// indexItem gives them). Change it with the definition: the aggregator
// then rebuilds the index at start, online (Reindex).
const IndexVersion = 2

// reindexLock is the advisory lock one rebuild holds (one at a time, in
// the whole hub).
const reindexLock = 0x5ea4c8

// reindexBatch is how many items one transaction of a rebuild indexes.
const reindexBatch = 200

// reindexWorkers is how many transactions of a rebuild run at once: the
// folding (Go) and the vectors (PostgreSQL) of one batch take a core each
// way, so two keep both sides busy.
const reindexWorkers = 2

// ErrReindexRunning means another rebuild holds the lock.
var ErrReindexRunning = errors.New("a rebuild of the search index is already running")

// ReindexProgress reports a rebuild's progress: items done of total.
type ReindexProgress func(done, total int)

// IndexBuilt returns the definition version the index was last built with.
func (s *Store) IndexBuilt(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT built FROM search_meta`).Scan(&v)
	return v, mapErr("read the search index's version", err)
}

// startRebuild creates the table a rebuild fills, search_docs_next, and
// the trigger that mirrors every write into the index there (migration
// 00043), in one transaction holding off writes to the index; dropRebuild
// drops both (a rebuild that failed or was abandoned). The swap drops the
// trigger with the old table.
const (
	startRebuild = `
		LOCK TABLE search_docs IN SHARE MODE;
		DROP TRIGGER IF EXISTS search_docs_mirror ON search_docs;
		DROP TABLE IF EXISTS search_docs_next;
		CREATE TABLE search_docs_next (LIKE search_docs INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION);
		ALTER TABLE search_docs_next ADD CONSTRAINT search_docs_next_pkey PRIMARY KEY (tenant_id, content_id, locale);
		CREATE TRIGGER search_docs_mirror AFTER INSERT OR UPDATE OR DELETE ON search_docs
			FOR EACH ROW EXECUTE FUNCTION search_docs_mirror()`
	dropRebuild = `
		DROP TRIGGER IF EXISTS search_docs_mirror ON search_docs;
		DROP TABLE IF EXISTS search_docs_next`
)

// inTx runs statements (without arguments) in a transaction.
func inTx(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, statements string) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, statements)
		return err
	})
}

// Reindex rebuilds the search index online: it builds search_docs_next
// from the stored items (while every write into the index is mirrored
// there, see startRebuild), indexes it, and swaps it for search_docs in one
// short transaction, so searches never see an empty or partial index. Files
// whose text was never extracted (uploaded before search existed) are read
// first. progress may be nil.
func (s *Store) Reindex(ctx context.Context, progress ReindexProgress) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return mapErr("rebuild the search index", err)
	}
	defer conn.Release()
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, reindexLock).Scan(&locked); err != nil {
		return mapErr("rebuild the search index", err)
	}
	if !locked {
		return ErrReindexRunning
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, reindexLock)

	if err := s.extractMissingTexts(ctx); err != nil {
		return err
	}
	// Created while no push writes the index: from its commit on, every
	// write into the index is mirrored into the new table.
	if err := inTx(ctx, s.pool, startRebuild); err != nil {
		return mapErr("rebuild the search index: create the new table", err)
	}
	if err := s.backfill(ctx, progress); err != nil {
		_ = inTx(context.Background(), s.pool, dropRebuild)
		return err
	}
	// Outside a transaction, so that pushes go on writing meanwhile.
	for _, index := range []string{
		`CREATE INDEX CONCURRENTLY search_docs_next_tsv ON search_docs_next USING gin (tsv)`,
		`CREATE INDEX CONCURRENTLY search_docs_next_head ON search_docs_next USING gin (head)`,
		`CREATE INDEX CONCURRENTLY search_docs_next_published ON search_docs_next (published_at)`,
	} {
		if _, err := conn.Exec(ctx, index); err != nil {
			_ = inTx(context.Background(), s.pool, dropRebuild)
			return mapErr("rebuild the search index: index the new table", err)
		}
	}
	// Statistics before the swap: the planner has none for a new table,
	// and would plan the first searches on the rebuilt index blind.
	if _, err := conn.Exec(ctx, `ANALYZE search_docs_next`); err != nil {
		_ = inTx(context.Background(), s.pool, dropRebuild)
		return mapErr("rebuild the search index: analyze the new table", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			LOCK TABLE search_docs, search_docs_next IN ACCESS EXCLUSIVE MODE;
			DROP TABLE search_docs;
			ALTER TABLE search_docs_next RENAME TO search_docs;
			ALTER INDEX search_docs_next_tsv RENAME TO search_docs_tsv;
			ALTER INDEX search_docs_next_head RENAME TO search_docs_head;
			ALTER INDEX search_docs_next_published RENAME TO search_docs_published;
			ALTER TABLE search_docs RENAME CONSTRAINT search_docs_next_pkey TO search_docs_pkey;
			GRANT SELECT ON search_docs TO portalhub_reader`)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE search_meta SET built = $1, built_at = now()`, IndexVersion)
		return err
	})
	return mapErr("rebuild the search index: swap the tables", err)
}

// backfill indexes every findable item into search_docs_next, in batches
// of reindexBatch items, reindexWorkers at once.
func (s *Store) backfill(ctx context.Context, progress ReindexProgress) error {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, content_id FROM items
		WHERE state = 'published' AND taken_down_at IS NULL ORDER BY tenant_id, content_id`)
	if err != nil {
		return mapErr("rebuild the search index: list items", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (itemKey, error) {
		var k itemKey
		err := r.Scan(&k.tenant, &k.id)
		return k, err
	})
	if err != nil {
		return mapErr("rebuild the search index: list items", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []itemKey)
	results := make(chan batchResult)
	var wg sync.WaitGroup
	for w := 0; w < reindexWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				err := s.indexBatch(ctx, batch)
				select {
				case results <- batchResult{n: len(batch), err: err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(batches)
		for start := 0; start < len(keys); start += reindexBatch {
			select {
			case batches <- keys[start:min(start+reindexBatch, len(keys))]:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	done := 0
	for r := range results {
		if r.err != nil {
			cancel()
			for range results {
			}
			return mapErr("rebuild the search index", r.err)
		}
		done += r.n
		if progress != nil {
			progress(done, len(keys))
		}
	}
	if err := ctx.Err(); err != nil {
		return mapErr("rebuild the search index", err)
	}
	if progress != nil && len(keys) == 0 {
		progress(0, 0)
	}
	return nil
}

type itemKey struct{ tenant, id string }

type batchResult struct {
	n   int
	err error
}

// indexBatch indexes a batch of items into search_docs_next in one
// transaction (again when it lost a deadlock to a push), reading them in one
// statement and writing them in one round trip. It locks the items against
// pushes until it commits, so the rebuild never writes an older state over
// a newer one.
func (s *Store) indexBatch(ctx context.Context, batch []itemKey) error {
	tenants, ids := make([]string, len(batch)), make([]string, len(batch))
	for i, k := range batch {
		tenants[i], ids[i] = k.tenant, k.id
	}
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT i.tenant_id, i.doc, i.published_at, i.taken_down_at IS NOT NULL
				FROM items i JOIN unnest($1::text[], $2::text[]) k (t, c) ON i.tenant_id = k.t AND i.content_id = k.c
				ORDER BY i.tenant_id, i.content_id FOR SHARE OF i`, tenants, ids)
			if err != nil {
				return err
			}
			type stored struct {
				tenant      string
				doc         []byte
				publishedAt time.Time
				takenDown   bool
			}
			items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
				var it stored
				err := r.Scan(&it.tenant, &it.doc, &it.publishedAt, &it.takenDown)
				return it, err
			})
			if err != nil {
				return err
			}
			var plan indexPlan
			for _, it := range items {
				item, err := decodeDoc(it.doc)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", it.tenant, item.GetContentId(), err)
				}
				var texts map[string]string
				if inIndex(item, it.takenDown) {
					if texts, err = attachmentTexts(ctx, tx, item); err != nil {
						return err
					}
				}
				plan.add(it.tenant, item, it.publishedAt, it.takenDown, texts)
			}
			return plan.write(ctx, tx, nextTable)
		})
		if err != nil && retryable(err) && attempt < maxApplyAttempts {
			continue
		}
		return err
	}
}

// extractMissingTexts reads the text of stored files that have none yet
// (uploaded before the hub extracted text).
func (s *Store) extractMissingTexts(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `SELECT b.sha256, b.media_type FROM blobs b
		WHERE NOT EXISTS (SELECT FROM blob_texts t WHERE t.sha256 = b.sha256)`)
	if err != nil {
		return mapErr("rebuild the search index: list files", err)
	}
	type blob struct {
		sha       []byte
		mediaType string
	}
	blobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (blob, error) {
		var b blob
		err := r.Scan(&b.sha, &b.mediaType)
		return b, err
	})
	if err != nil {
		return mapErr("rebuild the search index: list files", err)
	}
	for _, b := range blobs {
		var sha [32]byte
		copy(sha[:], b.sha)
		data, err := s.blobData(ctx, b.sha)
		if err != nil {
			return err
		}
		text, textErr, err := s.blobText(ctx, sha, b.mediaType, data)
		if err != nil {
			return mapErr("rebuild the search index: read a file's text", err)
		}
		if text == "" && textErr == "" {
			textErr = "no text extracted for this type"
		}
		if _, err := s.pool.Exec(ctx, `INSERT INTO blob_texts (sha256, text, error) VALUES ($1, $2, $3)
			ON CONFLICT (sha256) DO NOTHING`, b.sha, text, textErr); err != nil {
			return mapErr("rebuild the search index: store a file's text", err)
		}
	}
	return nil
}

// blobData reads a stored file's bytes.
func (s *Store) blobData(ctx context.Context, sha []byte) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM blobs WHERE sha256 = $1`, sha).Scan(&data)
	return data, mapErr("read a stored file", err)
}

// ReindexIfStale rebuilds the index when it was built with an older
// definition than IndexVersion (or never: a hub migrated from before
// search), logging through log. The aggregator runs it at start, in the
// background; another instance already rebuilding is left to it.
func (s *Store) ReindexIfStale(ctx context.Context, logf func(msg string, done, total int, err error)) {
	if dropped, err := s.dropAbandonedRebuild(ctx); err != nil {
		logf("could not check for an abandoned rebuild of the search index", 0, 0, err)
	} else if dropped {
		logf("dropped the table of an abandoned rebuild of the search index", 0, 0, nil)
	}
	built, err := s.IndexBuilt(ctx)
	if err != nil || built >= IndexVersion {
		if err != nil {
			logf("could not read the search index's version", 0, 0, err)
		}
		return
	}
	start, last := time.Now(), time.Time{}
	err = s.Reindex(ctx, func(done, total int) {
		if time.Since(last) > 10*time.Second || done == total {
			last = time.Now()
			logf("rebuilding the search index", done, total, nil)
		}
	})
	if errors.Is(err, ErrReindexRunning) {
		return
	}
	logf(fmt.Sprintf("search index rebuilt in %s", time.Since(start).Round(time.Millisecond)), 0, 0, err)
}

// dropAbandonedRebuild drops search_docs_next when no rebuild holds the
// lock: a rebuild killed before its swap leaves it, and every push would go
// on writing each document into it too, until the next rebuild.
func (s *Store) dropAbandonedRebuild(ctx context.Context) (bool, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, mapErr("check for an abandoned rebuild", err)
	}
	defer conn.Release()
	var left bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('search_docs_next') IS NOT NULL`).Scan(&left); err != nil || !left {
		return false, mapErr("check for an abandoned rebuild", err)
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, reindexLock).Scan(&locked); err != nil || !locked {
		return false, mapErr("check for an abandoned rebuild", err) // nil when a rebuild runs
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, reindexLock)
	if err := inTx(ctx, conn, dropRebuild); err != nil {
		return false, mapErr("drop an abandoned rebuild", err)
	}
	return true, nil
}
