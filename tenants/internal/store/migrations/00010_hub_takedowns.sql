-- +goose Up
-- What the hub took down of this sub-portal's items on its own authority
-- (Article 7.5; issue 10 point 5), as its TakedownNotice events said
-- (package inbox writes them): the back office shows the hub's reason on
-- the item and lists the items taken down on the dashboard. One row per
-- item, the newest notice's state; a lifted takedown keeps its row with
-- taken_down false, so the page can say it was lifted and when.
CREATE TABLE hub_takedowns (
    content_id  text        PRIMARY KEY,
    taken_down  boolean     NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    version     bigint      NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hub_takedowns_current ON hub_takedowns (occurred_at DESC) WHERE taken_down;

-- +goose Down
DROP TABLE hub_takedowns;
