-- +goose Up
-- A question forwarded to another agency (issue 9 point 3) stays here,
-- marked forwarded, with where it went and why.
ALTER TABLE feedback_inbox
    DROP CONSTRAINT feedback_inbox_status,
    ADD CONSTRAINT feedback_inbox_status CHECK (status IN ('new', 'assigned', 'drafted', 'answered', 'forwarded')),
    ADD COLUMN forwarded_to   text,
    ADD COLUMN forward_reason text;

-- +goose Down
DELETE FROM feedback_inbox WHERE status = 'forwarded';
ALTER TABLE feedback_inbox
    DROP COLUMN forward_reason,
    DROP COLUMN forwarded_to,
    DROP CONSTRAINT feedback_inbox_status,
    ADD CONSTRAINT feedback_inbox_status CHECK (status IN ('new', 'assigned', 'drafted', 'answered'));
