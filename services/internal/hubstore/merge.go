package hubstore

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
)

// SlugChange is a slug a merge changed in one locale.
type SlugChange struct{ Locale, From, To string }

// MovedItem is an item a merge gave a new content id or new slugs.
type MovedItem struct {
	FromContentID, ContentID string
	Slugs                    []SlugChange
}

// MergeReport says what a merge did: how many items moved, and which of
// them changed content id or slugs to avoid the successor's.
type MergeReport struct {
	From, Into  string
	Moved       int
	Renamed     []MovedItem
	DissolvedOn time.Time
	// Others counts what each merge hook (OnMerge) moved, by its name:
	// "questions", the open questions handed to the successor.
	Others map[string]int
}

// MergeTenant merges the unit from into the unit into (the 2025 reform):
// every item of from changes owner, in one transaction. The collision rule:
// an item keeps its content id and slugs unless into holds the same
// content id (it becomes "<from>-<content id>") or the same slug in a
// locale, current or former (it becomes "<slug>-<from>"), each cut to its
// length limit and followed by "-2", "-3"... while still taken. Each moved
// item records its first publisher (items.first_tenant_id), its old id and
// slugs (item_moves, slug_moves: the gateway's 301s), is announced as
// into's on the content stream and is handed to into's sub-portal on its
// inbox (an ItemTransfer), which stores it as its own. from is retired
// with into as its successor, its old URLs redirecting; its host names
// stay with it, so that the gateway answers them with 301 too.
func (s *Store) MergeTenant(ctx context.Context, actor, from, into string, dissolvedOn *time.Time) (MergeReport, error) {
	rep := MergeReport{From: from, Into: into, DissolvedOn: dayOrToday(dissolvedOn)}
	what := fmt.Sprintf("merge tenant %s into %s", from, into)
	if from == into {
		return rep, fmt.Errorf("%s: %w: a unit cannot merge into itself", what, ErrInvalidArgument)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rep.Moved, rep.Renamed = 0, nil
		names := map[string]string{}
		rows, err := tx.Query(ctx, `SELECT id, status, name_vi FROM tenants WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, from, into)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, status, name string
			if err := rows.Scan(&id, &status, &name); err != nil {
				rows.Close()
				return err
			}
			if status == StatusRetired {
				rows.Close()
				return fmt.Errorf("%w: tenant %s is retired", ErrConflict, id)
			}
			names[id] = name
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range []string{from, into} {
			if _, ok := names[id]; !ok {
				return fmt.Errorf("tenant %s: %w", id, ErrNotFound)
			}
		}
		taken, err := mergeTaken(ctx, tx, from, into)
		if err != nil {
			return err
		}
		type held struct {
			id      string
			doc     []byte
			version int64
			state   string
		}
		rows, err = tx.Query(ctx, `SELECT content_id, doc, version, state FROM items WHERE tenant_id = $1 ORDER BY content_id FOR UPDATE`, from)
		if err != nil {
			return err
		}
		items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (held, error) {
			var h held
			return h, r.Scan(&h.id, &h.doc, &h.version, &h.state)
		})
		if err != nil {
			return err
		}
		for _, h := range items {
			item, err := decodeDoc(h.doc)
			if err != nil {
				return err
			}
			item.ContentId = h.id // the key is what moves
			mv, err := moveItem(ctx, tx, from, into, names[from], item, taken)
			if err != nil {
				return fmt.Errorf("move %s/%s: %w", from, h.id, err)
			}
			rep.Moved++
			if mv.ContentID != mv.FromContentID || len(mv.Slugs) > 0 {
				rep.Renamed = append(rep.Renamed, mv)
			}
		}
		// Its e-mail subscribers follow the successor (one already
		// subscribed there in the same scope keeps that one).
		if _, err := tx.Exec(ctx, `UPDATE subscriptions s SET tenant_id = $2 WHERE s.tenant_id = $1 AND NOT EXISTS (
				SELECT 1 FROM subscriptions o WHERE o.tenant_id = $2 AND o.address_key = s.address_key
					AND coalesce(o.category, '') = coalesce(s.category, '') AND o.legal_type = s.legal_type
					AND o.legal_field = s.legal_field)`, from, into); err != nil {
			return err
		}
		s.mergeMu.RLock()
		hooks := s.mergeHooks
		s.mergeMu.RUnlock()
		rep.Others = map[string]int{}
		for _, h := range hooks {
			n, err := h.Move(ctx, tx, from, into)
			if err != nil {
				return fmt.Errorf("%s: %w", h.Name, err)
			}
			rep.Others[h.Name] = n
		}
		r := Retirement{Successor: into, Pages: RetiredRedirect, DissolvedOn: rep.DissolvedOn}
		if err := retireTx(ctx, tx, actor, from, r, "tenant.merge"); err != nil {
			return err
		}
		if err := announceTenant(ctx, tx, into, "tenant.merge", ""); err != nil {
			return err
		}
		renamed := make([]string, 0, min(len(rep.Renamed), 200))
		for _, m := range rep.Renamed[:min(len(rep.Renamed), 200)] {
			renamed = append(renamed, m.FromContentID+" -> "+m.ContentID)
		}
		return audit(ctx, tx, actor, "tenant.merge.items", into, from,
			map[string]any{"from": from, "into": into, "moved": rep.Moved, "renamed": renamed, "others": rep.Others})
	})
	return rep, mapErr(what, err)
}

// takenNames are the content ids and slugs a moved item must avoid.
type takenNames struct {
	ids   map[string]bool
	slugs map[string]bool // locale + "/" + slug
}

// mergeTaken reads what into holds (content ids; slugs current and former)
// and what from holds (its slugs: a slug changed in place must not meet
// another of its own items' before they move).
func mergeTaken(ctx context.Context, tx pgx.Tx, from, into string) (takenNames, error) {
	t := takenNames{ids: map[string]bool{}, slugs: map[string]bool{}}
	rows, err := tx.Query(ctx, `SELECT content_id FROM items WHERE tenant_id = $1`, into)
	if err != nil {
		return t, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return t, err
	}
	for _, id := range ids {
		t.ids[id] = true
	}
	rows, err = tx.Query(ctx, `SELECT locale || '/' || slug FROM item_translations WHERE tenant_id = $1
		UNION SELECT locale || '/' || slug FROM slug_history WHERE tenant_id = $1`, into)
	if err != nil {
		return t, err
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return t, err
	}
	for _, s := range slugs {
		t.slugs[s] = true
	}
	return t, nil
}

// freeName is base, or base with suffix ("<base>-<suffix>" cut to max),
// then with "-2", "-3"..., the first that taken does not hold.
func freeName(base string, max int, suffixed func(base string) string, taken func(string) bool) string {
	if !taken(base) {
		return base
	}
	cand := suffixed(base)
	for n := 2; taken(cand); n++ {
		tail := "-" + strconv.Itoa(n)
		c := suffixed(base)
		cand = strings.TrimRight(c[:min(len(c), max-len(tail))], "-") + tail
	}
	return cand
}

// moveItem moves one item of from to into inside tx (see MergeTenant).
func moveItem(ctx context.Context, tx pgx.Tx, from, into, fromName string, item *pb.ContentItem, t takenNames) (MovedItem, error) {
	oldID := item.GetContentId()
	cut := func(s string, max int) string { return strings.TrimRight(s[:min(len(s), max)], "-") }
	newID := freeName(oldID, contentrules.MaxContentID,
		func(b string) string { return cut(from+"-"+b, contentrules.MaxContentID) },
		func(s string) bool { return t.ids[s] })
	t.ids[newID] = true
	mv := MovedItem{FromContentID: oldID, ContentID: newID}
	oldSlugs := map[string]string{}
	for _, tr := range item.GetTranslations() {
		loc, old := tr.GetLocale(), tr.GetSlug()
		oldSlugs[loc] = old
		slug := freeName(old, contentrules.MaxSlug,
			func(b string) string { return cut(b+"-"+from, contentrules.MaxSlug) },
			func(s string) bool { return t.slugs[loc+"/"+s] })
		t.slugs[loc+"/"+slug] = true
		if slug != old {
			mv.Slugs = append(mv.Slugs, SlugChange{Locale: loc, From: old, To: slug})
			// In place first: the key change below must not meet into's slug.
			if _, err := tx.Exec(ctx, `UPDATE item_translations SET slug = $4 WHERE tenant_id = $1 AND content_id = $2 AND locale = $3`,
				from, oldID, loc, slug); err != nil {
				return mv, err
			}
			tr.Slug = slug
		}
	}
	item.ContentId = newID
	hash, err := contentrules.HashItem(item)
	if err != nil {
		return mv, err
	}
	doc, err := protojson.Marshal(item)
	if err != nil {
		return mv, err
	}
	// Its relations are derived from its doc: the legal projection (the
	// items_legal trigger) writes them again under the new key. Left in
	// place, the key change's cascade would move them onto those rows.
	if _, err := tx.Exec(ctx, `DELETE FROM legal_relations WHERE tenant_id = $1 AND content_id = $2`, from, oldID); err != nil {
		return mv, err
	}
	var version int64
	var state string
	var takenDown bool
	if err := tx.QueryRow(ctx, `UPDATE items SET tenant_id = $3, content_id = $4, doc = $5, content_hash = $6,
			first_tenant_id = coalesce(first_tenant_id, $1), updated_at = now()
		WHERE tenant_id = $1 AND content_id = $2 RETURNING version, state, taken_down_at IS NOT NULL`,
		from, oldID, into, newID, doc, hash[:]).Scan(&version, &state, &takenDown); err != nil {
		return mv, err
	}
	for _, q := range []string{
		`UPDATE legal_documents SET tenant_id = $3, content_id = $4 WHERE tenant_id = $1 AND content_id = $2`,
		`UPDATE legal_relations SET target_tenant = $3, target_id = $4 WHERE target_tenant = $1 AND target_id = $2`,
		`INSERT INTO item_moves (from_tenant, from_content_id, tenant_id, content_id) VALUES ($1, $2, $3, $4)`,
		// Its former slugs lead where its current ones do.
		`INSERT INTO slug_moves (from_tenant, locale, slug, tenant_id, content_id)
			SELECT $1, locale, slug, $3, $4 FROM slug_history WHERE tenant_id = $1 AND content_id = $2
			ON CONFLICT DO NOTHING`,
	} {
		if _, err := tx.Exec(ctx, q, from, oldID, into, newID); err != nil {
			return mv, err
		}
	}
	for _, q := range []string{
		`DELETE FROM slug_history WHERE tenant_id = $1 AND content_id = $2`,
		`SELECT search_remove($1, $2, '{}')`,
	} {
		if _, err := tx.Exec(ctx, q, from, oldID); err != nil {
			return mv, err
		}
	}
	for loc, slug := range oldSlugs {
		if _, err := tx.Exec(ctx, `INSERT INTO slug_moves (from_tenant, locale, slug, tenant_id, content_id) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, from, loc, slug, into, newID); err != nil {
			return mv, err
		}
	}
	for _, a := range item.GetAttachments() {
		if _, err := tx.Exec(ctx, `INSERT INTO blob_owners (tenant_id, sha256) SELECT $1, sha256 FROM blobs WHERE sha256 = decode($2, 'hex')
			ON CONFLICT DO NOTHING`, into, a.GetSha256()); err != nil {
			return mv, err
		}
	}
	if err := indexStored(ctx, tx, into, newID); err != nil {
		return mv, err
	}
	slugs := map[string]string{}
	for _, tr := range item.GetTranslations() {
		slugs[tr.GetLocale()] = tr.GetSlug()
	}
	hashHex := hex.EncodeToString(hash[:])
	now := timestamppb.Now()
	change := changeOf(stateOf(state))
	if takenDown {
		change = pb.ContentChange_CONTENT_CHANGE_TAKEN_DOWN
	}
	ev := &pb.ContentEvent{EventId: events.ContentMsgID(into, newID, uint64(version), hashHex) + "/merged", Tenant: into,
		ContentId: newID, Version: uint64(version), Change: change, Kind: item.GetKind(), Category: item.GetCategory(),
		ContentHash: hashHex, Slugs: slugs, OccurredAt: now}
	if err := writeEvent(ctx, tx, ev); err != nil {
		return mv, err
	}
	item.Version = uint64(version)
	transfer := &pb.ItemTransfer{EventId: "transfer/" + from + "/" + oldID + "/" + into + "/" + newID, Tenant: into, Item: item,
		FromTenant: from, FromContentId: oldID, FromNameVi: fromName, OccurredAt: now}
	payload, err := proto.Marshal(transfer)
	if err != nil {
		return mv, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
		events.InboxSubject(into, "transfer", newID), transfer.EventId, payload)
	return mv, err
}
