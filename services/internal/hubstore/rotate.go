package hubstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Rotation overlaps: how long a rotated credential keeps working by
// default, and at most.
const (
	DefaultOverlap = 24 * time.Hour
	MaxOverlap     = 30 * 24 * time.Hour
)

// RotateCredential issues a successor of the live credential id (same
// tenant; label, or the old one's when empty) and ends the old one overlap
// from now (at once for 0): during the overlap both work, so a sub-portal
// can take the new token without a gap. It returns the new credential, its
// token (shown this once) and the old credential as stored. A credential
// that is revoked, already rotated or past its end is ErrNotFound; an
// overlap outside 0..MaxOverlap is ErrInvalidArgument.
func (s *Store) RotateCredential(ctx context.Context, actor string, id int64, overlap time.Duration, label string) (Credential, string, Credential, error) {
	if overlap < 0 || overlap > MaxOverlap {
		return Credential{}, "", Credential{}, fmt.Errorf("rotate credential %d: %w: overlap %v is not within 0 and %v", id, ErrInvalidArgument, overlap, MaxOverlap)
	}
	token, sum, err := newCredentialToken()
	if err != nil {
		return Credential{}, "", Credential{}, err
	}
	var nu, old Credential
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err = scanCredential(tx.QueryRow(ctx, `SELECT `+credentialColumns+` FROM credentials
			WHERE id = $1 AND revoked_at IS NULL AND replaced_by IS NULL AND (expires_at IS NULL OR expires_at > now())
			FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if label == "" {
			label = old.Label
		}
		nu, err = scanCredential(tx.QueryRow(ctx, `INSERT INTO credentials (tenant_id, token_sha256, label) VALUES ($1, $2, $3)
			RETURNING `+credentialColumns, old.Tenant, sum[:], label))
		if err != nil {
			return err
		}
		old, err = scanCredential(tx.QueryRow(ctx, `UPDATE credentials SET replaced_by = $2,
				expires_at = now() + make_interval(secs => $3)
			WHERE id = $1 RETURNING `+credentialColumns, id, nu.ID, overlap.Seconds()))
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "credential.rotate", old.Tenant, strconv.FormatInt(id, 10),
			map[string]any{"replaced_by": nu.ID, "overlap_seconds": int64(overlap.Seconds()), "label": label})
	})
	if err != nil {
		return Credential{}, "", Credential{}, mapErr(fmt.Sprintf("rotate credential %d", id), err)
	}
	return nu, token, old, nil
}
