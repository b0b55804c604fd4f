package hubstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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
	Status  string // set by the store; ignored by AddTenant
	Created time.Time
}

// Credential is a tenant's credential, without its token.
type Credential struct {
	ID      int64
	Tenant  string
	Label   string
	Created time.Time
	Revoked *time.Time
}

// audit appends one entry to the audit log inside tx.
func audit(ctx context.Context, tx pgx.Tx, actor, action, tenant, subject string, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var t *string
	if tenant != "" {
		t = &tenant
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor, action, tenant_id, subject, detail) VALUES ($1, $2, $3, $4, $5)`,
		actor, action, t, subject, d)
	return err
}

// AddTenant registers a tenant, active, and records who did it.
func (s *Store) AddTenant(ctx context.Context, actor string, t Tenant) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tenants (id, kind, name_vi, name_en, name_ru, home_url) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, t.Kind, t.NameVI, t.NameEN, t.NameRU, t.HomeURL); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "tenant.add", t.ID, t.ID, map[string]string{
			"kind": t.Kind, "name_vi": t.NameVI, "name_en": t.NameEN, "name_ru": t.NameRU, "home_url": t.HomeURL})
	})
	return mapErr("add tenant "+t.ID, err)
}

// SetTenantStatus makes a tenant active, suspended or retired.
func (s *Store) SetTenantStatus(ctx context.Context, actor, id, status string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1`, id, status)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, actor, "tenant.status", id, id, map[string]string{"status": status})
	})
	return mapErr("set status of tenant "+id, err)
}

// ListTenants returns every tenant, by id.
func (s *Store) ListTenants(ctx context.Context) ([]Tenant, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, name_vi, name_en, name_ru, home_url, status, created_at FROM tenants ORDER BY id`)
	if err != nil {
		return nil, mapErr("list tenants", err)
	}
	defer rows.Close()
	var out []Tenant
	for rows.Next() {
		var t Tenant
		if err := rows.Scan(&t.ID, &t.Kind, &t.NameVI, &t.NameEN, &t.NameRU, &t.HomeURL, &t.Status, &t.Created); err != nil {
			return nil, mapErr("list tenants", err)
		}
		out = append(out, t)
	}
	return out, mapErr("list tenants", rows.Err())
}

// IssueCredential creates a credential for tenant and returns its id and its
// token. The token is shown this once: the hub keeps only its SHA-256.
func (s *Store) IssueCredential(ctx context.Context, actor, tenant, label string) (id int64, token string, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return 0, "", fmt.Errorf("issue credential: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
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
	rows, err := s.pool.Query(ctx, `SELECT id, tenant_id, label, created_at, revoked_at FROM credentials
		WHERE $1 = '' OR tenant_id = $1 ORDER BY id`, tenant)
	if err != nil {
		return nil, mapErr("list credentials", err)
	}
	defer rows.Close()
	var out []Credential
	for rows.Next() {
		var c Credential
		if err := rows.Scan(&c.ID, &c.Tenant, &c.Label, &c.Created, &c.Revoked); err != nil {
			return nil, mapErr("list credentials", err)
		}
		out = append(out, c)
	}
	return out, mapErr("list credentials", rows.Err())
}

// Authenticate finds the tenant a token belongs to, and the tenant's status.
// An unknown or revoked token is ErrNotFound.
func (s *Store) Authenticate(ctx context.Context, token string) (tenant, status string, err error) {
	return s.AuthenticateSHA256(ctx, sha256.Sum256([]byte(token)))
}

// AuthenticateSHA256 is Authenticate given the token's SHA-256.
func (s *Store) AuthenticateSHA256(ctx context.Context, sum [32]byte) (tenant, status string, err error) {
	err = s.pool.QueryRow(ctx, `SELECT c.tenant_id, t.status FROM credentials c JOIN tenants t ON t.id = c.tenant_id
		WHERE c.token_sha256 = $1 AND c.revoked_at IS NULL`, sum[:]).Scan(&tenant, &status)
	if err != nil {
		return "", "", mapErr("authenticate", err)
	}
	return tenant, status, nil
}
