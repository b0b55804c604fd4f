-- +goose Up
-- Blobs belong to the tenants that uploaded them (issue 6 B14). A blob is
-- stored once (content-addressed), but a tenant may attach it, and learn
-- from UploadBlob that it is held, only once it owns it: by uploading its
-- bytes (the hash check proves it holds them).
CREATE TABLE blob_owners (
    tenant_id   text  NOT NULL REFERENCES tenants (id),
    sha256      bytea NOT NULL REFERENCES blobs (sha256),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sha256)
);

-- Until now any tenant could attach any stored blob: the tenants whose items
-- attach one are taken as its owners. A blob no item attaches has no owner;
-- the tenant that uploaded it uploads it again (its sub-portal does so when
-- the hub answers BLOB_MISSING).
INSERT INTO blob_owners (tenant_id, sha256)
SELECT DISTINCT i.tenant_id, b.sha256
FROM items i
CROSS JOIN LATERAL jsonb_array_elements(COALESCE(i.doc -> 'attachments', '[]'::jsonb)) AS a
JOIN blobs b ON encode(b.sha256, 'hex') = a ->> 'sha256';

-- +goose Down
DROP TABLE blob_owners;
