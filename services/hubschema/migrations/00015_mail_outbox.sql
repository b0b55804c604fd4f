-- +goose Up
-- The mail outbox (issue 9 point 7; docs/ARCHITECTURE.md, "The mail
-- outbox"): a caller queues an e-mail in the transaction of the action that
-- causes it (mailout.Enqueue), so the message exists exactly when the action
-- committed; the aggregator's mail relay sends it through SMTP, retrying
-- with backoff until the server accepts it. Recipients are personal data:
-- they live here and in the SMTP conversation only, never in logs.
CREATE TABLE mail_outbox (
    id               bigserial PRIMARY KEY,
    message_id       text NOT NULL UNIQUE,          -- the Message-ID header, without <>
    recipient        text NOT NULL,
    subject          text NOT NULL,
    text_body        text NOT NULL,
    html_body        text NOT NULL DEFAULT '',      -- '' sends text only
    purpose          text NOT NULL,                 -- e.g. 'feedback.received', for metrics and logs
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    failed_at        timestamptz,                   -- given up: the server refused it for good
    last_error       text,
    CHECK (octet_length(subject) + octet_length(text_body) + octet_length(html_body) <= 1048576),
    CHECK (recipient NOT LIKE '%' || chr(10) || '%' AND recipient NOT LIKE '%' || chr(13) || '%'),
    CHECK (subject NOT LIKE '%' || chr(10) || '%' AND subject NOT LIKE '%' || chr(13) || '%')
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Wake the mail relay when a message is queued.
-- +goose StatementBegin
CREATE FUNCTION mail_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hub_mail_outbox', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER mail_outbox_written AFTER INSERT ON mail_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_notify();

-- +goose Down
DROP TABLE mail_outbox;
DROP FUNCTION mail_outbox_notify;
