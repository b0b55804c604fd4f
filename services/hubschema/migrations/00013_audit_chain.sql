-- +goose Up
-- The audit log becomes a hash chain (issue 10 point 7; docs/ARCHITECTURE.md,
-- "The audit chain"). Each entry carries its place in the chain (seq, 1, 2,
-- ... without gaps), the hash of the entry before it (32 zero bytes for the
-- first) and its own hash: SHA-256 over audit_entry_encoding. A trigger
-- fills the three columns on insert, so every writer is chained whatever
-- it inserts; the single row of audit_head, locked and moved in the same
-- transaction, serialises the appends so the chain never forks. UPDATE,
-- DELETE and TRUNCATE are refused on both tables.
ALTER TABLE audit_log
    ADD COLUMN seq bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

CREATE TABLE audit_head (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seq       bigint NOT NULL,
    hash      bytea  NOT NULL
);

-- audit_field is one field of the encoding: "N\n" for NULL, else the
-- length of its UTF-8 bytes in decimal, ":", the bytes, "\n".
-- +goose StatementBegin
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN 'N' ELSE octet_length(convert_to(v, 'UTF8'))::text || ':' || v END || E'\n'
$$;
-- +goose StatementEnd

-- audit_entry_encoding is the canonical encoding of an entry that its hash
-- is taken over; hubstore's auditEncoding builds the same bytes in Go, and
-- `hubctl audit verify` checks with that one, not with this.
-- +goose StatementBegin
CREATE FUNCTION audit_entry_encoding(seq bigint, at timestamptz, actor text, action text, tenant_id text,
        subject text, detail jsonb, prev_hash bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(
        'portalhub-audit-v1' || E'\n' ||
        seq::text || E'\n' ||
        round(extract(epoch FROM at) * 1000000)::bigint::text || E'\n' ||
        audit_field(actor) || audit_field(action) || audit_field(tenant_id) || audit_field(subject) ||
        audit_field(detail::text) ||
        encode(prev_hash, 'hex') || E'\n', 'UTF8')
$$;
-- +goose StatementEnd

-- Chain the rows there are, in the order they were written.
-- +goose StatementBegin
DO $$
DECLARE
    r record;
    s bigint := 0;
    h bytea := decode(repeat('00', 32), 'hex');
BEGIN
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;
    FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        s := s + 1;
        UPDATE audit_log SET seq = s, prev_hash = h,
            hash = sha256(audit_entry_encoding(s, r.at, r.actor, r.action, r.tenant_id, r.subject, r.detail, h))
        WHERE id = r.id RETURNING hash INTO h;
    END LOOP;
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;
    INSERT INTO audit_head (seq, hash) VALUES (s, h);
END
$$;
-- +goose StatementEnd

ALTER TABLE audit_log
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_log_seq_key UNIQUE (seq);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- An insert takes the next place after the head, whatever seq, prev_hash,
-- hash or time the writer gave: the time is the transaction's.
-- +goose StatementBegin
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_head%ROWTYPE;
BEGIN
    SELECT * INTO STRICT head FROM audit_head FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.prev_hash := head.hash;
    NEW.at := now();
    NEW.hash := sha256(audit_entry_encoding(NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.tenant_id,
        NEW.subject, NEW.detail, NEW.prev_hash));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The head moves only from audit_log_chain (trigger depth 2).
-- +goose StatementBegin
CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_head moves only when an audit_log entry is appended';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_head_guarded BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard();

-- +goose Down
DROP TRIGGER audit_log_chained ON audit_log;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TABLE audit_head;
DROP FUNCTION audit_log_chain, audit_head_guard, audit_entry_encoding, audit_field;
DROP INDEX audit_log_tenant, audit_log_actor;
ALTER TABLE audit_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
