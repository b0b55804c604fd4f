-- +goose Up
-- Files the hub holds for this sub-portal whose bytes it never had: the
-- attachments of items a merge moved here from another unit (issue 10
-- point 3; inbox "transfer"). An edit or a withdrawal of such an item
-- keeps its attachments without uploading them (the hub owns them for
-- this tenant already).
CREATE TABLE hub_blobs (
    sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    media_type  text NOT NULL,
    filename    text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE hub_blobs;
