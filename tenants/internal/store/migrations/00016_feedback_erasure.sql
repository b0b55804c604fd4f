-- +goose Up
-- The visitor deleted their personal data, or its retention period ended
-- (issue 9 point 6): the hub's FeedbackErasure empties this copy of the
-- question and records when.
ALTER TABLE feedback_inbox ADD COLUMN erased_at timestamptz;

-- +goose Down
ALTER TABLE feedback_inbox DROP COLUMN erased_at;
