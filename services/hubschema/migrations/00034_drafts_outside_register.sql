-- +goose Up
-- A draft out for public consultation (a legal document with a
-- consultation, issue 9 point 8) is not a document in force: the legal
-- register, its facets, the relations' other side and the register's
-- subscriptions leave it out (legal_documents.visible is false). Its own
-- page still reads its row, which does not filter on visible.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION legal_project(it items) RETURNS void LANGUAGE plpgsql AS $$
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
    VALUES (t, c, it.state = 'published' AND it.taken_down_at IS NULL AND NOT (d ? 'consultation'),
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

SELECT legal_project(i) FROM items i WHERE i.doc ? 'legalDocument';

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION legal_project(it items) RETURNS void LANGUAGE plpgsql AS $$
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

SELECT legal_project(i) FROM items i WHERE i.doc ? 'legalDocument';
