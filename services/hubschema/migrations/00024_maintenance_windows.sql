-- +goose Up
-- Maintenance windows (Article 12.2; issue 10 point 9): the portal and
-- every sub-portal site show a banner from announce_from to ends_at (before
-- the window: announced; during it: under way). Rows are never deleted: a
-- cancelled window keeps its row with who cancelled it and when, and ended
-- windows are the history.
CREATE TABLE maintenance_windows (
    id             bigserial   PRIMARY KEY,
    announce_from  timestamptz NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    message_vi     text        NOT NULL CHECK (message_vi <> '' AND length(message_vi) <= 500),
    message_en     text        NOT NULL CHECK (message_en <> '' AND length(message_en) <= 500),
    message_ru     text        NOT NULL CHECK (message_ru <> '' AND length(message_ru) <= 500),
    created_by     text        NOT NULL CHECK (created_by <> ''),
    created_at     timestamptz NOT NULL DEFAULT now(),
    cancelled_at   timestamptz,
    cancelled_by   text,
    CHECK (announce_from <= starts_at AND starts_at < ends_at),
    CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL))
);
CREATE INDEX maintenance_windows_current ON maintenance_windows (ends_at) WHERE cancelled_at IS NULL;

-- The gateway shows the windows that are not cancelled.
GRANT SELECT ON maintenance_windows TO portalhub_reader;

-- +goose Down
REVOKE SELECT ON maintenance_windows FROM portalhub_reader;
DROP TABLE maintenance_windows;
