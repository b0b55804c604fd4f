-- +goose Up
-- Search (issue 8): the title and summary's vector gets its own GIN index,
-- so that a query finds the documents holding it in their title without
-- reading the body's matches (hubread's searchQuery ranks those first, and
-- few rows). Small: head holds a title and a summary. hubstore's Reindex
-- builds it on the table it swaps in.
CREATE INDEX search_docs_head ON search_docs USING gin (head);

-- +goose Down
DROP INDEX search_docs_head;
