package personaldata

import (
	"context"
	"fmt"
	"time"
)

// Shred is the retention job: it destroys the data keys whose retention
// period has ended by now (delete_after at or before it), so the personal
// data they protect can never be read again, and returns how many. The
// service that keeps personal data calls it periodically with its clock's
// time; a run that fails or is missed is made up by the next, as it picks
// every key past its date.
func (s *Store) Shred(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM personal_data_keys WHERE delete_after <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("shred expired data keys: %w", err)
	}
	return tag.RowsAffected(), nil
}
