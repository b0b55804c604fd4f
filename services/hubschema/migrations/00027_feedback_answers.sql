-- +goose Up
-- Answering citizens' questions (issue 9 points 3 and 5): the day the answer
-- is due, counted in working days on the hub's calendar when the question
-- is received (NULL: the hub had no calendar), and who approved the answer
-- the responsible sub-portal sent back (AnswerFeedback), and when.
ALTER TABLE feedback
    ADD COLUMN due_on      date,
    ADD COLUMN answered_by text,
    ADD COLUMN answered_at timestamptz,
    ADD CONSTRAINT feedback_answer_size CHECK (char_length(answer) <= 20000);
CREATE INDEX feedback_open_due ON feedback (due_on) WHERE status IN ('received', 'forwarded', 'in_progress');

-- +goose Down
DROP INDEX feedback_open_due;
ALTER TABLE feedback DROP CONSTRAINT feedback_answer_size, DROP COLUMN answered_at, DROP COLUMN answered_by, DROP COLUMN due_on;
