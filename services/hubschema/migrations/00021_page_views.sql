-- +goose Up
-- Page views (Article 5.2.h; issue 10 point 8), per day (GMT+7), the
-- tenant whose site the page belongs to ('' for the provincial portal's
-- own pages), language and path, humans and bots apart. Each gateway
-- counts in memory and adds its counts here every flush interval; nothing
-- about the visitor is stored.
CREATE TABLE page_views (
    day        date   NOT NULL,
    tenant_id  text   NOT NULL,
    lang       text   NOT NULL CHECK (length(lang) <= 8),
    path       text   NOT NULL CHECK (length(path) <= 1000),
    views      bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    bot_views  bigint NOT NULL DEFAULT 0 CHECK (bot_views >= 0),
    PRIMARY KEY (day, tenant_id, lang, path)
);
CREATE INDEX page_views_tenant_day ON page_views (tenant_id, day);

-- The gateway adds views; that is all it may write here (as it may count
-- searches that found nothing, migration 00009).
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portalhub_view_counter') THEN
        CREATE ROLE portalhub_view_counter NOLOGIN;
    END IF;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE (views, bot_views) ON page_views TO portalhub_view_counter;
GRANT portalhub_view_counter TO portalhub_gateway;

-- +goose Down
REVOKE portalhub_view_counter FROM portalhub_gateway;
REVOKE ALL ON page_views FROM portalhub_view_counter;
DROP TABLE page_views;
