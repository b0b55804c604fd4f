-- +goose Up
-- Comments on this sub-portal's drafts out for public consultation (issue 9
-- point 8) arrive in the inbox as questions do: consultation_id is the
-- content id of the draft (NULL for a question).
ALTER TABLE feedback_inbox ADD COLUMN consultation_id text;
CREATE INDEX feedback_inbox_consultation ON feedback_inbox (consultation_id) WHERE consultation_id IS NOT NULL;

-- +goose Down
DROP INDEX feedback_inbox_consultation;
ALTER TABLE feedback_inbox DROP COLUMN consultation_id;
