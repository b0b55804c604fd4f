-- +goose Up
-- Answering a citizen's question in full (issue 9 point 3): the request for
-- more information sent to the visitor (status 'waiting' until the reply
-- comes from the hub), the visitor's replies (FeedbackReply, each once by
-- its number), the reason of a closing (status 'closed'), the tenant of the
-- draft a comment is on (a forwarded comment's draft is another tenant's),
-- and the files attached to the draft answer, sent to the hub with it at
-- approval.
ALTER TABLE feedback_inbox
    DROP CONSTRAINT feedback_inbox_status,
    ADD CONSTRAINT feedback_inbox_status CHECK (status IN ('new', 'assigned', 'drafted', 'waiting', 'answered', 'forwarded', 'closed')),
    ADD COLUMN info_request        text,
    ADD COLUMN replies             jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN close_reason        text,
    ADD COLUMN consultation_tenant text;

CREATE TABLE feedback_answer_files (
    feedback_id text     NOT NULL REFERENCES feedback_inbox (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    filename    text     NOT NULL,
    media_type  text     NOT NULL,
    data        bytea    NOT NULL,
    PRIMARY KEY (feedback_id, position)
);

-- +goose Down
DROP TABLE feedback_answer_files;
UPDATE feedback_inbox SET status = 'assigned' WHERE status IN ('waiting', 'closed');
ALTER TABLE feedback_inbox
    DROP CONSTRAINT feedback_inbox_status,
    ADD CONSTRAINT feedback_inbox_status CHECK (status IN ('new', 'assigned', 'drafted', 'answered', 'forwarded')),
    DROP COLUMN consultation_tenant,
    DROP COLUMN close_reason,
    DROP COLUMN replies,
    DROP COLUMN info_request;
