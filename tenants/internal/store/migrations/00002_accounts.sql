-- Back-office accounts, roles, login throttling and server-side sessions
-- (issue 3, item 1). Package tenants/internal/accounts reads and writes
-- these tables.

-- +goose Up
CREATE TABLE accounts (
    id            bigserial PRIMARY KEY,
    -- Stored lower-case; unique case-insensitively (index below).
    username      text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    -- NFC, 1..200 characters.
    display_name  text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200),
    -- argon2id in PHC string format: $argon2id$v=19$m=...,t=...,p=...$salt$hash
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    roles         text[] NOT NULL DEFAULT '{}'
                  CHECK (roles <@ ARRAY['author', 'editor', 'approver', 'admin']::text[]),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username));

-- Consecutive failed logins per attempted username, known or not (so that
-- an unknown username behaves exactly like a known one). A row goes away
-- on a successful login, and is pruned a day after its last failure.
CREATE TABLE login_throttle (
    username        text PRIMARY KEY,
    failures        integer NOT NULL CHECK (failures >= 0),
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz
);

-- Server-side sessions. The cookie holds a random 256-bit token; only its
-- SHA-256 is stored. expires_at = least(created_at + 12h, last_seen_at + 2h).
CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    csrf_token   text NOT NULL CHECK (csrf_token <> ''),
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Account actions concern an account, not a content item: the audit log
-- names what an action is about in subject (e.g. "account:nguyen.van.a");
-- content_id stays '' and version NULL for them.
ALTER TABLE audit_log ADD COLUMN subject text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN subject;
DROP TABLE sessions, login_throttle, accounts;
