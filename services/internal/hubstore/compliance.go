package hubstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/mailout"
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
// same transaction, writes the alert (payload, JSON: a compliance.Alert) into
// the outbox under events.ComplianceSubject(tenant) and queues an e-mail
// telling the agency (Article 11.3) to the tenant's contact address, when
// its registry entry has one. It reports false, writing nothing, when the
// alert was raised before.
func (s *Store) RaiseComplianceAlert(ctx context.Context, tenant, period string, payload []byte) (bool, error) {
	raised := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO compliance_alerts (tenant_id, period) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, tenant, period)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		raised = true
		if _, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
			events.ComplianceSubject(tenant), events.ComplianceMsgID(tenant, period), payload); err != nil {
			return err
		}
		var name, email string
		if err := tx.QueryRow(ctx, `SELECT name_vi, email FROM tenants WHERE id = $1`, tenant).Scan(&name, &email); err != nil || email == "" {
			return err
		}
		var a compliance.Alert
		if err := json.Unmarshal(payload, &a); err != nil {
			return fmt.Errorf("compliance alert payload: %w", err)
		}
		_, err = mailout.Enqueue(ctx, tx, complianceNotice(name, email, a))
		return err
	})
	return raised, mapErr("raise compliance alert "+tenant+" "+period, err)
}

// ComplianceNoticePurpose tags the e-mail that tells an agency it fell
// behind its Article 11 updates (mail_outbox.purpose, the mail metrics).
const ComplianceNoticePurpose = "compliance.behind"

// complianceNotice is the e-mail telling the agency named name, at email,
// that it fell behind in a's period: in Vietnamese, then English.
func complianceNotice(name, email string, a compliance.Alert) mailout.Message {
	as := a.Assessment
	var vi, en string
	if len(as.Missed) > 0 || !strings.Contains(a.Period, "-W") {
		perDay := max(as.Required/max(as.WorkingDays, 1), 1)
		vi = fmt.Sprintf("Ngày làm việc %s đã kết thúc mà cổng thông tin chưa đủ cập nhật (cần ít nhất %d lần mỗi ngày làm việc).", a.Period, perDay)
		en = fmt.Sprintf("Working day %s ended without enough updates of the portal (at least %d each working day are required).", a.Period, perDay)
	} else {
		vi = fmt.Sprintf("Tuần %s đã kết thúc với %d lần cập nhật; quy định yêu cầu ít nhất %d lần.", a.Period, as.Counted, as.Required)
		en = fmt.Sprintf("Week %s ended with %d updates; at least %d are required.", a.Period, as.Counted, as.Required)
	}
	text := fmt.Sprintf(`Kính gửi %s,

Theo Điều 11 của quy chế hoạt động cổng thông tin điện tử (%s), cổng tổng hợp ghi nhận:
%s
Một lần cập nhật là một tin, bài được thêm hoặc sửa và đăng công khai; đồng bộ lại, gửi lại không
đổi, gỡ bài và nhập hàng loạt bài cũ không được tính. Đề nghị đơn vị cập nhật thông tin đúng hạn.
Thư này do hệ thống gửi tự động, một lần cho mỗi kỳ.

---

To %s,

Under Article 11 of the portal's regulation (%s), the provincial hub recorded:
%s
An update is an item added or changed and published; resyncs, unchanged re-pushes, withdrawals and
bulk imports of old items do not count. Please keep the portal updated on time.
This message is sent automatically, once for each period.
`, name, a.Decree, vi, name, a.Decree, en)
	return mailout.Message{To: email, Purpose: ComplianceNoticePurpose, Text: text,
		Subject: fmt.Sprintf("Chưa đủ cập nhật theo Điều 11 (%s) / Article 11 updates behind: %s", a.Period, name)}
}
