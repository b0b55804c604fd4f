-- +goose Up
-- The one-click unsubscribe address of a message (RFC 8058, issue 9 point
-- 9): the relay writes it as List-Unsubscribe with List-Unsubscribe-Post,
-- so mail clients offer their own unsubscribe button. NULL for mail that
-- is no subscription's.
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe text
    CHECK (char_length(list_unsubscribe) <= 2000 AND list_unsubscribe ~ '^https?://[^<>\s"]+$');

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN list_unsubscribe;
