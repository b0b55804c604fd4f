-- +goose Up
-- The hub store: the source of truth for everything the portal shows.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Tenants: one per sub-portal (provincial office, department, commune, ward...).
CREATE TABLE tenants (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    kind        text NOT NULL CHECK (kind IN ('province', 'department', 'commune', 'ward', 'special_zone', 'district', 'other')),
    name_vi     text NOT NULL,
    name_en     text NOT NULL DEFAULT '',
    name_ru     text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'retired')),
    home_url    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Credentials: 256-bit random tokens, stored as their SHA-256. Several may be
-- live at once per tenant (rotation).
CREATE TABLE credentials (
    id           bigserial PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    label        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX credentials_tenant ON credentials (tenant_id);

-- Categories: the code list the hub owns, so navigation works across tenants.
-- article8 is the kind of information of Article 8 of the regulation (1..12).
CREATE TABLE categories (
    code      text PRIMARY KEY,
    article8  int  NOT NULL CHECK (article8 BETWEEN 1 AND 12),
    position  int  NOT NULL DEFAULT 0,
    name_vi   text NOT NULL,
    name_en   text NOT NULL,
    name_ru   text NOT NULL
);

INSERT INTO categories (code, article8, position, name_vi, name_en, name_ru) VALUES
    ('introduction',  1, 10, 'Giới thiệu',                       'Introduction',                  'О провинции'),
    ('investment',    1, 20, 'Tiềm năng đầu tư',                 'Investment potential',          'Инвестиционный потенциал'),
    ('news',          2, 30, 'Tin tức - Sự kiện',                'News and events',               'Новости и события'),
    ('leadership',    2, 40, 'Hoạt động lãnh đạo',               'Leadership activities',         'Деятельность руководства'),
    ('organisation',  3, 50, 'Cơ cấu tổ chức',                   'Organisation',                  'Организационная структура'),
    ('legal',         4, 60, 'Văn bản pháp luật',                'Legal documents',               'Правовые документы'),
    ('public-services', 5, 70, 'Dịch vụ công trực tuyến',        'Online public services',        'Онлайн-госуслуги'),
    ('policy',        6, 80, 'Phổ biến pháp luật, chính sách',   'Law and policy',                'Право и политика'),
    ('directory',     7, 90, 'Danh bạ cơ quan',                  'Directory of agencies',         'Справочник органов'),
    ('procurement',   8, 100, 'Dự án, đấu thầu',                 'Projects and procurement',      'Проекты и закупки'),
    ('feedback',      9, 110, 'Hỏi đáp - Góp ý',                 'Questions and feedback',        'Вопросы и обращения'),
    ('statistics',   10, 120, 'Dữ liệu, thống kê',               'Data and statistics',           'Данные и статистика'),
    ('links',        11, 130, 'Liên kết',                        'Links',                         'Ссылки'),
    ('highlights',   12, 140, 'Tin nổi bật',                     'Highlights',                    'Главное'),
    ('tourism',       1, 25, 'Du lịch',                          'Tourism',                       'Туризм');

-- Items: the current state of each (tenant, content_id). The full canonical
-- item is kept as protobuf JSON in doc; the columns are what queries need.
CREATE TABLE items (
    tenant_id        text   NOT NULL REFERENCES tenants (id),
    content_id       text   NOT NULL,
    version          bigint NOT NULL CHECK (version > 0),
    content_hash     bytea  NOT NULL CHECK (length(content_hash) = 32),
    kind             text   NOT NULL,
    category         text   NOT NULL REFERENCES categories (code),
    state            text   NOT NULL CHECK (state IN ('published', 'withdrawn', 'redirected', 'gone')),
    published_at     timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    doc              jsonb  NOT NULL,
    takedown_reason  text,
    taken_down_at    timestamptz,
    PRIMARY KEY (tenant_id, content_id)
);
CREATE INDEX items_latest ON items (published_at DESC) WHERE state = 'published' AND taken_down_at IS NULL;
CREATE INDEX items_tenant_latest ON items (tenant_id, published_at DESC);

-- Translations: one row per item and locale, for listing and slug look-up.
CREATE TABLE item_translations (
    tenant_id   text NOT NULL,
    content_id  text NOT NULL,
    locale      text NOT NULL CHECK (locale IN ('vi', 'en', 'ru')),
    slug        text NOT NULL,
    title       text NOT NULL,
    summary     text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, content_id, locale),
    FOREIGN KEY (tenant_id, content_id) REFERENCES items (tenant_id, content_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX item_translations_slug ON item_translations (tenant_id, locale, slug);

-- Slugs an item once had: old URLs answer 301 to the current one.
CREATE TABLE slug_history (
    tenant_id   text NOT NULL,
    locale      text NOT NULL,
    slug        text NOT NULL,
    content_id  text NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, locale, slug)
);

-- Blobs: content-addressed files (attachments), named by SHA-256.
CREATE TABLE blobs (
    sha256      bytea  PRIMARY KEY CHECK (length(sha256) = 32),
    size        bigint NOT NULL,
    media_type  text   NOT NULL,
    data        bytea  NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The hub outbox: each applied change writes its event here in the same
-- transaction; the relay publishes it to JetStream with Nats-Msg-Id = msg_id.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    subject       text  NOT NULL,
    msg_id        text  NOT NULL,
    payload       bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    attempts      int NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

-- Append-only audit log of every privileged action.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    action     text NOT NULL,
    tenant_id  text,
    subject    text NOT NULL DEFAULT '',
    detail     jsonb NOT NULL DEFAULT '{}'
);
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Wake the relay when an event is written.
-- +goose StatementBegin
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hub_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER outbox_written AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- +goose Down
DROP TABLE audit_log, outbox, blobs, slug_history, item_translations, items, categories, credentials, tenants;
DROP FUNCTION outbox_notify, audit_log_append_only;
