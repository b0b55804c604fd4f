-- +goose Up
-- Search (issue 8 point 6): the index's large values (the plain body, the
-- vectors) compressed with lz4 rather than pglz. Compressing them was a
-- large share of writing a document: 1.46 ms a document with pglz, 0.93 ms
-- with lz4, on the bench's corpus, for the same size (109 MB against 111 MB
-- for 7,000 documents). Rows written from now on use it; `hubctl search
-- reindex` rewrites the rest (its new table copies the columns'
-- compression). A server built without lz4 keeps pglz.
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE search_docs ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN head SET COMPRESSION lz4,
        ALTER COLUMN exact SET COMPRESSION lz4, ALTER COLUMN tsv SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: the search index keeps pglz';
END
$$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE search_docs ALTER COLUMN body SET COMPRESSION DEFAULT, ALTER COLUMN head SET COMPRESSION DEFAULT,
    ALTER COLUMN exact SET COMPRESSION DEFAULT, ALTER COLUMN tsv SET COMPRESSION DEFAULT;
