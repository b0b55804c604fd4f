-- +goose Up
-- The audit chain's head moves once per transaction, not once per entry
-- (issue 11 point 4). Before, every entry locked, read and updated the one
-- row of audit_head; a transaction that appends N entries (a bulk push of
-- 256 items, a COPY) left N versions of that row, none of them prunable
-- while it runs, and each entry's read walked all of the versions before
-- it: N²/2 tuple visits. Now every entry still locks the head (so appends
-- serialise and the chain never forks; locking a row the transaction
-- holds already writes nothing) and chains from the newest entry after
-- it, which only this transaction can have written (read backwards on
-- the unique index of seq); a deferred trigger moves the head once, at
-- commit, to the transaction's last entry. A savepoint rolled back takes
-- its entries with it, so the next entry chains from what is left. The
-- chain itself (seq, prev_hash, hash, the encoding) is unchanged, and no
-- writer can give an entry its place: both come from the tables.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq  bigint;
    head_hash bytea;
    last_seq  bigint;
    last_hash bytea;
BEGIN
    SELECT h.seq, h.hash INTO STRICT head_seq, head_hash FROM audit_head h FOR UPDATE;
    SELECT l.seq, l.hash INTO last_seq, last_hash FROM audit_log l WHERE l.seq > head_seq ORDER BY l.seq DESC LIMIT 1;
    IF FOUND THEN
        head_seq := last_seq;
        head_hash := last_hash;
    END IF;
    NEW.seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.at := now();
    NEW.hash := sha256(audit_entry_encoding(NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.tenant_id,
        NEW.subject, NEW.detail, NEW.prev_hash));
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- audit_log_move_head runs at commit for each entry the transaction
-- appended, and moves the head for its last one only.
-- +goose StatementBegin
CREATE FUNCTION audit_log_move_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.seq > NEW.seq) THEN
        UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER audit_log_head AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_log_move_head();

-- +goose Down
DROP TRIGGER audit_log_head ON audit_log;
DROP FUNCTION audit_log_move_head;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
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
