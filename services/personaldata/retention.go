package personaldata

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Shred is the retention job: it destroys the data keys whose retention
// period has ended by now (delete_after at or before it), so the personal
// data they protect can never be read again, and returns how many. The
// service that keeps personal data calls it periodically with its clock's
// time; a run that fails or is missed is made up by the next, as it picks
// every key past its date.
//
// With a shred log, the ids are recorded before Shred returns.
func (s *Store) Shred(ctx context.Context, now time.Time) (int64, error) {
	rows, err := s.pool.Query(ctx, `DELETE FROM personal_data_keys WHERE delete_after <= $1 RETURNING submission_id`, now)
	if err != nil {
		return 0, fmt.Errorf("shred expired data keys: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("shred expired data keys: %w", err)
	}
	return int64(len(ids)), s.log.Record(ids, now)
}
