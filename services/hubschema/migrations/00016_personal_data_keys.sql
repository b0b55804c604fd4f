-- +goose Up
-- The data keys of citizens' submissions (issue 9 point 6; docs/ARCHITECTURE.md,
-- "Personal data at rest"). One row per submission: its AES-256 data key,
-- wrapped by the key-encryption key kek_id of PERSONAL_DATA_KEYS (never stored
-- here). The personal data itself is stored elsewhere, sealed under the data
-- key; deleting the row (crypto-shredding) makes every copy of it unreadable.
-- delete_after is when the retention period ends and the periodic job deletes
-- the row. The gateway's reader role is granted nothing here.
CREATE TABLE personal_data_keys (
    submission_id text        PRIMARY KEY,
    kek_id        text        NOT NULL,
    wrapped_key   bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delete_after  timestamptz NOT NULL
);

-- The retention job deletes by delete_after; the rewrap finds rows by kek_id.
CREATE INDEX personal_data_keys_delete_after ON personal_data_keys (delete_after);
CREATE INDEX personal_data_keys_kek_id ON personal_data_keys (kek_id);

-- +goose Down
DROP TABLE personal_data_keys;
