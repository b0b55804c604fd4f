package personaldata

import (
	"context"
	"fmt"
)

// rewrapBatch is how many data keys one transaction of Rewrap moves.
const rewrapBatch = 500

// Rewrap moves every data key wrapped by another key-encryption key to the
// current one, without touching the data those keys seal: after it, the
// older keys can leave PERSONAL_DATA_KEYS (docs/OPERATIONS.md, "Rotating
// the personal data keys"). It works in batches, each its own transaction,
// so it can run beside the service and be run again after a failure; it
// returns how many keys it moved. A key wrapped by a key-encryption key the
// keyring lacks stops it with ErrUnknownKEK.
func (s *Store) Rewrap(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.rewrapBatch(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// rewrapBatch moves up to rewrapBatch keys, skipping rows another
// transaction holds (a concurrent Destroy or Rewrap).
func (s *Store) rewrapBatch(ctx context.Context) (int, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("rewrap: %w", err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT submission_id, kek_id, wrapped_key FROM personal_data_keys
		WHERE kek_id <> $1 ORDER BY submission_id LIMIT $2 FOR UPDATE SKIP LOCKED`, s.keys.CurrentID(), rewrapBatch)
	if err != nil {
		return 0, fmt.Errorf("rewrap: %w", err)
	}
	type row struct {
		id, kekID string
		wrapped   []byte
	}
	var batch []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.kekID, &r.wrapped); err != nil {
			return 0, fmt.Errorf("rewrap: %w", err)
		}
		batch = append(batch, r)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("rewrap: %w", err)
	}
	for _, r := range batch {
		raw, err := s.keys.unwrap(r.kekID, r.wrapped, r.id)
		if err != nil {
			return 0, fmt.Errorf("rewrap: %w", err)
		}
		kekID, wrapped, err := s.keys.wrap(raw, r.id)
		if err != nil {
			return 0, fmt.Errorf("rewrap: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE personal_data_keys SET kek_id = $2, wrapped_key = $3 WHERE submission_id = $1`,
			r.id, kekID, wrapped); err != nil {
			return 0, fmt.Errorf("rewrap: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("rewrap: %w", err)
	}
	return len(batch), nil
}

// CurrentKeyID is the id of the key-encryption key Create and Rewrap wrap
// data keys with; "" for a store without a keyring.
func (s *Store) CurrentKeyID() string {
	if s.keys == nil {
		return ""
	}
	return s.keys.CurrentID()
}
