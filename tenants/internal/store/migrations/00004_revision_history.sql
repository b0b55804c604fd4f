-- Review fixes to the editorial workflow (issue 3, items 2, 4, 5 and 7).
--
-- revision_snapshots keeps every saved version of every revision: each save
-- (the first one too, restores and requests to unpublish included) appends
-- a row, so an editor's edit of a submitted revision never replaces the text
-- its author submitted, and every version can be compared and restored.
-- The rows are never updated or deleted.
--
-- revisions.base_version is the hub version of the approved content a
-- revision started from (0 for a new item): approving it while the item
-- has another current version would silently drop that version's changes,
-- so approval refuses unless the approver explicitly rebases.
--
-- revisions.kept holds, per text field, the text its author chose to keep
-- as typed (no legacy-encoding conversion); later saves leave the field
-- alone while its text is unchanged.

-- +goose Up
CREATE TABLE revision_snapshots (
    id                bigserial PRIMARY KEY,
    revision_id       bigint  NOT NULL REFERENCES revisions (id),
    -- 1, 2, 3, ... per revision.
    seq               integer NOT NULL CHECK (seq > 0),
    shell             jsonb   NOT NULL,
    texts             jsonb   NOT NULL,
    notices           jsonb   NOT NULL DEFAULT '[]',
    saved_by_id       bigint  NOT NULL,
    saved_by_username text    NOT NULL,
    saved_by_name     text    NOT NULL,
    saved_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (revision_id, seq)
);

-- The text as it was when this migration ran is all that is left of the
-- revisions saved before it.
INSERT INTO revision_snapshots (revision_id, seq, shell, texts, notices, saved_by_id, saved_by_username, saved_by_name, saved_at)
SELECT id, 1, shell, texts, notices,
       coalesce(editor_id, author_id),
       CASE WHEN editor_id IS NULL THEN author_username ELSE editor_username END,
       CASE WHEN editor_id IS NULL THEN author_name ELSE editor_name END,
       updated_at
FROM revisions;

-- +goose StatementBegin
CREATE FUNCTION revision_snapshots_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'revision_snapshots are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER revision_snapshots_append_only BEFORE UPDATE OR DELETE ON revision_snapshots
    FOR EACH ROW EXECUTE FUNCTION revision_snapshots_append_only();

ALTER TABLE revisions
    ADD COLUMN base_version bigint NOT NULL DEFAULT 0 CHECK (base_version >= 0),
    ADD COLUMN kept jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN restored_from_snapshot bigint REFERENCES revision_snapshots (id);

-- Open revisions are taken to start from the item's version of today.
UPDATE revisions r SET base_version = i.hub_version
FROM items i
WHERE i.content_id = r.content_id AND r.state IN ('draft', 'submitted', 'returned');

-- +goose Down
ALTER TABLE revisions DROP COLUMN restored_from_snapshot, DROP COLUMN kept, DROP COLUMN base_version;
DROP TABLE revision_snapshots;
DROP FUNCTION revision_snapshots_append_only();
