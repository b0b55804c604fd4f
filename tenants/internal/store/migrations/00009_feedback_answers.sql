-- +goose Up
-- Answering citizens' questions in the back office (issue 9 point 3): the
-- day the answer is due (the hub counts it in working days), who took the
-- question, the draft answer and who wrote it, who approved it and when the
-- hub took it, and the hub's last refusal of it.
ALTER TABLE feedback_inbox
    ADD COLUMN due_on      date,
    ADD COLUMN assignee    text,
    ADD COLUMN draft       text NOT NULL DEFAULT '',
    ADD COLUMN drafted_by  text,
    ADD COLUMN approved_by text,
    ADD COLUMN answered_at timestamptz,
    ADD COLUMN send_error  text,
    ADD CONSTRAINT feedback_inbox_status CHECK (status IN ('new', 'assigned', 'drafted', 'answered'));

-- +goose Down
ALTER TABLE feedback_inbox DROP CONSTRAINT feedback_inbox_status, DROP COLUMN send_error, DROP COLUMN answered_at,
    DROP COLUMN approved_by, DROP COLUMN drafted_by, DROP COLUMN draft, DROP COLUMN assignee, DROP COLUMN due_on;
