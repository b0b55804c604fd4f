-- +goose Up
-- The bulk path (issue 11 point 4, hubstore.ApplyBatch): search_put_vectors
-- and search_remove for many documents in one statement each, so that a
-- batch of pushes does not run a function, and its dynamic statement, per
-- document. They write exactly what the single functions write, into the
-- index and into the one being rebuilt when there is one (looked up when
-- they run, as there). search_remove_many's keep holds, per item, the
-- locales to keep joined by commas (locales are vi, en, ru).
-- +goose StatementBegin
CREATE FUNCTION search_put_vectors_many(p_tenant text, p_content text[], p_locale text[], p_kind text[],
    p_category text[], p_published timestamptz[], p_title text[], p_summary text[], p_body text[],
    a tsvector[], b tsvector[], c tsvector[], d tsvector[], xa tsvector[], xb tsvector[], xd tsvector[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    target text;
BEGIN
    FOREACH target IN ARRAY ARRAY['search_docs', 'search_docs_next'] LOOP
        CONTINUE WHEN to_regclass(target) IS NULL;
        EXECUTE format('INSERT INTO %I (tenant_id, content_id, locale, kind, category, published_at,
                title, summary, body, head, exact, tsv)
            SELECT $1, u.content_id, u.locale, u.kind, u.category, u.published_at, u.title, u.summary, u.body,
                v.head, v.exact, v.tsv
            FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                    AS u(content_id, locale, kind, category, published_at, title, summary, body, a, b, c, d, xa, xb, xd),
                LATERAL search_vectors_of(u.a, u.b, u.c, u.d, u.xa, u.xb, u.xd) v
            ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET (kind, category, published_at, title,
                summary, body, head, exact, tsv) = (EXCLUDED.kind, EXCLUDED.category, EXCLUDED.published_at,
                EXCLUDED.title, EXCLUDED.summary, EXCLUDED.body, EXCLUDED.head, EXCLUDED.exact, EXCLUDED.tsv)', target)
        USING p_tenant, p_content, p_locale, p_kind, p_category, p_published, p_title, p_summary, p_body,
            a, b, c, d, xa, xb, xd;
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_remove_many(p_tenant text, p_content text[], keep text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    target text;
BEGIN
    FOREACH target IN ARRAY ARRAY['search_docs', 'search_docs_next'] LOOP
        CONTINUE WHEN to_regclass(target) IS NULL;
        EXECUTE format('DELETE FROM %I s USING unnest($2::text[], $3::text[]) AS r(content_id, keep)
            WHERE s.tenant_id = $1 AND s.content_id = r.content_id
              AND s.locale <> ALL (string_to_array(r.keep, '',''))', target)
        USING p_tenant, p_content, keep;
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION search_remove_many, search_put_vectors_many;
