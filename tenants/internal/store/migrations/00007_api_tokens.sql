-- Per-user API tokens (issue 10 point 6): the sub-portal's JSON API acts as
-- the back-office account that holds the token, with that account's roles,
-- so the editorial workflow's rules apply to it exactly as in the back
-- office (an author's token submits, it never approves). Package
-- tenants/internal/accounts reads and writes this table. Only the SHA-256 of
-- a token is stored; the token is shown once, when it is issued.

-- +goose Up
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- What the token is for, e.g. "tích hợp phần mềm quản lý văn bản".
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- +goose Down
DROP TABLE api_tokens;
