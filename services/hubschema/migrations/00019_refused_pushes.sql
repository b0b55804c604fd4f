-- +goose Up
-- What the ops console shows of tenants' pushes and credentials (issue 10
-- point 2). A refused push is kept once per item, version, reason and field,
-- with when it was first and last refused and how often, so a sub-portal
-- retrying the same push adds nothing; each credential keeps when it was
-- last used (written at most once a minute per credential).
CREATE TABLE refused_pushes (
    tenant_id   text   NOT NULL REFERENCES tenants (id),
    content_id  text   NOT NULL,
    version     bigint NOT NULL,
    reason      text   NOT NULL,
    field       text   NOT NULL DEFAULT '',
    message_en  text   NOT NULL DEFAULT '',
    message_vi  text   NOT NULL DEFAULT '',
    first_at    timestamptz NOT NULL DEFAULT now(),
    last_at     timestamptz NOT NULL DEFAULT now(),
    times       integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, content_id, version, reason, field)
);
CREATE INDEX refused_pushes_recent ON refused_pushes (last_at DESC, tenant_id, content_id);
CREATE INDEX refused_pushes_tenant ON refused_pushes (tenant_id, last_at DESC);

ALTER TABLE credentials ADD COLUMN last_used_at timestamptz;

-- +goose Down
ALTER TABLE credentials DROP COLUMN last_used_at;
DROP TABLE refused_pushes;
