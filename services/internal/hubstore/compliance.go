package hubstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/compliance"
)

// recordUpdate writes item's push into compliance_updates, in the push's
// transaction, when it may count as an Article 11 update: it leaves the item
// published and changes it. A withdrawal (or redirect, or gone) never
// counts; neither does a re-push whose content equals what the hub held
// apart from the version number (a resync after the sub-portal lost track
// of the hub's version, or a version bumped without an edit). Same version
// and hash never gets here: Apply answers UNCHANGED. heldDoc is the item's
// stored doc, nil for an item the hub did not hold; the bulk-import rule
// (the rules file's bulk_import_age_days) is applied by the report, from
// new_item and published_at.
func recordUpdate(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem, heldDoc []byte, publishedAt time.Time) error {
	counts, err := countsAsUpdate(item, heldDoc)
	if err != nil || !counts {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO compliance_updates (tenant_id, content_id, version, new_item, published_at)
		VALUES ($1, $2, $3, $4, $5)`, tenant, item.GetContentId(), int64(item.GetVersion()), heldDoc == nil, publishedAt)
	return err
}

// countsAsUpdate is recordUpdate's rule: whether item's push, over heldDoc
// (nil: a new item), is written into compliance_updates.
func countsAsUpdate(item *pb.ContentItem, heldDoc []byte) (bool, error) {
	if item.GetState() != pb.PublicationState_PUBLICATION_STATE_PUBLISHED {
		return false, nil
	}
	if heldDoc != nil {
		held, err := decodeDoc(heldDoc)
		if err != nil {
			return false, err
		}
		same := proto.Clone(item).(*pb.ContentItem)
		same.Version = held.GetVersion()
		if proto.Equal(same, held) {
			return false, nil
		}
	}
	return true, nil
}

// ComplianceUpdates returns, per tenant, the times the hub applied pushes
// that count as Article 11 updates in [from, to): the rows recordUpdate
// wrote, less the first pushes of items first published more than
// bulkImportDays before the hub applied them (bulk imports).
func (s *Store) ComplianceUpdates(ctx context.Context, from, to time.Time, bulkImportDays int) (map[string][]time.Time, error) {
	return s.complianceUpdates(ctx, "", from, to, bulkImportDays)
}

// TenantComplianceUpdates is ComplianceUpdates of one tenant ("" for every
// tenant): a tenant's page reads its own rows (compliance_updates_period),
// not every tenant's.
func (s *Store) TenantComplianceUpdates(ctx context.Context, tenant string, from, to time.Time, bulkImportDays int) (map[string][]time.Time, error) {
	return s.complianceUpdates(ctx, tenant, from, to, bulkImportDays)
}

// complianceUpdates reads the counted updates of tenant ("" for all) in
// [from, to), in the order they were applied: the order of the index the
// range scan reads (compliance_updates_applied for all tenants), so no
// sort, and each tenant's times come out in order.
func (s *Store) complianceUpdates(ctx context.Context, tenant string, from, to time.Time, bulkImportDays int) (map[string][]time.Time, error) {
	q, args := `SELECT tenant_id, applied_at FROM compliance_updates
		WHERE applied_at >= $1 AND applied_at < $2
		  AND NOT (new_item AND published_at < applied_at - make_interval(days => $3))`, []any{from, to, bulkImportDays}
	if tenant != "" {
		q, args = q+` AND tenant_id = $4`, append(args, tenant)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY applied_at`, args...)
	if err != nil {
		return nil, mapErr("compliance updates", err)
	}
	defer rows.Close()
	out := map[string][]time.Time{}
	for rows.Next() {
		var tenant string
		var at time.Time
		if err := rows.Scan(&tenant, &at); err != nil {
			return nil, mapErr("compliance updates", err)
		}
		out[tenant] = append(out[tenant], at)
	}
	return out, mapErr("compliance updates", rows.Err())
}

// ComplianceTenants returns the tenants Article 11 applies to (all but the
// retired ones), as compliance.Assess needs them: a tenant of kind province
// is the provincial portal.
func (s *Store) ComplianceTenants(ctx context.Context) ([]compliance.Tenant, error) {
	ts, err := s.tenants(ctx, `WHERE t.status <> 'retired'`)
	if err != nil {
		return nil, mapErr("compliance tenants", err)
	}
	out := make([]compliance.Tenant, len(ts))
	for i, t := range ts {
		out[i] = compliance.Tenant{ID: t.ID, Provincial: t.Kind == "province", Created: t.Created}
	}
	return out, nil
}

// RaiseComplianceAlert records that tenant fell behind in period and, in the
// same transaction, writes the alert (payload, JSON) into the outbox under
// events.ComplianceSubject(tenant). It reports false, writing nothing, when
// the alert was raised before.
func (s *Store) RaiseComplianceAlert(ctx context.Context, tenant, period string, payload []byte) (bool, error) {
	raised := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO compliance_alerts (tenant_id, period) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, tenant, period)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		raised = true
		_, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
			events.ComplianceSubject(tenant), events.ComplianceMsgID(tenant, period), payload)
		return err
	})
	return raised, mapErr("raise compliance alert "+tenant+" "+period, err)
}
