package hubstore

import (
	"context"

	"github.com/portalhub/portalhub/services/contentrules"
)

// Bounds of what a refused push keeps: a refused push may carry anything.
const (
	maxRefusedID      = 200
	maxRefusedMessage = 500
	maxRefusedFields  = 20
)

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// RecordRefusal keeps a push the hub refused, one row per violation (the
// first maxRefusedFields), for the ops console: a retry of the same push
// counts again on the same rows.
func (s *Store) RecordRefusal(ctx context.Context, tenant, contentID string, version uint64, vs []contentrules.Violation) error {
	if len(vs) > maxRefusedFields {
		vs = vs[:maxRefusedFields]
	}
	contentID = clip(contentID, maxRefusedID)
	for _, v := range vs {
		_, err := s.pool.Exec(ctx, `INSERT INTO refused_pushes (tenant_id, content_id, version, reason, field, message_en, message_vi)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (tenant_id, content_id, version, reason, field)
			DO UPDATE SET last_at = now(), times = refused_pushes.times + 1, message_en = EXCLUDED.message_en,
				message_vi = EXCLUDED.message_vi`,
			tenant, contentID, int64(min(version, 1<<63-1)), clip(v.Reason, maxRefusedID), clip(v.Field, maxRefusedID),
			clip(v.Description, maxRefusedMessage), clip(v.MessageVI, maxRefusedMessage))
		if err != nil {
			return mapErr("record refused push", err)
		}
	}
	return nil
}
