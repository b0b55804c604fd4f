-- +goose Up
-- Files a visitor attached to a question (issue 9 point 1): images and PDF,
-- at most 3 of at most 1 MiB. They are personal data: the name and the
-- content are sealed under the submission's data key (personaldata), so
-- deleting the submission's personal data (destroying its key) shreds them
-- too. Only the tenant the submission is routed to reads them, over gRPC.
-- The gateway's reader role is granted nothing here.
CREATE TABLE feedback_attachments (
    feedback_id text     NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    media_type  text     NOT NULL,
    size        integer  NOT NULL CHECK (size BETWEEN 1 AND 1048576),
    name        bytea    NOT NULL,
    data        bytea    NOT NULL,
    PRIMARY KEY (feedback_id, position)
);

-- +goose Down
DROP TABLE feedback_attachments;
