-- +goose Up
-- Ops accounts (issue 10 point 1): the central ops team's people, separate
-- from tenant credentials. services/opsaccounts reads and writes them; the
-- aggregator's OpsService and the console authenticate with them. No grant to
-- portalhub_reader: the gateway never reads a password hash or a token.
CREATE TABLE ops_accounts (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login           text        NOT NULL UNIQUE
                    CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name    text        NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    role            text        NOT NULL CHECK (role IN ('viewer', 'operator', 'administrator')),
    password_hash   text        NOT NULL,
    -- Consecutive failed logins (an attempt counts from the moment it is
    -- taken, so parallel attempts cannot exceed the limit), and the lockout.
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    disabled        boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);

-- A session of the console (kind 'console': sliding expiry, a CSRF token) or
-- a bearer token of `hubctl login` (kind 'token': fixed, short expiry). Only
-- the SHA-256 of the token is kept.
CREATE TABLE ops_sessions (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint      NOT NULL REFERENCES ops_accounts (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('console', 'token')),
    token_hash   bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    csrf_token   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX ops_sessions_account ON ops_sessions (account_id);
CREATE INDEX ops_sessions_expires ON ops_sessions (expires_at);

-- +goose Down
DROP TABLE ops_sessions;
DROP TABLE ops_accounts;
