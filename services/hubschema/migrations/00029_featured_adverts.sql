-- +goose Up
-- The provincial home's featured items, chosen by the ops team (issue 10
-- point 5): in position order, each shown from starts_at until ends_at
-- (NULL: until removed). Without any in its period, the home shows the
-- newest items of the highlights category, as before.
CREATE TABLE featured_items (
    tenant_id   text        NOT NULL,
    content_id  text        NOT NULL,
    position    integer     NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 1000),
    starts_at   timestamptz NOT NULL DEFAULT now(),
    ends_at     timestamptz CHECK (ends_at IS NULL OR ends_at > starts_at),
    created_by  text        NOT NULL CHECK (created_by <> ''),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, content_id),
    FOREIGN KEY (tenant_id, content_id) REFERENCES items (tenant_id, content_id)
);

-- Advertisements (Article 13) are managed by the hub's operators: an
-- optional image and who added it (ending one sets its ends_at: the rows
-- are the history).
ALTER TABLE advertisements
    ADD COLUMN image_url   text NOT NULL DEFAULT '' CHECK (image_url = '' OR image_url ~ '^https://[^\s/]+'),
    ADD COLUMN created_by  text NOT NULL DEFAULT '';

-- The hub's switches for the public portal; one row. The advertising slot
-- is off until ops turn it on (it replaces the gateway's GATEWAY_ADVERTS).
CREATE TABLE portal_settings (
    id               boolean     PRIMARY KEY DEFAULT true CHECK (id),
    adverts_enabled  boolean     NOT NULL DEFAULT false,
    updated_by       text        NOT NULL DEFAULT '',
    updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO portal_settings DEFAULT VALUES;

GRANT SELECT ON featured_items, portal_settings TO portalhub_reader;

-- +goose Down
REVOKE SELECT ON featured_items, portal_settings FROM portalhub_reader;
DROP TABLE portal_settings;
ALTER TABLE advertisements DROP COLUMN image_url, DROP COLUMN created_by;
DROP TABLE featured_items;
