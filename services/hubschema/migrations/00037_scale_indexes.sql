-- +goose Up
-- Scale (issue 10 point 12; make bench's scale part, 3,400 tenants and 2
-- million items): two reads of the console that grew with the whole hub.
--
-- 1. The compliance report, the tenant list's week and the tenant page read
-- every tenant's counted updates of a period (hubstore.ComplianceUpdates:
-- applied_at in a range). The primary key and compliance_updates_period
-- lead with tenant_id, so EXPLAIN showed a parallel seq scan of the whole
-- table (1.2 s with 2 million updates). Keyed by applied_at, with the
-- columns the query filters on and returns, it is an index-only range scan.
CREATE INDEX compliance_updates_applied ON compliance_updates (applied_at) INCLUDE (tenant_id, new_item, published_at);

-- 2. The tenant list shows each tenant's item count: counting them
-- (an index-only scan of items_tenant_latest per tenant) read 900,000 index
-- entries for a first page holding the provincial office and the
-- departments (0.9 s). The count is kept instead, per tenant, by statement
-- triggers on items (COPY, a bulk push, a merge's move and a rename's
-- cascade each update it once per tenant, and an update that leaves an
-- item with its tenant writes nothing). No foreign key: a rename moves the
-- count through the items' cascade, and a tenant whose count falls to zero
-- has no row.
CREATE TABLE tenant_item_counts (
    tenant_id text   PRIMARY KEY,
    items     bigint NOT NULL CHECK (items >= 0)
);
-- No item written between the count and the triggers.
LOCK TABLE items IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO tenant_item_counts (tenant_id, items) SELECT tenant_id, count(*) FROM items GROUP BY tenant_id;

-- +goose StatementBegin
CREATE FUNCTION tenant_item_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each tenant's net change, in tenant order (no two transactions wait
    -- on each other's counts in opposite orders): additions may make the
    -- tenant's row, subtractions find it.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tenant_item_counts AS c (tenant_id, items)
        SELECT tenant_id, count(*) FROM new_rows GROUP BY tenant_id ORDER BY tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET items = c.items + EXCLUDED.items;
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE tenant_item_counts c SET items = c.items - o.n
        FROM (SELECT tenant_id, count(*) AS n FROM old_rows GROUP BY tenant_id ORDER BY tenant_id) o
        WHERE c.tenant_id = o.tenant_id;
    ELSE
        INSERT INTO tenant_item_counts AS c (tenant_id, items)
        SELECT tenant_id, sum(d) FROM (SELECT tenant_id, -1 AS d FROM old_rows UNION ALL SELECT tenant_id, 1 FROM new_rows) x
        GROUP BY tenant_id HAVING sum(d) > 0 ORDER BY tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET items = c.items + EXCLUDED.items;
        UPDATE tenant_item_counts c SET items = c.items + x.d
        FROM (SELECT tenant_id, sum(d) AS d FROM (SELECT tenant_id, -1 AS d FROM old_rows UNION ALL SELECT tenant_id, 1 FROM new_rows) y
            GROUP BY tenant_id HAVING sum(d) < 0 ORDER BY tenant_id) x
        WHERE c.tenant_id = x.tenant_id;
    END IF;
    DELETE FROM tenant_item_counts WHERE items = 0 AND tenant_id IN (SELECT tenant_id FROM old_rows);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tenant_item_counts_insert AFTER INSERT ON items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_item_counts_apply();
CREATE TRIGGER tenant_item_counts_delete AFTER DELETE ON items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_item_counts_apply();
CREATE TRIGGER tenant_item_counts_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tenant_item_counts_apply();

-- +goose Down
DROP TRIGGER tenant_item_counts_update ON items;
DROP TRIGGER tenant_item_counts_delete ON items;
DROP TRIGGER tenant_item_counts_insert ON items;
DROP FUNCTION tenant_item_counts_apply();
DROP TABLE tenant_item_counts;
DROP INDEX compliance_updates_applied;
