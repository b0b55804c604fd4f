package hubstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// IndexVersion is the version of the search index's definition (the
// folding of services/search, the vectors of search_vectors, the fields
// indexItem gives them). Change it with the definition: the aggregator
// then rebuilds the index at start, online (Reindex).
const IndexVersion = 1

// reindexLock is the advisory lock one rebuild holds (one at a time, in
// the whole hub).
const reindexLock = 0x5ea4c8

// reindexBatch is how many items one transaction of a rebuild indexes.
const reindexBatch = 200

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

// Reindex rebuilds the search index online: it builds search_docs_next
// from the stored items (while every push and takedown writes into both
// tables, see search_put), indexes it, and swaps it for search_docs in one
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
	// push writes into both tables.
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			LOCK TABLE search_docs IN SHARE MODE;
			DROP TABLE IF EXISTS search_docs_next;
			CREATE TABLE search_docs_next (LIKE search_docs INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
			ALTER TABLE search_docs_next ADD CONSTRAINT search_docs_next_pkey PRIMARY KEY (tenant_id, content_id, locale)`)
		return err
	})
	if err != nil {
		return mapErr("rebuild the search index: create the new table", err)
	}
	if err := s.backfill(ctx, progress); err != nil {
		_, _ = s.pool.Exec(context.Background(), `DROP TABLE IF EXISTS search_docs_next`)
		return err
	}
	// Outside a transaction, so that pushes go on writing meanwhile.
	if _, err := conn.Exec(ctx, `CREATE INDEX CONCURRENTLY search_docs_next_tsv ON search_docs_next USING gin (tsv)`); err != nil {
		_, _ = s.pool.Exec(context.Background(), `DROP TABLE IF EXISTS search_docs_next`)
		return mapErr("rebuild the search index: index the new table", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			LOCK TABLE search_docs, search_docs_next IN ACCESS EXCLUSIVE MODE;
			DROP TABLE search_docs;
			ALTER TABLE search_docs_next RENAME TO search_docs;
			ALTER INDEX search_docs_next_tsv RENAME TO search_docs_tsv;
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

// backfill indexes every findable item into search_docs_next, in batches.
func (s *Store) backfill(ctx context.Context, progress ReindexProgress) error {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, content_id FROM items
		WHERE state = 'published' AND taken_down_at IS NULL ORDER BY tenant_id, content_id`)
	if err != nil {
		return mapErr("rebuild the search index: list items", err)
	}
	type key struct{ tenant, id string }
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (key, error) {
		var k key
		err := r.Scan(&k.tenant, &k.id)
		return k, err
	})
	if err != nil {
		return mapErr("rebuild the search index: list items", err)
	}
	for start := 0; start < len(keys); start += reindexBatch {
		batch := keys[start:min(start+reindexBatch, len(keys))]
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for _, k := range batch {
				if err := indexStoredInto(ctx, tx, k.tenant, k.id, "search_docs_next"); err != nil {
					return fmt.Errorf("%s/%s: %w", k.tenant, k.id, err)
				}
			}
			return nil
		})
		if err != nil {
			return mapErr("rebuild the search index", err)
		}
		if progress != nil {
			progress(start+len(batch), len(keys))
		}
	}
	if progress != nil && len(keys) == 0 {
		progress(0, 0)
	}
	return nil
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
