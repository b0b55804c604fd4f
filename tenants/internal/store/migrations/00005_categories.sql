-- The hub's category code list as ListCategories last answered it (issue 6):
-- the back office offers it (only the categories that admit the chosen kind)
-- and the back office and the API check items against it as the hub will,
-- also while the hub is unreachable. Replaced whole by each answer; an empty
-- table means the hub never answered yet, and the hub alone decides then.

-- +goose Up
CREATE TABLE categories (
    code        text PRIMARY KEY,
    position    int    NOT NULL,
    names       jsonb  NOT NULL,  -- {"vi": "...", "en": "...", "ru": "..."}
    kinds       text[] NOT NULL,  -- contentrules.KindWord of each admitted kind
    received_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE categories;
