-- +goose Up
-- Comments on a draft out for public consultation (issue 9 point 8) are
-- submissions like questions, routed to the draft's tenant: consultation_id
-- is the content id of that tenant's draft (NULL for a question), so the
-- agency finds the comments on each draft.
ALTER TABLE feedback ADD COLUMN consultation_id text CHECK (char_length(consultation_id) <= 100);
CREATE INDEX feedback_consultation ON feedback (tenant_id, consultation_id) WHERE consultation_id IS NOT NULL;

-- +goose Down
DROP INDEX feedback_consultation;
ALTER TABLE feedback DROP COLUMN consultation_id;
