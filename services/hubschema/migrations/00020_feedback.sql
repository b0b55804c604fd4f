-- +goose Up
-- Citizens' questions and petitions (issue 9 points 1 and 2; docs/ARCHITECTURE.md,
-- "Citizens' feedback"). The gateway hands a submission to the aggregator's
-- FeedbackService, which stores it here, its routing event in outbox and its
-- confirmation e-mail in mail_outbox in one transaction. The contact details
-- (name, e-mail, phone) are sealed under the submission's data key
-- (personal_data_keys, same id): deleting that key makes them unreadable. The
-- gateway's reader role is granted nothing here: the public status page asks
-- the aggregator.
CREATE TABLE feedback (
    id              text        PRIMARY KEY,
    tracking_code   text        NOT NULL UNIQUE CHECK (tracking_code ~ '^[0-9A-HJKMNP-TV-Z]{12}$'),
    request_id      text        NOT NULL UNIQUE,
    tenant_id       text        NOT NULL REFERENCES tenants (id),   -- routed to
    asked_tenant_id text        REFERENCES tenants (id),            -- chosen by the visitor; NULL: "I don't know"
    topic           text        NOT NULL,
    question        text        NOT NULL CHECK (char_length(question) <= 4000),
    lang            text        NOT NULL CHECK (lang IN ('vi', 'en', 'ru')),
    contact         bytea       NOT NULL,                           -- sealed JSON {name, email, phone}
    has_email       boolean     NOT NULL,
    has_phone       boolean     NOT NULL,
    consent_version text        NOT NULL,
    status          text        NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'forwarded', 'in_progress', 'answered', 'published', 'closed')),
    answer          text,
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    status_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_tenant ON feedback (tenant_id, submitted_at);

-- +goose Down
DROP TABLE feedback;
