package hubstore

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// hostRE is a lower-case DNS host name, as the tenant_hosts table checks it.
var hostRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// checkRegistry refuses a registry entry the portal could not use, with a
// message an operator can act on.
func checkRegistry(t Tenant) error {
	r := t.Registry
	if r.ParentID == t.ID && t.ID != "" {
		return &Invalid{English: "a tenant cannot be its own parent", Vietnamese: "Một đơn vị không thể là đơn vị cấp trên của chính nó."}
	}
	seen := map[string]bool{}
	for _, h := range r.Hosts {
		if len(h) > 253 || !hostRE.MatchString(h) {
			return &Invalid{
				English:    fmt.Sprintf("host name %q: want a lower-case DNS name without port, e.g. sodulich.khanhhoa.gov.vn", h),
				Vietnamese: fmt.Sprintf("Tên miền %q không hợp lệ: cần tên miền chữ thường, không có cổng, ví dụ sodulich.khanhhoa.gov.vn.", h),
			}
		}
		if seen[h] {
			return &Invalid{English: fmt.Sprintf("host name %q given twice", h), Vietnamese: fmt.Sprintf("Tên miền %q được nhập hai lần.", h)}
		}
		seen[h] = true
	}
	if r.Email != "" {
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email {
			return &Invalid{
				English:    fmt.Sprintf("e-mail %q: want an address such as vanphong@khanhhoa.gov.vn", r.Email),
				Vietnamese: fmt.Sprintf("Thư điện tử %q không hợp lệ: cần địa chỉ như vanphong@khanhhoa.gov.vn.", r.Email),
			}
		}
	}
	if r.EstablishedOn != nil && r.DissolvedOn != nil && r.DissolvedOn.Before(*r.EstablishedOn) {
		return &Invalid{English: "dissolved before it was established", Vietnamese: "Ngày giải thể trước ngày thành lập."}
	}
	return nil
}

// writeRegistry stores a tenant's registry entry and replaces its host
// names, inside tx. A parent that does not exist, or that would make the
// tenants' tree a cycle, is refused.
func writeRegistry(ctx context.Context, tx pgx.Tx, id string, r Registry) error {
	var parent *string
	if r.ParentID != "" {
		parent = &r.ParentID
		var exists, cycle bool
		err := tx.QueryRow(ctx, `WITH RECURSIVE up(id, parent_id) AS (
				SELECT id, parent_id FROM tenants WHERE id = $1
				UNION SELECT t.id, t.parent_id FROM tenants t JOIN up ON t.id = up.parent_id)
			SELECT EXISTS (SELECT 1 FROM up WHERE id = $1), EXISTS (SELECT 1 FROM up WHERE id = $2)`,
			r.ParentID, id).Scan(&exists, &cycle)
		if err != nil {
			return err
		}
		if !exists {
			return &Invalid{
				Vietnamese: fmt.Sprintf("Không có đơn vị cấp trên %q: thêm đơn vị đó trước (hubctl tenants add --id %s ...) hoặc sửa --parent.", r.ParentID, r.ParentID),
				English:    fmt.Sprintf("parent %q is not a tenant: add it first (hubctl tenants add --id %s ...) or correct --parent", r.ParentID, r.ParentID),
			}
		}
		if cycle {
			return fmt.Errorf("%w: parent %s is %s itself or one of its units", ErrInvalidArgument, r.ParentID, id)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE tenants SET parent_id = $2, address_vi = $3, address_en = $4, address_ru = $5,
			phone = $6, fax = $7, email = $8, responsible = $9, licence = $10, established_on = $11, dissolved_on = $12
		WHERE id = $1`, id, parent, r.AddressVI, r.AddressEN, r.AddressRU, r.Phone, r.Fax, r.Email,
		r.Responsible, r.Licence, r.EstablishedOn, r.DissolvedOn); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM tenant_hosts WHERE tenant_id = $1`, id); err != nil {
		return err
	}
	for i, h := range r.Hosts {
		if _, err := tx.Exec(ctx, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ($1, $2, $3)`,
			strings.ToLower(h), id, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// auditRecord is what the audit log keeps of a tenant's registration. The
// log is append-only for good, so it keeps no personal data: of the
// contacts (phone, fax, e-mail, the person responsible) only which are set.
func auditRecord(t Tenant) map[string]any {
	r := t.Registry
	contacts := []string{}
	for _, c := range []struct{ name, value string }{
		{"phone", r.Phone}, {"fax", r.Fax}, {"email", r.Email}, {"responsible", r.Responsible},
	} {
		if c.value != "" {
			contacts = append(contacts, c.name)
		}
	}
	return map[string]any{
		"kind": t.Kind, "name_vi": t.NameVI, "name_en": t.NameEN, "name_ru": t.NameRU, "home_url": t.HomeURL,
		"parent": r.ParentID, "address_vi": r.AddressVI, "address_en": r.AddressEN, "address_ru": r.AddressRU,
		"contacts_set": contacts, "licence": r.Licence,
		"established_on": r.EstablishedOn, "dissolved_on": r.DissolvedOn, "hosts": r.Hosts,
	}
}
