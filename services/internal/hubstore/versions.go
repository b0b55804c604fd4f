package hubstore

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// Page sizes of ListVersions.
const (
	DefaultPageSize = 500
	MaxPageSize     = 1000
)

// ListVersions returns one page of what the hub holds of a tenant's items,
// ordered by content_id, and the token of the next page ("" on the last).
// pageToken is the opaque token of the previous page, or "".
func (s *Store) ListVersions(ctx context.Context, tenant string, pageSize int, pageToken string) ([]*pb.ItemVersion, string, error) {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	if pageSize > MaxPageSize {
		pageSize = MaxPageSize
	}
	after := ""
	if pageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(pageToken)
		if err != nil || !strings.HasPrefix(string(b), "v1:") {
			return nil, "", fmt.Errorf("page token: %w", ErrInvalidArgument)
		}
		after = strings.TrimPrefix(string(b), "v1:")
	}
	rows, err := s.pool.Query(ctx, `SELECT content_id, version, content_hash, state, takedown_reason, taken_down_at
		FROM items WHERE tenant_id = $1 AND content_id > $2 ORDER BY content_id LIMIT $3`, tenant, after, pageSize+1)
	if err != nil {
		return nil, "", mapErr("list versions of "+tenant, err)
	}
	defer rows.Close()
	var out []*pb.ItemVersion
	for rows.Next() {
		var (
			id, state string
			version   int64
			hash      []byte
			reason    *string
			at        *time.Time
		)
		if err := rows.Scan(&id, &version, &hash, &state, &reason, &at); err != nil {
			return nil, "", mapErr("list versions of "+tenant, err)
		}
		v := &pb.ItemVersion{ContentId: id, Version: uint64(version), ContentHash: hex.EncodeToString(hash),
			State: stateOf(state)}
		if at != nil {
			v.Takedown = &pb.Takedown{TakenDownAt: timestamppb.New(*at)}
			if reason != nil {
				v.Takedown.Reason = *reason
			}
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", mapErr("list versions of "+tenant, err)
	}
	next := ""
	if len(out) > pageSize {
		out = out[:pageSize]
		next = base64.RawURLEncoding.EncodeToString([]byte("v1:" + out[len(out)-1].ContentId))
	}
	return out, next, nil
}
