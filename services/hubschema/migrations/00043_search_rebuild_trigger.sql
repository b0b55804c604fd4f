-- +goose Up
-- Search (issue 8 point 6): a publish writes its documents with plain
-- statements planned once per connection (hubstore's writeDocs: one
-- INSERT ... ON CONFLICT for the documents, deleting the item's others in
-- the same statement), no longer through search_put_vectors and
-- search_remove, plpgsql functions that planned their dynamic statements
-- at every call and looked up twice per document whether a rebuild runs.
-- A rebuild (hubctl search reindex, hubstore.Reindex) instead puts this
-- trigger on search_docs while it fills search_docs_next, and the swap
-- drops it with the old table: every document written, changed or deleted
-- in the index meanwhile is written, changed or deleted there too, by
-- whatever statement (also a rename's or a merge's change of tenant_id,
-- which the functions did not carry over). The functions stay for older
-- callers; during a rebuild their own write into search_docs_next repeats
-- the trigger's.
-- +goose StatementBegin
CREATE FUNCTION search_docs_mirror() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A rebuild's table dropped by hand leaves its trigger without a
    -- target: writes to the index go on.
    IF to_regclass('search_docs_next') IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_docs_next
        WHERE tenant_id = OLD.tenant_id AND content_id = OLD.content_id AND locale = OLD.locale;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_docs_next (tenant_id, content_id, locale, kind, category, published_at, title, summary,
            body, head, exact, tsv)
        VALUES (NEW.tenant_id, NEW.content_id, NEW.locale, NEW.kind, NEW.category, NEW.published_at, NEW.title,
            NEW.summary, NEW.body, NEW.head, NEW.exact, NEW.tsv)
        ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET (kind, category, published_at, title, summary,
            body, head, exact, tsv) = (EXCLUDED.kind, EXCLUDED.category, EXCLUDED.published_at, EXCLUDED.title,
            EXCLUDED.summary, EXCLUDED.body, EXCLUDED.head, EXCLUDED.exact, EXCLUDED.tsv);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS search_docs_mirror ON search_docs;
DROP FUNCTION search_docs_mirror;
