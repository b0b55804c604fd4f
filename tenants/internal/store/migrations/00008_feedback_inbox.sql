-- +goose Up
-- Citizens' questions routed to this sub-portal by the hub (issue 9 point 2):
-- one row per submission, applied once by its hub id (the inbox consumer
-- inserts ON CONFLICT DO NOTHING, then acknowledges the message, so a
-- redelivery changes nothing). No contact details: the back office fetches
-- them from the hub's FeedbackService when a staff member needs them.
CREATE TABLE feedback_inbox (
    id           text        PRIMARY KEY,          -- the hub's submission id
    asked_tenant text        NOT NULL DEFAULT '',  -- the agency the visitor chose; '' for "I don't know"
    topic        text        NOT NULL,
    question     text        NOT NULL,
    lang         text        NOT NULL,
    has_email    boolean     NOT NULL,
    has_phone    boolean     NOT NULL,
    submitted_at timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    status       text        NOT NULL DEFAULT 'new'
);
CREATE INDEX feedback_inbox_submitted ON feedback_inbox (submitted_at);

-- +goose Down
DROP TABLE feedback_inbox;
