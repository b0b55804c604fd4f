-- +goose Up
-- Article 11.3 alerts (issue 10 point 4): one row per tenant and period it
-- fell behind in (a missed working day of the provincial portal, yyyy-mm-dd;
-- an ISO week of a sub-portal, yyyy-Www). The aggregator's compliance watch
-- inserts the row and the alert's outbox row in one transaction, so each
-- alert is announced once, by whichever aggregator sees it first.
CREATE TABLE compliance_alerts (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    period     text        NOT NULL,
    raised_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, period)
);

-- +goose Down
DROP TABLE compliance_alerts;
