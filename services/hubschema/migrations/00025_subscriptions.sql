-- +goose Up
-- Visitors' e-mail subscriptions (issue 9 point 9; docs/ARCHITECTURE.md,
-- "E-mail subscriptions"). The gateway hands a subscription to the
-- aggregator's SubscriptionService; the address is sealed under the
-- subscription's own data key (personal_data_keys, same id), so ending the
-- subscription destroys it. The link token (confirmation and unsubscribe)
-- is kept as its SHA-256. The reader role (the gateway) is granted nothing.
CREATE TABLE subscriptions (
    id              text        PRIMARY KEY,
    request_id      text        NOT NULL UNIQUE,
    token_hash      bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- The SHA-256 of the lower-cased address under the hub's key: finds the
    -- same address's same subscription (one pending or active per scope)
    -- without keeping the address in the clear.
    address_key     bytea       NOT NULL CHECK (octet_length(address_key) = 32),
    email           bytea       NOT NULL,                        -- sealed
    tenant_id       text        REFERENCES tenants (id),
    category        text        REFERENCES categories (code),
    legal_type      text        NOT NULL DEFAULT '',
    legal_field     text        NOT NULL DEFAULT '',
    lang            text        NOT NULL CHECK (lang IN ('vi', 'en', 'ru')),
    consent_version text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'active')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    confirmed_at    timestamptz,
    -- The digest's watermark: updates applied after it are news.
    digest_from     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX subscriptions_scope ON subscriptions
    (address_key, coalesce(tenant_id, ''), coalesce(category, ''), legal_type, legal_field);
CREATE INDEX subscriptions_active ON subscriptions (digest_from) WHERE state = 'active';

-- +goose Down
DROP TABLE subscriptions;
