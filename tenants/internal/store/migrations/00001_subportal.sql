-- The sub-portal's own store: one database per tenant.
--
-- items holds the current approved state of each item; item_versions every
-- approved version (the hub version is assigned at approval and only ever
-- increases). Editorial drafts and revisions (issue 3) go into their own
-- table, keyed by content_id, and become an item_versions row when approved;
-- scheduled publishing adds a due time to the outbox (publish_at below).

-- +goose Up
CREATE TABLE items (
    content_id   text PRIMARY KEY,
    kind         text NOT NULL,
    category     text NOT NULL,
    state        text NOT NULL,
    -- The newest approved hub version; only ever increases.
    hub_version  bigint NOT NULL CHECK (hub_version > 0),
    -- The highest version the hub was seen holding (resync); the next
    -- approval goes above it too, so a store restored from an old backup
    -- never re-uses a version number.
    hub_seen_version bigint NOT NULL DEFAULT 0,
    -- protojson of the approved pb.ContentItem at hub_version.
    doc          jsonb NOT NULL,
    -- SHA-256 of the item's content without version and people, to skip
    -- re-approving unchanged content (seeding is idempotent).
    content_hash text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE item_versions (
    content_id   text   NOT NULL REFERENCES items (content_id),
    version      bigint NOT NULL CHECK (version > 0),
    doc          jsonb  NOT NULL,
    content_hash text   NOT NULL,
    state        text   NOT NULL,
    -- Who wrote (JSON array of {name, account}), edited and approved it.
    authors      jsonb  NOT NULL DEFAULT '[]',
    editor       text   NOT NULL DEFAULT '',
    approver     text   NOT NULL CHECK (approver <> ''),
    approved_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (content_id, version)
);

-- Files, content-addressed. hub_confirmed_at is set once the hub confirmed
-- holding the file (UploadBlob), so it is uploaded once.
CREATE TABLE blobs (
    sha256           text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    media_type       text NOT NULL,
    filename         text NOT NULL,
    size             bigint NOT NULL CHECK (size > 0),
    data             bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    hub_confirmed_at timestamptz
);

-- The push outbox: every approved change writes its row here in the
-- transaction that changes the content; the relay delivers it to the hub.
CREATE TABLE outbox (
    id                  bigserial PRIMARY KEY,
    content_id          text   NOT NULL,
    version             bigint NOT NULL,
    -- The full pb.ContentItem at version, protobuf binary.
    payload             bytea  NOT NULL,
    status              text   NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'delivered', 'refused')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    -- Not before this time (scheduled publishing, issue 3); NULL = now.
    publish_at          timestamptz,
    last_error          text NOT NULL DEFAULT '',
    refusal_code        text NOT NULL DEFAULT '',
    refusal_reason      text NOT NULL DEFAULT '',
    refusal_description text NOT NULL DEFAULT '',
    refusal_message_vi  text NOT NULL DEFAULT '',
    hub_outcome         text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    delivered_at        timestamptz,
    UNIQUE (content_id, version)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_refused ON outbox (id) WHERE status = 'refused';

-- Wake the relay when a row is written or put back to pending.
-- +goose StatementBegin
CREATE FUNCTION subportal_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('subportal_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER outbox_written AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION subportal_outbox_notify();

-- Append-only audit log of every privileged action.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    action     text NOT NULL,
    content_id text NOT NULL DEFAULT '',
    version    bigint,
    detail     jsonb NOT NULL DEFAULT '{}'
);
-- +goose StatementBegin
CREATE FUNCTION subportal_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION subportal_audit_append_only();

-- +goose Down
DROP TABLE audit_log, outbox, blobs, item_versions, items;
DROP FUNCTION subportal_outbox_notify, subportal_audit_append_only;
