package hubstore

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// The 2025 reform's tenant lifecycle (issue 10 point 3; docs/ARCHITECTURE.md
// "Tenant lifecycle"): rename, retire, and merge (merge.go). The gateway
// answers the old URLs from what these leave in the tenants table,
// tenant_aliases, item_moves and slug_moves.

// What a retired tenant's old URLs answer (tenants.retired_pages).
const (
	RetiredBanner   = "banner"   // its pages stay, with a banner
	RetiredGone     = "gone"     // 410
	RetiredRedirect = "redirect" // merged: 301 to its successor
)

var tenantIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// hcmc is the time zone of the dates the lifecycle records (GMT+7).
var hcmc = time.FixedZone("ICT", 7*3600)

// dayOrToday is d, or today in GMT+7 when d is nil.
func dayOrToday(d *time.Time) time.Time {
	if d != nil {
		return *d
	}
	now := time.Now().In(hcmc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// tenantColumnsWithoutKey are the columns naming a tenant with no foreign
// key to follow a rename (TestRenameMovesEveryTenantColumn finds any new
// one); the audit log keeps the id an entry was written under, and the
// outbox the subjects it was published on.
var tenantColumnsWithoutKey = []struct{ table, column string }{
	{"slug_history", "tenant_id"},
	{"search_docs", "tenant_id"},
	{"legal_documents", "tenant_id"},
	{"legal_relations", "target_tenant"},
	{"page_views", "tenant_id"},
}

// RenameTenant gives tenant oldID the id newID (the 2025 reform renames
// units): its items, credentials, host names and every other row follow,
// and oldID becomes an alias whose URLs the gateway answers with 301 to the
// same URL under newID. The sub-portal must be told its new id
// (SUBPORTAL_TENANT); docs/OPERATIONS.md "Renaming a unit".
func (s *Store) RenameTenant(ctx context.Context, actor, oldID, newID string) error {
	what := fmt.Sprintf("rename tenant %s to %s", oldID, newID)
	if !tenantIDRE.MatchString(newID) {
		return fmt.Errorf("%s: %w: the new id must be 1 to 63 lower-case letters, digits and hyphens", what, ErrInvalidArgument)
	}
	if oldID == newID {
		return fmt.Errorf("%s: %w: the new id is the old one", what, ErrInvalidArgument)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1 FOR UPDATE`, oldID).Scan(&status); err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)
			OR EXISTS (SELECT 1 FROM tenant_aliases WHERE old_id = $1 AND tenant_id <> $2)`, newID, oldID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("%w: the id %s is a tenant's, or an old id that redirects to another tenant", ErrConflict, newID)
		}
		// Renamed back to an id it had: that alias ends.
		if _, err := tx.Exec(ctx, `DELETE FROM tenant_aliases WHERE old_id = $1`, newID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tenants SET id = $2, updated_at = now() WHERE id = $1`, oldID, newID); err != nil {
			return err
		}
		for _, c := range tenantColumnsWithoutKey {
			if _, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = $2 WHERE %s = $1`, c.table, c.column, c.column), oldID, newID); err != nil {
				return fmt.Errorf("%s.%s: %w", c.table, c.column, err)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tenant_aliases (old_id, tenant_id) VALUES ($1, $2)`, oldID, newID); err != nil {
			return err
		}
		for _, id := range []string{oldID, newID} {
			if err := announceTenant(ctx, tx, id, "tenant.rename", status); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "tenant.rename", newID, newID, map[string]string{"old_id": oldID, "new_id": newID})
	})
	return mapErr(what, err)
}

// Retirement is how a tenant was retired.
type Retirement struct {
	Successor   string // "" for none
	Pages       string // RetiredBanner, RetiredGone or RetiredRedirect
	DissolvedOn time.Time
}

// RetireTenant retires a unit that is not merged into another: it pushes
// no more, and its pages stay with a banner naming it, its years and its
// successor (RetiredBanner) or answer 410 (RetiredGone). dissolvedOn nil
// is today (GMT+7).
func (s *Store) RetireTenant(ctx context.Context, actor, id, successor, pages string, dissolvedOn *time.Time) (Retirement, error) {
	what := "retire tenant " + id
	if pages == "" {
		pages = RetiredBanner
	}
	if pages != RetiredBanner && pages != RetiredGone {
		return Retirement{}, fmt.Errorf("%s: %w: pages must be %s or %s (a merge redirects them)", what, ErrInvalidArgument, RetiredBanner, RetiredGone)
	}
	r := Retirement{Successor: successor, Pages: pages, DissolvedOn: dayOrToday(dissolvedOn)}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return retireTx(ctx, tx, actor, id, r, "tenant.retire")
	})
	return r, mapErr(what, err)
}

// retireTx retires id inside tx: the successor must be another tenant that
// is not retired itself.
func retireTx(ctx context.Context, tx pgx.Tx, actor, id string, r Retirement, action string) error {
	var status string
	var established *time.Time
	if err := tx.QueryRow(ctx, `SELECT status, established_on FROM tenants WHERE id = $1 FOR UPDATE`, id).Scan(&status, &established); err != nil {
		return err
	}
	if status == StatusRetired {
		return fmt.Errorf("%w: tenant %s is retired already", ErrConflict, id)
	}
	if established != nil && r.DissolvedOn.Before(*established) {
		return fmt.Errorf("%w: dissolved on %s, before it was established (%s)", ErrInvalidArgument,
			r.DissolvedOn.Format(time.DateOnly), established.Format(time.DateOnly))
	}
	var successor *string
	if r.Successor != "" {
		if r.Successor == id {
			return fmt.Errorf("%w: a unit cannot succeed itself", ErrInvalidArgument)
		}
		var st string
		if err := tx.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1`, r.Successor).Scan(&st); err != nil {
			return fmt.Errorf("successor %s: %w", r.Successor, ErrNotFound)
		}
		if st == StatusRetired {
			return fmt.Errorf("%w: the successor %s is retired itself", ErrInvalidArgument, r.Successor)
		}
		successor = &r.Successor
	}
	if _, err := tx.Exec(ctx, `UPDATE tenants SET status = 'retired', successor_id = $2, retired_pages = $3, dissolved_on = $4,
		updated_at = now() WHERE id = $1`, id, successor, r.Pages, r.DissolvedOn); err != nil {
		return err
	}
	if err := announceTenant(ctx, tx, id, action, StatusRetired); err != nil {
		return err
	}
	return audit(ctx, tx, actor, action, id, id, map[string]string{"successor": r.Successor, "pages": r.Pages,
		"dissolved_on": r.DissolvedOn.Format(time.DateOnly)})
}

// TenantRetirement returns how tenant id was retired (zero when it is not).
func (s *Store) TenantRetirement(ctx context.Context, id string) (Retirement, error) {
	var r Retirement
	var successor *string
	var dissolved *time.Time
	err := s.pool.QueryRow(ctx, `SELECT successor_id, CASE WHEN status = 'retired' THEN retired_pages ELSE '' END, dissolved_on
		FROM tenants WHERE id = $1`, id).Scan(&successor, &r.Pages, &dissolved)
	if err != nil {
		return Retirement{}, mapErr("tenant "+id, err)
	}
	if successor != nil {
		r.Successor = *successor
	}
	if dissolved != nil {
		r.DissolvedOn = *dissolved
	}
	return r, nil
}
