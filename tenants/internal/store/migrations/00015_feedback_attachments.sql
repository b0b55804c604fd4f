-- +goose Up
-- The files a visitor attached to a question (issue 9 point 1), as the hub
-- lists them: position, media type and size, a JSON array. Their names and
-- content stay at the hub (personal data, sealed there); the back office
-- fetches one over gRPC when a staff member opens it, and keeps nothing.
ALTER TABLE feedback_inbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE feedback_inbox DROP COLUMN attachments;
