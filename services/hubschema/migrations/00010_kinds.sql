-- +goose Up
-- What the portal's typed pages of the kinds of Article 8 query: the
-- register of legal documents, the organisation tree, the finders of
-- public services, notices and questions, and the advertisements.
--
-- The register of legal documents (Article 8.4) as the portal queries it:
-- each legal document's metadata as typed columns and its relations to
-- other documents as rows, kept by a trigger from items.doc in the
-- transaction that stores the item, so they never disagree with it. The
-- register filters and sorts on these columns with indexes, finds the
-- documents that replace or amend a document (the reverse side) by index,
-- and computes each document's validity when a page is served
-- (legal_validity below), never from the pushed, deprecated `validity`.

-- The issuing bodies (cơ quan ban hành), the code list of the register's
-- issuer filter: a document names one by LegalDocument.issuer_code.
CREATE TABLE legal_issuers (
    code      text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]*$' AND length(code) <= 100),
    position  int  NOT NULL DEFAULT 0,
    name_vi   text NOT NULL,
    name_en   text NOT NULL,
    name_ru   text NOT NULL
);
INSERT INTO legal_issuers (code, position, name_vi, name_en, name_ru) VALUES
    ('quoc-hoi',             10, 'Quốc hội',                       'National Assembly',                        'Национальное собрание'),
    ('ubtv-quoc-hoi',        20, 'Ủy ban Thường vụ Quốc hội',      'Standing Committee of the National Assembly', 'Постоянный комитет Национального собрания'),
    ('chu-tich-nuoc',        30, 'Chủ tịch nước',                  'President',                                'Президент'),
    ('chinh-phu',            40, 'Chính phủ',                      'Government',                               'Правительство'),
    ('thu-tuong',            50, 'Thủ tướng Chính phủ',            'Prime Minister',                           'Премьер-министр'),
    ('bo-nganh',             60, 'Bộ, cơ quan ngang bộ',           'Ministries',                               'Министерства'),
    ('hdnd-tinh',            70, 'Hội đồng nhân dân tỉnh',         'Provincial People''s Council',             'Народный совет провинции'),
    ('ubnd-tinh',            80, 'Ủy ban nhân dân tỉnh',           'Provincial People''s Committee',           'Народный комитет провинции'),
    ('chu-tich-ubnd-tinh',   90, 'Chủ tịch Ủy ban nhân dân tỉnh',  'Chairman of the Provincial People''s Committee', 'Председатель Народного комитета провинции'),
    ('so-ban-nganh',        100, 'Sở, ban, ngành tỉnh',            'Provincial departments and agencies',      'Департаменты и ведомства провинции'),
    ('hdnd-xa',             110, 'Hội đồng nhân dân cấp xã',       'Commune People''s Councils',               'Народные советы коммун'),
    ('ubnd-xa',             120, 'Ủy ban nhân dân cấp xã',         'Commune People''s Committees',             'Народные комитеты коммун');

-- One row per legal document (an item whose doc holds legalDocument).
CREATE TABLE legal_documents (
    tenant_id      text NOT NULL,
    content_id     text NOT NULL,
    -- Whether the public sees it in the register: published, not taken down.
    visible        boolean NOT NULL,
    number         text NOT NULL,
    document_type  text NOT NULL,
    issuer         text NOT NULL,
    issuer_code    text NOT NULL,
    signer         text NOT NULL,
    field          text NOT NULL,
    issued_on      date,
    effective_on   date,
    expires_on     date,
    -- The day it takes effect: its effective date, else its date of issue.
    in_effect_from date GENERATED ALWAYS AS (coalesce(effective_on, issued_on)) STORED,
    -- The register's sort keys (keyset paging needs them NOT NULL): a
    -- document without the date sorts as the oldest.
    issued_key     date GENERATED ALWAYS AS (coalesce(issued_on, DATE '0001-01-01')) STORED,
    effective_key  date GENERATED ALWAYS AS (coalesce(effective_on, issued_on, DATE '0001-01-01')) STORED,
    -- Number, title and summary (Vietnamese) in lower case without
    -- diacritics (đ is d): what the register's number and keyword filters
    -- search, so that "khanh hoa" finds "Khánh Hòa".
    number_folded  text NOT NULL,
    abstract_folded text NOT NULL,
    signer_folded  text NOT NULL,
    PRIMARY KEY (tenant_id, content_id),
    FOREIGN KEY (tenant_id, content_id) REFERENCES items (tenant_id, content_id) ON DELETE CASCADE
);
-- The register's order (newest issued first) and the range of a year or
-- dates; per tenant for a sub-portal's register.
CREATE INDEX legal_documents_issued ON legal_documents (issued_key, tenant_id, content_id) WHERE visible;
CREATE INDEX legal_documents_effective ON legal_documents (effective_key, tenant_id, content_id) WHERE visible;
CREATE INDEX legal_documents_tenant_issued ON legal_documents (tenant_id, issued_key, content_id) WHERE visible;
CREATE INDEX legal_documents_type ON legal_documents (document_type, issued_key) WHERE visible;

-- A document's relations as it states them: it replaces, replaces in part
-- or amends a target, an item of any tenant (target_tenant, target_id) or
-- a document known only by its number.
CREATE TABLE legal_relations (
    tenant_id      text NOT NULL,
    content_id     text NOT NULL,
    position       int  NOT NULL,
    type           text NOT NULL CHECK (type IN ('replaces', 'replaces_part', 'amends')),
    target_tenant  text NOT NULL DEFAULT '',
    target_id      text NOT NULL DEFAULT '',
    target_number  text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, content_id, position),
    FOREIGN KEY (tenant_id, content_id) REFERENCES legal_documents (tenant_id, content_id) ON DELETE CASCADE
);
CREATE INDEX legal_relations_target ON legal_relations (target_tenant, target_id);

-- hub_date reads a "YYYY-MM-DD" date, or NULL for anything else (the hub
-- checks dates before it stores them; this keeps a malformed one from
-- failing the push that carries it).
-- +goose StatementBegin
CREATE FUNCTION hub_date(s text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF s IS NULL OR s !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN to_date(s, 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- hub_fold is text as the register searches it: lower case, without
-- diacritics.
-- +goose StatementBegin
CREATE FUNCTION hub_fold(s text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT lower(unaccent(coalesce(s, '')));
$$;
-- +goose StatementEnd

-- legal_project writes the register's rows of one item from its doc:
-- nothing (and no rows left) when it is not a legal document.
-- +goose StatementBegin
CREATE FUNCTION legal_project(it items) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t  text := it.tenant_id;
    c  text := it.content_id;
    d  jsonb := it.doc -> 'legalDocument';
    vi jsonb;
BEGIN
    IF d IS NULL OR jsonb_typeof(d) <> 'object' THEN
        DELETE FROM legal_documents WHERE tenant_id = t AND content_id = c;
        RETURN;
    END IF;
    SELECT x INTO vi FROM jsonb_array_elements(it.doc -> 'translations') x WHERE x ->> 'locale' = 'vi' LIMIT 1;
    INSERT INTO legal_documents AS l (tenant_id, content_id, visible, number, document_type, issuer, issuer_code, signer,
            field, issued_on, effective_on, expires_on, number_folded, abstract_folded, signer_folded)
    VALUES (t, c, it.state = 'published' AND it.taken_down_at IS NULL,
            coalesce(d ->> 'number', ''), coalesce(d ->> 'documentType', ''), coalesce(d ->> 'issuer', ''),
            coalesce(d ->> 'issuerCode', ''), coalesce(d ->> 'signer', ''), coalesce(d ->> 'field', ''),
            hub_date(d ->> 'issuedOn'), hub_date(d ->> 'effectiveOn'), hub_date(d ->> 'expiresOn'),
            hub_fold(d ->> 'number'), hub_fold(concat_ws(' ', vi ->> 'title', vi ->> 'summary')), hub_fold(d ->> 'signer'))
    ON CONFLICT (tenant_id, content_id) DO UPDATE SET visible = excluded.visible, number = excluded.number,
        document_type = excluded.document_type, issuer = excluded.issuer, issuer_code = excluded.issuer_code,
        signer = excluded.signer, field = excluded.field, issued_on = excluded.issued_on,
        effective_on = excluded.effective_on, expires_on = excluded.expires_on,
        number_folded = excluded.number_folded, abstract_folded = excluded.abstract_folded,
        signer_folded = excluded.signer_folded;
    DELETE FROM legal_relations WHERE tenant_id = t AND content_id = c;
    INSERT INTO legal_relations (tenant_id, content_id, position, type, target_tenant, target_id, target_number)
    SELECT t, c, r.n, CASE r.x ->> 'type'
                WHEN 'LEGAL_RELATION_TYPE_REPLACES' THEN 'replaces'
                WHEN 'LEGAL_RELATION_TYPE_REPLACES_PART' THEN 'replaces_part'
                WHEN 'LEGAL_RELATION_TYPE_AMENDS' THEN 'amends' END,
           coalesce(r.x -> 'target' ->> 'tenant', ''), coalesce(r.x -> 'target' ->> 'contentId', ''),
           coalesce(r.x ->> 'targetNumber', '')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d -> 'relations') = 'array' THEN d -> 'relations' ELSE '[]' END)
         WITH ORDINALITY AS r (x, n)
    WHERE r.x ->> 'type' IN ('LEGAL_RELATION_TYPE_REPLACES', 'LEGAL_RELATION_TYPE_REPLACES_PART', 'LEGAL_RELATION_TYPE_AMENDS');
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION items_legal_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM legal_project(NEW);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER items_legal AFTER INSERT OR UPDATE OF doc, state, taken_down_at ON items
    FOR EACH ROW EXECUTE FUNCTION items_legal_project();

SELECT legal_project(i) FROM items i WHERE i.doc ? 'legalDocument';

-- hub_timestamp reads an RFC 3339 timestamp (as protojson writes a
-- google.protobuf.Timestamp), or NULL for anything else.
-- +goose StatementBegin
CREATE FUNCTION hub_timestamp(s text) RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF s IS NULL OR s !~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$' THEN
        RETURN NULL;
    END IF;
    RETURN s::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The other kinds are read from items.doc. An organisation unit's children
-- are found by its reference (the organisation tree reads every unit in one
-- query by kind); the finders of public services, notices and questions
-- start from their kind's visible items.
CREATE INDEX items_unit_parent ON items ((doc #>> '{organisationUnit,parent,tenant}'), (doc #>> '{organisationUnit,parent,contentId}'))
    WHERE kind = 'organisation_unit';
CREATE INDEX items_kind ON items (kind, published_at DESC, tenant_id DESC, content_id DESC)
    WHERE state = 'published' AND taken_down_at IS NULL;

-- legal_validity is a document's validity on day today, from the day it
-- takes effect, its expiry date, and the first day a document in effect
-- replaces it (replaced_from) or replaces part of it (partly_from):
-- expired once it expires or is replaced, not yet in force before it takes
-- effect, partly in force once part of it is replaced, else in force.
-- +goose StatementBegin
CREATE FUNCTION legal_validity(today date, in_effect_from date, expires_on date, replaced_from date, partly_from date)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN expires_on <= today OR replaced_from <= today THEN 'expired'
        WHEN in_effect_from > today THEN 'not_yet_in_force'
        WHEN partly_from <= today THEN 'partly_in_force'
        ELSE 'in_force' END;
$$;
-- +goose StatementEnd

-- Advertisements (Article 13 of the regulation): none by default, so the
-- portal shows no advertising slot until the hub adds one. Each is shown
-- during its period, always labelled as advertising.
CREATE TABLE advertisements (
    id          bigserial PRIMARY KEY,
    advertiser  text NOT NULL CHECK (advertiser <> ''),
    -- The advertisement's text, shown as is, and where it leads.
    label       text NOT NULL CHECK (label <> '' AND length(label) <= 300),
    url         text NOT NULL CHECK (url ~ '^https?://[^\s/]+'),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
    created_at  timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT ON legal_issuers, legal_documents, legal_relations, advertisements TO portalhub_reader;

-- +goose Down
DROP TABLE advertisements;
DROP TRIGGER items_legal ON items;
DROP INDEX items_unit_parent, items_kind;
DROP FUNCTION items_legal_project, legal_project, legal_validity, hub_fold, hub_date, hub_timestamp;
DROP TABLE legal_relations, legal_documents, legal_issuers;
