package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// ImportTransferred stores, as this sub-portal's own, an item a merge of
// another unit into this one moved here (the hub's ItemTransfer, on the
// inbox): at the version the hub holds, so that the next change of it by
// this sub-portal's editors (an edit, a withdrawal) is the next version the
// hub applies. Its attachments are recorded as held by the hub (hub_blobs).
// Nothing is pushed: the hub holds it already. A transfer delivered again
// changes nothing; it reports whether it stored the item.
func (s *Store) ImportTransferred(ctx context.Context, t *pb.ItemTransfer) (_ bool, err error) {
	defer boundary(&err)
	item := t.GetItem()
	id, version := item.GetContentId(), int64(item.GetVersion())
	if id == "" || version <= 0 {
		return false, fmt.Errorf("transfer %s: no content id or version", t.GetEventId())
	}
	stored := false
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, id); err != nil {
			return err
		}
		var held int64
		err := tx.QueryRow(ctx, `SELECT hub_version FROM items WHERE content_id = $1`, id).Scan(&held)
		if err == nil {
			if held >= version {
				return nil // delivered again, or changed here since
			}
			return fmt.Errorf("%s is already an item of this sub-portal at version %d; the hub moved another here at %d", id, held, version)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		doc, err := protojson.Marshal(item)
		if err != nil {
			return err
		}
		hash := contentHash(item)
		kind := strings.TrimPrefix(item.GetKind().String(), "CONTENT_KIND_")
		state := strings.TrimPrefix(item.GetState().String(), "PUBLICATION_STATE_")
		if _, err := tx.Exec(ctx, `INSERT INTO items (content_id, kind, category, state, hub_version, hub_seen_version, doc, content_hash)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`, id, kind, item.GetCategory(), state, version, doc, hash); err != nil {
			return err
		}
		approver := item.GetApprover().GetName()
		if approver == "" {
			approver = t.GetFromNameVi()
		}
		authors, _ := json.Marshal(people(item.GetAuthors()))
		if _, err := tx.Exec(ctx, `INSERT INTO item_versions (content_id, version, doc, content_hash, state, authors, editor, approver)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, version, doc, hash, state, authors, item.GetEditor().GetName(), approver); err != nil {
			return err
		}
		for _, a := range item.GetAttachments() {
			if _, err := tx.Exec(ctx, `INSERT INTO hub_blobs (sha256, media_type, filename) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				a.GetSha256(), a.GetMediaType(), a.GetFilename()); err != nil {
				return err
			}
		}
		detail, _ := json.Marshal(map[string]string{"from_tenant": t.GetFromTenant(), "from_content_id": t.GetFromContentId(),
			"from_name": t.GetFromNameVi(), "event": t.GetEventId()})
		stored = true
		return audit(ctx, tx, "hub", "hub_transfer", id, version, detail)
	})
	if err != nil {
		return false, fmt.Errorf("import %s moved from %s: %w", id, t.GetFromTenant(), err)
	}
	return stored, nil
}
