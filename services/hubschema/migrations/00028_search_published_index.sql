-- +goose Up
-- Search (issue 8 point 6): a btree on the documents' publication time, so
-- that a search limited to a date range combines it with the GIN index's
-- bitmap rather than reading every match to filter it (hubread's
-- searchFilters; at 200,000 items a month's "cap giay phep xay dung" read
-- every title and body match: 360 ms). `hubctl search reindex` builds it
-- on the table it swaps in.
CREATE INDEX IF NOT EXISTS search_docs_published ON search_docs (published_at);

-- +goose Down
DROP INDEX search_docs_published;
