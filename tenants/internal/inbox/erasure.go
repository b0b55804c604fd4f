package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// errNotYet is an erasure of a question this sub-portal has not stored yet
// (its routing message delivered again later): it is tried again.
var errNotYet = errors.New("the question to erase is not here yet")

// StoreErasure deletes this sub-portal's copy of the question ev names (its
// text; the contact details were never here): the visitor deleted their
// personal data, or its retention period ended (issue 9 point 6). It
// reports whether it changed anything; a question already erased is left
// alone.
func StoreErasure(ctx context.Context, pool *pgxpool.Pool, ev *pb.FeedbackErasure) (bool, error) {
	tag, err := pool.Exec(ctx, `UPDATE feedback_inbox SET question = '', erased_at = $2, replies = '[]', info_request = NULL WHERE id = $1 AND erased_at IS NULL`,
		ev.GetId(), ev.GetErasedAt().AsTime())
	if err != nil {
		return false, fmt.Errorf("erase feedback %s: %w", ev.GetId(), err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM feedback_inbox WHERE id = $1)`, ev.GetId()).Scan(&exists); err != nil {
		return false, fmt.Errorf("erase feedback %s: %w", ev.GetId(), err)
	}
	if !exists {
		return false, errNotYet
	}
	return false, nil
}
