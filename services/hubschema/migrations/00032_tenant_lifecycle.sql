-- +goose Up
-- The 2025 reform's tenant lifecycle (issue 10 point 3): rename, merge,
-- retire, and the redirect map of the old portals. docs/ARCHITECTURE.md
-- "Tenant lifecycle" has the rules.

-- A rename changes tenants.id in place: every foreign key to a tenant, to
-- an item or to a legal document follows it (ON UPDATE CASCADE), and a
-- merge moves items to their new owner the same way (items' key changes).
-- The columns that name a tenant without a foreign key (search_docs,
-- slug_history, legal_documents, page_views...) are updated by the store
-- (hubstore/lifecycle.go); hubschema's TestTenantKeysCascade keeps every
-- foreign key here cascading.
-- +goose StatementBegin
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.conname, c.conrelid::regclass AS tbl, pg_get_constraintdef(c.oid) AS def
             FROM pg_constraint c
             WHERE c.contype = 'f' AND c.confupdtype <> 'c'
               AND c.confrelid IN ('tenants'::regclass, 'items'::regclass, 'legal_documents'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s ON UPDATE CASCADE', r.tbl, r.conname, r.def);
    END LOOP;
END $$;
-- +goose StatementEnd

-- A retired unit: its successor (merged units always have one), and what
-- its old URLs answer: 'redirect' (merged: 301 to the successor's pages),
-- 'banner' (its pages stay, with a banner naming the unit, its years and
-- its successor) or 'gone' (410, where ops decide so).
ALTER TABLE tenants
    ADD COLUMN successor_id  text REFERENCES tenants (id) ON UPDATE CASCADE,
    ADD COLUMN retired_pages text NOT NULL DEFAULT 'banner' CHECK (retired_pages IN ('banner', 'gone', 'redirect')),
    ADD CONSTRAINT tenants_successor_not_self CHECK (successor_id <> id);

-- The ids a tenant had before a rename: their URLs answer 301 to the same
-- path under the current id. A chain of renames follows the cascade.
CREATE TABLE tenant_aliases (
    old_id     text PRIMARY KEY CHECK (old_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    tenant_id  text NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE ON DELETE CASCADE,
    renamed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_aliases_tenant ON tenant_aliases (tenant_id);

-- A new tenant may not take an id whose old URLs redirect elsewhere.
-- +goose StatementBegin
CREATE FUNCTION tenants_id_not_alias() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tenant_aliases WHERE old_id = NEW.id) THEN
        RAISE EXCEPTION 'tenant id % was renamed; its old URLs redirect', NEW.id
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'tenants_id_not_alias';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tenants_id_not_alias BEFORE INSERT OR UPDATE OF id ON tenants
    FOR EACH ROW EXECUTE FUNCTION tenants_id_not_alias();

-- The unit that first published an item, when a merge moved it to
-- another (its page names that unit and its years).
ALTER TABLE items ADD COLUMN first_tenant_id text REFERENCES tenants (id) ON UPDATE CASCADE;

-- Items a merge moved: their old (tenant, content id) and each old slug
-- lead to where they are now.
CREATE TABLE item_moves (
    from_tenant     text NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE,
    from_content_id text NOT NULL,
    tenant_id       text NOT NULL,
    content_id      text NOT NULL,
    moved_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (from_tenant, from_content_id),
    FOREIGN KEY (tenant_id, content_id) REFERENCES items (tenant_id, content_id) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE TABLE slug_moves (
    from_tenant text NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE,
    locale      text NOT NULL CHECK (locale IN ('vi', 'en', 'ru')),
    slug        text NOT NULL,
    tenant_id   text NOT NULL,
    content_id  text NOT NULL,
    PRIMARY KEY (from_tenant, locale, slug),
    FOREIGN KEY (tenant_id, content_id) REFERENCES items (tenant_id, content_id) ON UPDATE CASCADE ON DELETE CASCADE
);

-- The redirect map of the old portals of merged units (hubctl redirects
-- import): an old URL (host, path with its query) lands on an item, a
-- section (category code) or the home of a tenant, in a language.
CREATE TABLE redirect_map (
    host        text NOT NULL CHECK (length(host) <= 253 AND
        host ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$'),
    path        text NOT NULL CHECK (left(path, 1) = '/' AND length(path) <= 2000),
    tenant_id   text NOT NULL REFERENCES tenants (id) ON UPDATE CASCADE,
    content_id  text NOT NULL DEFAULT '',
    category    text NOT NULL DEFAULT '' ,
    locale      text NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en', 'ru')),
    imported_by text NOT NULL CHECK (imported_by <> ''),
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host, path),
    CHECK (content_id = '' OR category = '')
);

GRANT SELECT ON tenant_aliases, item_moves, slug_moves, redirect_map TO portalhub_reader;

-- +goose Down
REVOKE SELECT ON tenant_aliases, item_moves, slug_moves, redirect_map FROM portalhub_reader;
DROP TABLE redirect_map, slug_moves, item_moves;
ALTER TABLE items DROP COLUMN first_tenant_id;
DROP TRIGGER tenants_id_not_alias ON tenants;
DROP FUNCTION tenants_id_not_alias;
DROP TABLE tenant_aliases;
ALTER TABLE tenants DROP CONSTRAINT tenants_successor_not_self, DROP COLUMN retired_pages, DROP COLUMN successor_id;
-- +goose StatementBegin
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.conname, c.conrelid::regclass AS tbl, pg_get_constraintdef(c.oid) AS def
             FROM pg_constraint c
             WHERE c.contype = 'f' AND c.confupdtype = 'c'
               AND c.confrelid IN ('tenants'::regclass, 'items'::regclass, 'legal_documents'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, replace(r.def, ' ON UPDATE CASCADE', ''));
    END LOOP;
END $$;
-- +goose StatementEnd
