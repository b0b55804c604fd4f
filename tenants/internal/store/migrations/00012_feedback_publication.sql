-- +goose Up
-- An answered question published as a question-and-answer item (issue 9
-- point 4): the content_id of the item made from it, whose approval asks the
-- approver to confirm the question's anonymisation.
ALTER TABLE feedback_inbox ADD COLUMN qa_content_id text;
CREATE UNIQUE INDEX feedback_inbox_qa ON feedback_inbox (qa_content_id) WHERE qa_content_id IS NOT NULL;

-- +goose Down
DROP INDEX feedback_inbox_qa;
ALTER TABLE feedback_inbox DROP COLUMN qa_content_id;
