-- +goose Up
-- Answering a citizen's question in full (issue 9 point 3): the answer as
-- sanitised HTML (its Markdown source stays in answer, for the e-mail), the
-- files attached to the answer (the agency's own documents, for the visitor
-- who holds the tracking code), the agency's request for more information
-- while it waits for the visitor's reply, the visitors' replies (routed to
-- the tenant's inbox; emptied with the question when the personal data is
-- deleted), the reason of a closing, and the question-and-answer item made
-- from the answer (point 4): while that item is published at the hub, the
-- status page says "published" and links it.
ALTER TABLE feedback
    ADD COLUMN answer_html     text,
    ADD COLUMN info_request    text,
    ADD COLUMN info_requested_at timestamptz,
    ADD COLUMN replies         integer NOT NULL DEFAULT 0,
    ADD COLUMN close_reason    text,
    ADD COLUMN qa_content_id   text;

CREATE TABLE feedback_replies (
    feedback_id text        NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    n           integer     NOT NULL CHECK (n > 0),
    reply       text        NOT NULL,
    replied_at  timestamptz NOT NULL,
    PRIMARY KEY (feedback_id, n)
);

CREATE TABLE feedback_answer_files (
    feedback_id text     NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    filename    text     NOT NULL,
    media_type  text     NOT NULL,
    size        integer  NOT NULL CHECK (size BETWEEN 1 AND 1048576),
    data        bytea    NOT NULL,
    PRIMARY KEY (feedback_id, position)
);

-- The ops console's list of overdue questions (point 5).
CREATE INDEX feedback_overdue ON feedback (due_on) WHERE status IN ('received', 'forwarded', 'in_progress');

-- +goose Down
DROP INDEX feedback_overdue;
DROP TABLE feedback_answer_files;
DROP TABLE feedback_replies;
ALTER TABLE feedback
    DROP COLUMN qa_content_id,
    DROP COLUMN close_reason,
    DROP COLUMN replies,
    DROP COLUMN info_requested_at,
    DROP COLUMN info_request,
    DROP COLUMN answer_html;
