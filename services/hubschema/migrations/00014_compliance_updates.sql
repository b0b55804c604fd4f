-- +goose Up
-- Article 11 compliance (issue 10 point 4; docs/ARCHITECTURE.md, "Article 11
-- compliance"): one row per push the hub applied that adds or changes a
-- published item, written by hubstore.Apply in the push's transaction.
-- Unchanged re-pushes (the same version and hash, or a newer version whose
-- content is the same) and withdrawals are never written. new_item and
-- published_at let the report apply the rules file's bulk-import age (a
-- first push of an item first published long before is an import, not an
-- update), so that rule can change with the decree without rewriting rows.
CREATE TABLE compliance_updates (
    tenant_id     text        NOT NULL REFERENCES tenants (id),
    content_id    text        NOT NULL,
    version       bigint      NOT NULL,
    applied_at    timestamptz NOT NULL DEFAULT now(),
    new_item      boolean     NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, content_id, version)
);
CREATE INDEX compliance_updates_period ON compliance_updates (tenant_id, applied_at);

-- +goose Down
DROP TABLE compliance_updates;
