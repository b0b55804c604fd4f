-- +goose Up
-- Search (issue 8): an index of what the public may find, written in the
-- transaction that applies a push or a takedown (hubstore), so an item is
-- findable exactly while it is visible. Text arrives folded by Go
-- (services/search: lower case, no diacritics, đ as d, one tone placement),
-- so the same code folds text and queries; PostgreSQL stems it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Stemmers without stop words: a query's words are never dropped, so "the
-- portal" still finds "the portal" and phrases keep their positions.
CREATE TEXT SEARCH DICTIONARY portalhub_english (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH DICTIONARY portalhub_russian (TEMPLATE = snowball, Language = russian);

-- portalhub: Latin words through the English stemmer (Vietnamese syllables,
-- folded to ASCII, come out unchanged), Cyrillic through the Russian one,
-- numbers as they are. One configuration for every locale: a query needs
-- no language to match.
CREATE TEXT SEARCH CONFIGURATION portalhub (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION portalhub
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH portalhub_english;
ALTER TEXT SEARCH CONFIGURATION portalhub
    ALTER MAPPING FOR word, hword, hword_part WITH portalhub_russian;
-- portalhub_exact: words as written (diacritics kept), for the boost of
-- exact-diacritic matches.
CREATE TEXT SEARCH CONFIGURATION portalhub_exact (COPY = simple);

-- One row per visible item and locale. head is the title and codes
-- (weight A) and the summary (B), small enough to rank every match with;
-- tsv is everything (details C, body and attachments D), matched through
-- its GIN index; exact is the title, summary and the body's first words
-- with diacritics. title, summary and body are plain text for snippets.
CREATE TABLE search_docs (
    tenant_id     text NOT NULL,
    content_id    text NOT NULL,
    locale        text NOT NULL CHECK (locale IN ('vi', 'en', 'ru')),
    kind          text NOT NULL,
    category      text NOT NULL,
    published_at  timestamptz NOT NULL,
    title         text NOT NULL,
    summary       text NOT NULL,
    body          text NOT NULL,
    head          tsvector NOT NULL,
    exact         tsvector NOT NULL,
    tsv           tsvector NOT NULL,
    PRIMARY KEY (tenant_id, content_id, locale)
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);

-- The vectors of one document from its folded texts by weight (a title,
-- b summary, c details, d body) and its exact texts (xa, xb, xd).
-- +goose StatementBegin
CREATE FUNCTION search_vectors(a text, b text, c text, d text, xa text, xb text, xd text,
    OUT head tsvector, OUT tsv tsvector, OUT exact tsvector)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT h, h || setweight(to_tsvector('portalhub', c), 'C') || to_tsvector('portalhub', d),
           setweight(to_tsvector('portalhub_exact', xa), 'A') || setweight(to_tsvector('portalhub_exact', xb), 'B')
           || to_tsvector('portalhub_exact', xd)
    FROM (SELECT setweight(to_tsvector('portalhub', a), 'A') || setweight(to_tsvector('portalhub', b), 'B') AS h) v
$$;
-- +goose StatementEnd

-- search_put writes one document into the index, and into the index being
-- rebuilt (search_docs_next, see hubctl search reindex) when there is one,
-- so a rebuild misses no change made while it runs.
-- +goose StatementBegin
CREATE FUNCTION search_put(p_tenant text, p_content text, p_locale text, p_kind text, p_category text,
    p_published timestamptz, p_title text, p_summary text, p_body text,
    a text, b text, c text, d text, xa text, xb text, xd text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM search_vectors(a, b, c, d, xa, xb, xd);
    INSERT INTO search_docs AS s (tenant_id, content_id, locale, kind, category, published_at,
        title, summary, body, head, exact, tsv)
    VALUES (p_tenant, p_content, p_locale, p_kind, p_category, p_published, p_title, p_summary, p_body,
        v.head, v.exact, v.tsv)
    ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET kind = EXCLUDED.kind,
        category = EXCLUDED.category, published_at = EXCLUDED.published_at, title = EXCLUDED.title,
        summary = EXCLUDED.summary, body = EXCLUDED.body, head = EXCLUDED.head,
        exact = EXCLUDED.exact, tsv = EXCLUDED.tsv;
    IF to_regclass('search_docs_next') IS NOT NULL THEN
        EXECUTE 'INSERT INTO search_docs_next (tenant_id, content_id, locale, kind, category, published_at,
                title, summary, body, head, exact, tsv)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET kind = EXCLUDED.kind,
                category = EXCLUDED.category, published_at = EXCLUDED.published_at, title = EXCLUDED.title,
                summary = EXCLUDED.summary, body = EXCLUDED.body, head = EXCLUDED.head,
                exact = EXCLUDED.exact, tsv = EXCLUDED.tsv'
        USING p_tenant, p_content, p_locale, p_kind, p_category, p_published, p_title, p_summary, p_body,
            v.head, v.exact, v.tsv;
    END IF;
END;
$$;
-- +goose StatementEnd

-- search_remove deletes an item's documents but those in keep (locales),
-- from the index and the one being rebuilt.
-- +goose StatementBegin
CREATE FUNCTION search_remove(p_tenant text, p_content text, keep text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_docs WHERE tenant_id = p_tenant AND content_id = p_content AND locale <> ALL (keep);
    IF to_regclass('search_docs_next') IS NOT NULL THEN
        EXECUTE 'DELETE FROM search_docs_next WHERE tenant_id = $1 AND content_id = $2 AND locale <> ALL ($3)'
            USING p_tenant, p_content, keep;
    END IF;
END;
$$;
-- +goose StatementEnd

-- The version of the index's definition the rows were built with
-- (search.IndexVersion in Go): the aggregator rebuilds online when it is
-- older.
CREATE TABLE search_meta (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    built     int NOT NULL DEFAULT 0,
    built_at  timestamptz
);
INSERT INTO search_meta DEFAULT VALUES;

-- Text extracted from attachments (PDF with pdftotext, OOXML and ODF from
-- their XML) when they are uploaded; error says why there is none.
CREATE TABLE blob_texts (
    sha256        bytea PRIMARY KEY REFERENCES blobs (sha256),
    text          text NOT NULL DEFAULT '',
    error         text NOT NULL DEFAULT '',
    extracted_at  timestamptz NOT NULL DEFAULT now()
);

-- Acronyms and synonyms, both ways or one way (former unit names), as
-- folded words: loaded from services/search/synonyms.txt on every migrate.
CREATE TABLE search_synonyms (
    from_words  text NOT NULL,
    to_words    text NOT NULL,
    PRIMARY KEY (from_words, to_words)
);

-- Best bets: a query (normalised: folded words one space apart) shows
-- chosen items first. Edited by the ops team (hubctl search bestbet).
CREATE TABLE search_bestbets (
    query       text NOT NULL CHECK (query <> '' AND length(query) <= 200),
    tenant_id   text NOT NULL REFERENCES tenants (id),
    content_id  text NOT NULL,
    position    int  NOT NULL DEFAULT 0,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (query, tenant_id, content_id)
);

-- Words of titles and summaries (folded, with a written form to show), for
-- "did you mean" by trigram similarity.
CREATE TABLE search_vocabulary (
    word     text PRIMARY KEY,
    display  text NOT NULL
);
CREATE INDEX search_vocabulary_trgm ON search_vocabulary USING gin (word gin_trgm_ops);

-- Queries that found nothing, per day, as normalised words only: no
-- address, no time of day, no visitor.
CREATE TABLE search_misses (
    day    date NOT NULL,
    query  text NOT NULL CHECK (length(query) <= 200),
    count  bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (day, query)
);

-- Who owns a tenant's content in public: the tenant, or for a retired one
-- its parent's owner (issue 10 puts merges here). The one place search
-- resolves owners.
CREATE VIEW tenant_owners AS
WITH RECURSIVE o (tenant_id, owner_id, depth) AS (
    SELECT id, id, 0 FROM tenants
    UNION ALL
    SELECT o.tenant_id, t.parent_id, o.depth + 1
    FROM o JOIN tenants t ON t.id = o.owner_id
    WHERE t.status = 'retired' AND t.parent_id IS NOT NULL AND o.depth < 10
)
SELECT DISTINCT ON (tenant_id) tenant_id, owner_id FROM o ORDER BY tenant_id, depth DESC;

GRANT SELECT ON search_docs, search_synonyms, search_bestbets, search_vocabulary, tenant_owners TO portalhub_reader;

-- The gateway counts queries that found nothing; that is all it may write.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portalhub_search_counter') THEN
        CREATE ROLE portalhub_search_counter NOLOGIN;
    END IF;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE (count) ON search_misses TO portalhub_search_counter;
GRANT portalhub_search_counter TO portalhub_gateway;

-- +goose Down
REVOKE portalhub_search_counter FROM portalhub_gateway;
REVOKE ALL ON search_misses FROM portalhub_search_counter;
REVOKE SELECT ON search_docs, search_synonyms, search_bestbets, search_vocabulary, tenant_owners FROM portalhub_reader;
DROP VIEW tenant_owners;
DROP TABLE search_misses, search_vocabulary, search_bestbets, search_synonyms, blob_texts, search_meta, search_docs;
DROP FUNCTION search_remove, search_put, search_vectors;
DROP TEXT SEARCH CONFIGURATION portalhub_exact;
DROP TEXT SEARCH CONFIGURATION portalhub;
DROP TEXT SEARCH DICTIONARY portalhub_russian;
DROP TEXT SEARCH DICTIONARY portalhub_english;
