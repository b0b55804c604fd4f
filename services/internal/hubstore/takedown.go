package hubstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
)

// TakeDown takes an item down on the hub's own authority (Art. 7.5): the
// portal answers 451 with the public reason until the hub lifts it, whatever
// the tenant pushes meanwhile. It writes the audit entry and a TAKEN_DOWN
// event in the same transaction.
func (s *Store) TakeDown(ctx context.Context, actor, tenant, contentID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("take down %s/%s: a public reason is required: %w", tenant, contentID, ErrInvalidArgument)
	}
	return s.setTakedown(ctx, actor, tenant, contentID, &reason, "")
}

// LiftTakedown makes a taken-down item visible again; why is the ops
// team's reason for lifting it, kept in the audit log ("" when none is
// given).
func (s *Store) LiftTakedown(ctx context.Context, actor, tenant, contentID, why string) error {
	return s.setTakedown(ctx, actor, tenant, contentID, nil, strings.TrimSpace(why))
}

func (s *Store) setTakedown(ctx context.Context, actor, tenant, contentID string, reason *string, why string) error {
	what := fmt.Sprintf("take down %s/%s", tenant, contentID)
	if reason == nil {
		what = fmt.Sprintf("lift the takedown of %s/%s", tenant, contentID)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var version int64
		var kind, category, state string
		err := tx.QueryRow(ctx, `
			UPDATE items SET takedown_reason = $3, taken_down_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END
			WHERE tenant_id = $1 AND content_id = $2
			RETURNING version, kind, category, state`, tenant, contentID, reason).Scan(&version, &kind, &category, &state)
		if err != nil {
			return err
		}
		change := pb.ContentChange_CONTENT_CHANGE_TAKEN_DOWN
		action := "item.takedown"
		// Each takedown or lift is its own fact: a take-down, lift and
		// take-down again of one version must not be deduplicated. The id is
		// fixed in the outbox row, so a retried publish keeps it.
		msgID := fmt.Sprintf("%s/%d", events.TakedownMsgID(tenant, contentID, uint64(version)), time.Now().UnixNano())
		if reason == nil {
			// Lifting announces the item's own state again.
			change = changeOf(stateOf(state))
			action = "item.takedown_lifted"
			msgID += "/lifted"
		}
		ev := &pb.ContentEvent{
			EventId: msgID, Tenant: tenant, ContentId: contentID, Version: uint64(version), Change: change,
			Kind: contentrules.KindOfWord(kind), Category: category, OccurredAt: timestamppb.Now(),
		}
		if err := writeEvent(ctx, tx, ev); err != nil {
			return err
		}
		// The owning sub-portal is told, on its own inbox (issue 10 point 5).
		notice := &pb.TakedownNotice{EventId: "takedown-notice/" + msgID, Tenant: tenant, ContentId: contentID,
			Version: uint64(version), TakenDown: reason != nil, OccurredAt: ev.OccurredAt}
		if reason != nil {
			notice.Reason = *reason
		}
		payload, err := proto.Marshal(notice)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
			events.InboxSubject(tenant, "takedown", contentID), notice.EventId, payload); err != nil {
			return err
		}
		if reason != nil {
			if _, err := tx.Exec(ctx, `SELECT search_remove($1, $2, '{}')`, tenant, contentID); err != nil {
				return err
			}
		} else if err := indexStored(ctx, tx, tenant, contentID); err != nil {
			return err
		}
		detail := map[string]any{"version": version}
		if reason != nil {
			detail["reason"] = *reason
		} else if why != "" {
			detail["reason"] = why
		}
		return audit(ctx, tx, actor, action, tenant, contentID, detail)
	})
	return mapErr(what, err)
}
