-- +goose Up
-- The first path word after /{lang}/ names one of three things: a tenant
-- (/vi/so-du-lich/), a provincial section, which is a category's slug in
-- that language (/vi/van-ban-phap-luat/), or one of the gateway's own pages
-- (/vi/search, /vi/accessibility). Each word must name one thing only, in
-- every language, whichever is added first: the triggers below refuse a
-- tenant id that is a category slug or a reserved word, a category slug
-- that is a tenant id, a reserved word or another category's slug, and a
-- reserved word already taken. Category slugs and tenant ids cannot contain
-- a dot, so feed files (/vi/rss.xml) never collide with them either.

-- Words the gateway keeps for itself. Replaces the fixed list of
-- tenants_id_not_reserved (00003) with a table that the gateway can read.
CREATE TABLE reserved_words (
    word    text PRIMARY KEY CHECK (word ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    -- What the gateway serves under it (for the operator who meets a refusal).
    purpose text NOT NULL
);
INSERT INTO reserved_words (word, purpose) VALUES
    ('files',         'attachments (/files/...)'),
    ('static',        'stylesheets and images (/static/...)'),
    ('healthz',       'liveness probe'),
    ('readyz',        'readiness probe'),
    ('metrics',       'Prometheus metrics'),
    ('api',           'the open JSON API (/api/v1/...)'),
    ('search',        'search (/{lang}/search)'),
    ('feeds',         'the list of feeds'),
    ('feedback',      'citizen feedback'),
    ('ops',           'the operations console'),
    ('admin',         'administration'),
    ('accessibility', 'the accessibility statement (/{lang}/accessibility)'),
    ('privacy',       'the personal-data notice (/{lang}/privacy)'),
    ('portals',       'the directory of every sub-portal (/{lang}/portals/)'),
    ('sitemap',       'the sitemap'),
    ('developers',    'the page for developers of the open API'),
    ('print',         'print views');
GRANT SELECT ON reserved_words TO portalhub_reader;

ALTER TABLE tenants DROP CONSTRAINT tenants_id_not_reserved;

-- A category's slug per language: its section's path word,
-- e.g. van-ban-phap-luat / legal-documents / pravovye-dokumenty.
ALTER TABLE categories
    ADD COLUMN slug_vi text,
    ADD COLUMN slug_en text,
    ADD COLUMN slug_ru text;

UPDATE categories SET (slug_vi, slug_en, slug_ru) = (
    SELECT s.vi, s.en, s.ru FROM (VALUES
        ('introduction',    'gioi-thieu',          'introduction',             'o-provintsii'),
        ('investment',      'tiem-nang-dau-tu',    'investment',               'investitsii'),
        ('tourism',         'du-lich',             'tourism',                  'turizm'),
        ('news',            'tin-tuc-su-kien',     'news',                     'novosti'),
        ('leadership',      'hoat-dong-lanh-dao',  'leadership',               'rukovodstvo'),
        ('organisation',    'co-cau-to-chuc',      'organisation',             'struktura'),
        ('legal',           'van-ban-phap-luat',   'legal-documents',          'pravovye-dokumenty'),
        ('public-services', 'dich-vu-cong',        'public-services',          'gosuslugi'),
        ('policy',          'pho-bien-phap-luat',  'law-and-policy',           'pravo-i-politika'),
        ('directory',       'danh-ba',             'directory',                'spravochnik'),
        ('procurement',     'du-an-dau-thau',      'projects-and-procurement', 'proekty-i-zakupki'),
        ('feedback',        'hoi-dap-gop-y',       'questions-and-feedback',   'voprosy-i-obrashcheniya'),
        ('statistics',      'du-lieu-thong-ke',    'data-and-statistics',      'dannye-i-statistika'),
        ('links',           'lien-ket',            'links',                    'ssylki'),
        ('highlights',      'tin-noi-bat',         'highlights',               'glavnoe')
    ) AS s (code, vi, en, ru) WHERE s.code = categories.code);
-- A category this migration does not know takes its code in every language.
UPDATE categories SET slug_vi = coalesce(slug_vi, code), slug_en = coalesce(slug_en, code), slug_ru = coalesce(slug_ru, code);

ALTER TABLE categories
    ALTER COLUMN slug_vi SET NOT NULL,
    ALTER COLUMN slug_en SET NOT NULL,
    ALTER COLUMN slug_ru SET NOT NULL,
    ADD CONSTRAINT categories_slugs CHECK (
        slug_vi ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug_vi) <= 63 AND
        slug_en ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug_en) <= 63 AND
        slug_ru ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug_ru) <= 63);
CREATE UNIQUE INDEX categories_slug_vi ON categories (slug_vi);
CREATE UNIQUE INDEX categories_slug_en ON categories (slug_en);
CREATE UNIQUE INDEX categories_slug_ru ON categories (slug_ru);

-- path_word_owner names what already holds word as a path word, leaving out
-- the tenant or category being written (self_tenant, self_category), or
-- returns NULL when nothing does.
-- +goose StatementBegin
CREATE FUNCTION path_word_owner(word text, self_tenant text, self_category text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT 'reserved word "' || r.word || '" (' || r.purpose || ')' FROM reserved_words r WHERE r.word = $1),
        (SELECT 'tenant "' || t.id || '"' FROM tenants t WHERE t.id = $1 AND t.id IS DISTINCT FROM $2),
        (SELECT 'category "' || c.code || '"' FROM categories c
         WHERE $1 IN (c.slug_vi, c.slug_en, c.slug_ru) AND c.code IS DISTINCT FROM $3 LIMIT 1));
$$;
-- +goose StatementEnd

-- The checks read other tables, so two transactions could each pass them
-- and together collide (a tenant and a category added at once): they take
-- one transaction-scoped lock first.
-- +goose StatementBegin
CREATE FUNCTION path_words_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner text;
    w text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('portalhub.path_words'));
    IF TG_TABLE_NAME = 'tenants' THEN
        owner := path_word_owner(NEW.id, NEW.id, NULL);
        IF owner IS NOT NULL THEN
            RAISE EXCEPTION 'Mã đơn vị "%" trùng với % trong đường dẫn của cổng; hãy chọn mã khác (tenant id "%" is already the path word of %)',
                NEW.id, owner, NEW.id, owner
                USING ERRCODE = 'check_violation', CONSTRAINT = 'tenants_id_not_reserved';
        END IF;
    ELSIF TG_TABLE_NAME = 'categories' THEN
        FOREACH w IN ARRAY ARRAY[NEW.slug_vi, NEW.slug_en, NEW.slug_ru] LOOP
            owner := path_word_owner(w, NULL, NEW.code);
            IF owner IS NOT NULL THEN
                RAISE EXCEPTION 'Đường dẫn "%" của chuyên mục "%" trùng với % (category slug "%" is already the path word of %)',
                    w, NEW.code, owner, w, owner
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'categories_slug_not_taken';
            END IF;
        END LOOP;
    ELSE -- reserved_words
        owner := path_word_owner(NEW.word, NULL, NULL);
        IF owner IS NOT NULL AND owner NOT LIKE 'reserved word %' THEN
            RAISE EXCEPTION 'Từ dành riêng "%" đã là % (reserved word "%" is already the path word of %)',
                NEW.word, owner, NEW.word, owner
                USING ERRCODE = 'check_violation', CONSTRAINT = 'reserved_words_not_taken';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- Tenants registered before this migration must not hold a word it gives
-- to a category or keeps: rename the tenant first (its URLs change).
-- +goose StatementBegin
DO $$
DECLARE
    clash text;
BEGIN
    SELECT string_agg(t.id || ' (' || path_word_owner(t.id, t.id, NULL) || ')', ', ') INTO clash
    FROM tenants t WHERE path_word_owner(t.id, t.id, NULL) IS NOT NULL;
    IF clash IS NOT NULL THEN
        RAISE EXCEPTION 'tenant ids that are now path words of the gateway: %', clash;
    END IF;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tenants_path_word BEFORE INSERT OR UPDATE OF id ON tenants
    FOR EACH ROW EXECUTE FUNCTION path_words_check();
CREATE TRIGGER categories_path_words BEFORE INSERT OR UPDATE OF slug_vi, slug_en, slug_ru ON categories
    FOR EACH ROW EXECUTE FUNCTION path_words_check();
CREATE TRIGGER reserved_words_free BEFORE INSERT OR UPDATE OF word ON reserved_words
    FOR EACH ROW EXECUTE FUNCTION path_words_check();

-- Section lists: a category's visible items, provincial or one tenant's,
-- newest first, paged by the key (published_at, tenant_id, content_id).
CREATE INDEX items_section ON items (category, published_at DESC, tenant_id DESC, content_id DESC)
    WHERE state = 'published' AND taken_down_at IS NULL;
CREATE INDEX items_tenant_section ON items (tenant_id, category, published_at DESC, content_id DESC)
    WHERE state = 'published' AND taken_down_at IS NULL;

-- +goose Down
DROP INDEX items_tenant_section, items_section;
DROP TRIGGER reserved_words_free ON reserved_words;
DROP TRIGGER categories_path_words ON categories;
DROP TRIGGER tenants_path_word ON tenants;
DROP FUNCTION path_words_check();
DROP FUNCTION path_word_owner(text, text, text);
ALTER TABLE categories DROP CONSTRAINT categories_slugs, DROP COLUMN slug_ru, DROP COLUMN slug_en, DROP COLUMN slug_vi;
REVOKE SELECT ON reserved_words FROM portalhub_reader;
DROP TABLE reserved_words;
ALTER TABLE tenants ADD CONSTRAINT tenants_id_not_reserved
    CHECK (id NOT IN ('files', 'static', 'healthz', 'readyz', 'metrics', 'api', 'search', 'feedback', 'ops', 'admin', 'feeds'));
