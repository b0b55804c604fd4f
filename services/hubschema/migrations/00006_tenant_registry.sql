-- +goose Up
-- The tenant registry: what the portal shows of each sub-portal beyond its
-- names (Decree 42/2022 asks every state portal to identify its managing
-- agency: address, contacts, the person responsible, its licence), the
-- unit it belongs to, and the host names its own site answers on.

ALTER TABLE tenants
    ADD COLUMN parent_id      text REFERENCES tenants (id),
    ADD COLUMN address_vi     text NOT NULL DEFAULT '',
    ADD COLUMN address_en     text NOT NULL DEFAULT '',
    ADD COLUMN address_ru     text NOT NULL DEFAULT '',
    ADD COLUMN phone          text NOT NULL DEFAULT '',
    ADD COLUMN fax            text NOT NULL DEFAULT '',
    ADD COLUMN email          text NOT NULL DEFAULT '',
    -- The person responsible for the content, with their position, e.g.
    -- "Ông Nguyễn Văn A, Chánh Văn phòng UBND tỉnh".
    ADD COLUMN responsible    text NOT NULL DEFAULT '',
    -- The licence line a state portal shows, e.g. "Giấy phép số 45/GP-TTĐT
    -- do Cục Phát thanh, truyền hình và thông tin điện tử cấp ngày ...".
    ADD COLUMN licence        text NOT NULL DEFAULT '',
    -- The years a unit existed (merged and retired units keep their pages
    -- with a banner naming them).
    ADD COLUMN established_on date,
    ADD COLUMN dissolved_on   date,
    ADD CONSTRAINT tenants_parent_not_self CHECK (parent_id <> id),
    ADD CONSTRAINT tenants_registry_lengths CHECK (
        length(address_vi) <= 500 AND length(address_en) <= 500 AND length(address_ru) <= 500 AND
        length(phone) <= 100 AND length(fax) <= 100 AND length(email) <= 254 AND
        length(responsible) <= 300 AND length(licence) <= 500);

-- Host names of a sub-portal's own site (e.g. sodulich.khanhhoa.gov.vn):
-- the gateway maps a request's Host to its tenant. Lower case, no port.
CREATE TABLE tenant_hosts (
    host       text PRIMARY KEY CHECK (length(host) <= 253 AND
        host ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$'),
    tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The host pages of this tenant are canonical on (one per tenant).
    is_primary boolean NOT NULL DEFAULT false
);
CREATE INDEX tenant_hosts_tenant ON tenant_hosts (tenant_id);
CREATE UNIQUE INDEX tenant_hosts_one_primary ON tenant_hosts (tenant_id) WHERE is_primary;

GRANT SELECT ON tenant_hosts TO portalhub_reader;

-- +goose Down
REVOKE SELECT ON tenant_hosts FROM portalhub_reader;
DROP TABLE tenant_hosts;
ALTER TABLE tenants
    DROP CONSTRAINT tenants_registry_lengths,
    DROP CONSTRAINT tenants_parent_not_self,
    DROP COLUMN dissolved_on, DROP COLUMN established_on, DROP COLUMN licence,
    DROP COLUMN responsible, DROP COLUMN email, DROP COLUMN fax, DROP COLUMN phone,
    DROP COLUMN address_ru, DROP COLUMN address_en, DROP COLUMN address_vi, DROP COLUMN parent_id;
