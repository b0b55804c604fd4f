-- +goose Up
-- Search (issue 8 point 6): the index's vectors arrive built, as tsvector
-- literals per text (hubstore assembles them from each word's lexemes,
-- which it asks of to_tsvector once per word: search.VectorLiteral), and
-- are only weighted and joined here. PostgreSQL's parser turning every
-- document's text into vectors inside the publish's transaction was most
-- of what the index added to a publish. search_vectors and search_put (the
-- vectors from the texts) stay, for what still calls them during an
-- upgrade and for the tests that compare both ways.

-- The vectors of one document from the vectors of its texts by weight (a
-- title, b summary, c details, d body) and of its exact texts (xa, xb, xd):
-- search_vectors with to_tsvector done beforehand.
-- +goose StatementBegin
CREATE FUNCTION search_vectors_of(a tsvector, b tsvector, c tsvector, d tsvector,
    xa tsvector, xb tsvector, xd tsvector,
    OUT head tsvector, OUT tsv tsvector, OUT exact tsvector)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT h, h || setweight(c, 'C') || d, setweight(xa, 'A') || setweight(xb, 'B') || xd
    FROM (SELECT setweight(a, 'A') || setweight(b, 'B') AS h) v
$$;
-- +goose StatementEnd

-- search_put_vectors writes one document into the index, and into the
-- index being rebuilt (search_docs_next) when there is one: search_put
-- with the texts' vectors.
-- +goose StatementBegin
CREATE FUNCTION search_put_vectors(p_tenant text, p_content text, p_locale text, p_kind text, p_category text,
    p_published timestamptz, p_title text, p_summary text, p_body text,
    a tsvector, b tsvector, c tsvector, d tsvector, xa tsvector, xb tsvector, xd tsvector) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v record;
    target text;
BEGIN
    SELECT * INTO v FROM search_vectors_of(a, b, c, d, xa, xb, xd);
    FOREACH target IN ARRAY ARRAY['search_docs', 'search_docs_next'] LOOP
        CONTINUE WHEN to_regclass(target) IS NULL;
        EXECUTE format('INSERT INTO %I (tenant_id, content_id, locale, kind, category, published_at,
                title, summary, body, head, exact, tsv)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET (kind, category, published_at, title,
                summary, body, head, exact, tsv) = (EXCLUDED.kind, EXCLUDED.category, EXCLUDED.published_at,
                EXCLUDED.title, EXCLUDED.summary, EXCLUDED.body, EXCLUDED.head, EXCLUDED.exact, EXCLUDED.tsv)', target)
        USING p_tenant, p_content, p_locale, p_kind, p_category, p_published, p_title, p_summary, p_body,
            v.head, v.exact, v.tsv;
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION search_put_vectors, search_vectors_of;
