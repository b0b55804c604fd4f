package hubstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Tenant statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusRetired   = "retired"
)

// TokenPrefix starts every credential token, so a leaked one is easy to
// recognise (and to scan for).
const TokenPrefix = "phk_"

// Tenant is one sub-portal.
type Tenant struct {
	ID      string
	Kind    string // province, department, commune, ward, special_zone, district, other
	NameVI  string
	NameEN  string
	NameRU  string
	HomeURL string
	Registry
	Status  string // set by the store; ignored by AddTenant and UpdateTenant
	Created time.Time
}

// Registry is what the portal shows of a tenant beyond its names: the unit
// it belongs to, how to reach it (Decree 42/2022 asks a state portal to
// identify its managing agency), the years it existed, and the host names
// of its own site.
type Registry struct {
	ParentID                        string // "" for none
	AddressVI, AddressEN, AddressRU string
	Phone, Fax, Email               string
	Responsible                     string // the person responsible, with their position
	Licence                         string // the licence line of the portal
	EstablishedOn, DissolvedOn      *time.Time
	// Hosts are the host names of the tenant's own site, lower case, no
	// port; the first is the primary one, where its pages are canonical.
	Hosts []string
}

// Credential is a tenant's credential, without its token.
type Credential struct {
	ID         int64
	Tenant     string
	Label      string
	Created    time.Time
	Revoked    *time.Time
	Expires    *time.Time // set by a rotation: the end of its overlap
	LastUsed   *time.Time // the last authentication, to the minute
	ReplacedBy int64      // its successor in a rotation; 0 for none
}

// Live reports whether the credential opens the IngestService at now.
func (c Credential) Live(now time.Time) bool {
	return c.Revoked == nil && (c.Expires == nil || c.Expires.After(now))
}

// AddTenant registers a tenant, active, with its registry entry and host
// names, and records who did it.
func (s *Store) AddTenant(ctx context.Context, actor string, t Tenant) error {
	if err := checkRegistry(t); err != nil {
		return mapErr("tenant "+t.ID, err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tenants (id, kind, name_vi, name_en, name_ru, home_url) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, t.Kind, t.NameVI, t.NameEN, t.NameRU, t.HomeURL); err != nil {
			return err
		}
		if err := writeRegistry(ctx, tx, t.ID, t.Registry); err != nil {
			return err
		}
		if err := announceTenant(ctx, tx, t.ID, "tenant.add", StatusActive); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "tenant.add", t.ID, t.ID, auditRecord(t))
	})
	return mapErr("add tenant "+t.ID, err)
}

// UpdateTenant replaces a tenant's kind, names, home URL, registry entry and
// host names (not its id or status), and records who did it.
func (s *Store) UpdateTenant(ctx context.Context, actor string, t Tenant) error {
	if err := checkRegistry(t); err != nil {
		return mapErr("tenant "+t.ID, err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tenants SET kind = $2, name_vi = $3, name_en = $4, name_ru = $5, home_url = $6,
			updated_at = now() WHERE id = $1`, t.ID, t.Kind, t.NameVI, t.NameEN, t.NameRU, t.HomeURL)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		if err := writeRegistry(ctx, tx, t.ID, t.Registry); err != nil {
			return err
		}
		if err := announceTenant(ctx, tx, t.ID, "tenant.update", ""); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "tenant.update", t.ID, t.ID, auditRecord(t))
	})
	return mapErr("update tenant "+t.ID, err)
}

// Tenant returns one tenant with its registry entry.
func (s *Store) Tenant(ctx context.Context, id string) (Tenant, error) {
	ts, err := s.tenants(ctx, `WHERE t.id = $1`, id)
	if err != nil {
		return Tenant{}, mapErr("tenant "+id, err)
	}
	if len(ts) == 0 {
		return Tenant{}, mapErr("tenant "+id, ErrNotFound)
	}
	return ts[0], nil
}

// SetTenantStatus suspends or resumes a tenant (active, suspended); a
// retired one is refused (Precondition), and retiring is RetireTenant's.
func (s *Store) SetTenantStatus(ctx context.Context, actor, id, status string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var was string
		err := tx.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1 FOR UPDATE`, id).Scan(&was)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		// A retired tenant stays retired: retiring is the lifecycle's, not
		// a switch (the rule's one home, for the admin API and the console).
		if was == StatusRetired || status == StatusRetired {
			if status == StatusRetired {
				return &Invalid{English: "a tenant is retired by hubctl tenants retire (or merge), not by a status change",
					Vietnamese: "Cho đơn vị ngừng hoạt động bằng hubctl tenants retire (hoặc merge), không phải bằng đổi trạng thái."}
			}
			return &Precondition{Reason: "TENANT_RETIRED",
				English: "tenant " + id + " is retired (dissolved or merged into another unit): it cannot be suspended or resumed, " +
					"and a retired unit does not come back. Its successor, if any, carries on (hubctl tenants show --id " + id + "); " +
					"a unit re-established is added as a new tenant",
				Vietnamese: "Đơn vị " + id + " đã ngừng hoạt động (giải thể hoặc sáp nhập vào đơn vị khác): không thể tạm dừng hay cho hoạt động lại. " +
					"Đơn vị kế thừa (nếu có) tiếp tục thay nó (hubctl tenants show --id " + id + "); đơn vị được lập lại thì thêm như một đơn vị mới."}
		}
		if _, err := tx.Exec(ctx, `UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1`, id, status); err != nil {
			return err
		}
		if err := announceTenant(ctx, tx, id, "tenant.status", status); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "tenant.status", id, id, map[string]string{"status": status})
	})
	return mapErr("set status of tenant "+id, err)
}

// ListTenants returns every tenant, by id, with its registry entry.
func (s *Store) ListTenants(ctx context.Context) ([]Tenant, error) {
	ts, err := s.tenants(ctx, ``)
	return ts, mapErr("list tenants", err)
}

func (s *Store) tenants(ctx context.Context, where string, args ...any) ([]Tenant, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.id, t.kind, t.name_vi, t.name_en, t.name_ru, t.home_url, t.status, t.created_at,
			coalesce(t.parent_id, ''), t.address_vi, t.address_en, t.address_ru, t.phone, t.fax, t.email,
			t.responsible, t.licence, t.established_on, t.dissolved_on,
			coalesce((SELECT array_agg(h.host ORDER BY h.is_primary DESC, h.host) FROM tenant_hosts h WHERE h.tenant_id = t.id), '{}')
		FROM tenants t `+where+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Tenant, error) {
		var t Tenant
		r := &t.Registry
		err := row.Scan(&t.ID, &t.Kind, &t.NameVI, &t.NameEN, &t.NameRU, &t.HomeURL, &t.Status, &t.Created,
			&r.ParentID, &r.AddressVI, &r.AddressEN, &r.AddressRU, &r.Phone, &r.Fax, &r.Email,
			&r.Responsible, &r.Licence, &r.EstablishedOn, &r.DissolvedOn, &r.Hosts)
		return t, err
	})
}

// IssueCredential creates a credential for tenant and returns its id and its
// token. The token is shown this once: the hub keeps only its SHA-256.
func (s *Store) IssueCredential(ctx context.Context, actor, tenant, label string) (id int64, token string, err error) {
	token, sum, err := newCredentialToken()
	if err != nil {
		return 0, "", err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO credentials (tenant_id, token_sha256, label) VALUES ($1, $2, $3) RETURNING id`,
			tenant, sum[:], label).Scan(&id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "credential.issue", tenant, strconv.FormatInt(id, 10), map[string]string{"label": label})
	})
	if err != nil {
		return 0, "", mapErr("issue credential for tenant "+tenant, err)
	}
	return id, token, nil
}

// newCredentialToken returns a new token (TokenPrefix and 256 random bits)
// and its SHA-256, which is all the hub keeps.
func newCredentialToken() (string, [32]byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", [32]byte{}, fmt.Errorf("new credential: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	return token, sha256.Sum256([]byte(token)), nil
}

// RevokeCredential revokes a credential by id. Revoking a revoked credential
// is ErrNotFound.
func (s *Store) RevokeCredential(ctx context.Context, actor string, id int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var tenant string
		err := tx.QueryRow(ctx, `UPDATE credentials SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING tenant_id`, id).Scan(&tenant)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "credential.revoke", tenant, strconv.FormatInt(id, 10), map[string]string{})
	})
	return mapErr(fmt.Sprintf("revoke credential %d", id), err)
}

// ListCredentials returns a tenant's credentials (all tenants' when tenant is
// empty), by id.
func (s *Store) ListCredentials(ctx context.Context, tenant string) ([]Credential, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+credentialColumns+` FROM credentials
		WHERE $1 = '' OR tenant_id = $1 ORDER BY id`, tenant)
	if err != nil {
		return nil, mapErr("list credentials", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Credential, error) { return scanCredential(r) })
	return out, mapErr("list credentials", err)
}

const credentialColumns = `id, tenant_id, label, created_at, revoked_at, expires_at, last_used_at, coalesce(replaced_by, 0)`

func scanCredential(row pgx.Row) (Credential, error) {
	var c Credential
	err := row.Scan(&c.ID, &c.Tenant, &c.Label, &c.Created, &c.Revoked, &c.Expires, &c.LastUsed, &c.ReplacedBy)
	return c, err
}

// Credential returns one credential.
func (s *Store) Credential(ctx context.Context, id int64) (Credential, error) {
	c, err := scanCredential(s.pool.QueryRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE id = $1`, id))
	return c, mapErr(fmt.Sprintf("credential %d", id), err)
}

// Authenticate finds the tenant a token belongs to, and the tenant's status.
// An unknown or revoked token is ErrNotFound.
func (s *Store) Authenticate(ctx context.Context, token string) (tenant, status string, err error) {
	return s.AuthenticateSHA256(ctx, sha256.Sum256([]byte(token)))
}

// AuthenticateSHA256 is Authenticate given the token's SHA-256.
func (s *Store) AuthenticateSHA256(ctx context.Context, sum [32]byte) (tenant, status string, err error) {
	// A live credential: not revoked, not past a rotation's overlap. Its
	// last use is written at most once a minute, so that
	// the console can list it without a write per call (the interceptor's
	// cache already spares most calls the lookup).
	err = s.pool.QueryRow(ctx, `WITH c AS (
			SELECT c.id, c.tenant_id, t.status, c.last_used_at FROM credentials c JOIN tenants t ON t.id = c.tenant_id
			WHERE c.token_sha256 = $1 AND c.revoked_at IS NULL
				AND (c.expires_at IS NULL OR c.expires_at > now())),
		used AS (UPDATE credentials u SET last_used_at = now() FROM c
			WHERE u.id = c.id AND (c.last_used_at IS NULL OR c.last_used_at < now() - interval '1 minute'))
		SELECT tenant_id, status FROM c`, sum[:]).Scan(&tenant, &status)
	if err != nil {
		return "", "", mapErr("authenticate", err)
	}
	return tenant, status, nil
}
