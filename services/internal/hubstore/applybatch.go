package hubstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
)

// Result is one push's answer from ApplyBatch: what Apply would have
// answered for it.
type Result struct {
	Resp *pb.PublishResponse
	Err  error
}

// ApplyBatch applies ps, pushes of one tenant, in order, with the outcome
// Apply would give each if called for them one after the other (the same
// version rules, refusals, rows, outbox event and audit entry per applied
// push), in one transaction instead of one per push: the bulk path
// (PublishBulk). Runs of items that need no check against other tables
// (no attachments, no redirect to a successor) and name distinct items are
// decided together from a few queries and written with a few statements;
// the other items are applied one by one inside the transaction, each under
// a savepoint. A refusal answers its push and the others go on. When the
// transaction as a whole fails (a concurrent push of the same item, a
// deadlock, the database gone), each push is applied again on its own by
// Apply, so every answer stays exact.
func (s *Store) ApplyBatch(ctx context.Context, tenant string, ps []*contentrules.Prepared) []Result {
	out := make([]Result, len(ps))
	index := !s.skipIndex.Load()
	var sent []OutboxRow
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		clear(out)
		sent = sent[:0]
		return applyRuns(ctx, tx, tenant, ps, out, index, &sent)
	})
	if err != nil {
		s.batchFallbacks.Add(1)
		for i, p := range ps {
			resp, err := s.Apply(ctx, tenant, p)
			out[i] = Result{Resp: resp, Err: err}
		}
		return out
	}
	applied := false
	for i, p := range ps {
		if out[i].Resp != nil {
			out[i].Resp.Sanitized = p.Sanitized
			applied = applied || out[i].Resp.GetOutcome() == pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED
		}
	}
	if applied {
		s.outboxCommitted(sent)
	}
	return out
}

// BatchFallbacks counts the ApplyBatch transactions that failed as a whole
// and whose pushes were applied again one by one (a metric: frequent
// fallbacks, from concurrent pushes of the same items, cost the bulk path
// its speed, not its correctness).
func (s *Store) BatchFallbacks() int64 { return s.batchFallbacks.Load() }

// needsOwnCheck reports whether item's push is checked against other
// tables (the tenant's files, the successor's item), which applyTx does
// and a run does not.
func needsOwnCheck(item *pb.ContentItem) bool {
	if len(item.GetAttachments()) > 0 || item.GetDataset().GetDataSha256() != "" {
		return true
	}
	return item.GetState() == pb.PublicationState_PUBLICATION_STATE_REDIRECTED &&
		item.GetUnpublishing().GetSuccessor().GetContentId() != ""
}

// applyRuns splits ps into runs and applies them in order inside tx.
func applyRuns(ctx context.Context, tx pgx.Tx, tenant string, ps []*contentrules.Prepared, out []Result, index bool, sent *[]OutboxRow) error {
	var run []int
	ids := map[string]bool{}
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		rows, err := applyRun(ctx, tx, tenant, ps, run, out, index)
		*sent = append(*sent, rows...)
		run = run[:0]
		clear(ids)
		return err
	}
	for i, p := range ps {
		if err := versionTooLarge(p.Item); err != nil {
			out[i].Err = err
			continue
		}
		if needsOwnCheck(p.Item) {
			if err := flush(); err != nil {
				return err
			}
			if err := applyOne(ctx, tx, tenant, p, &out[i], index); err != nil {
				return err
			}
			continue
		}
		if ids[p.Item.GetContentId()] {
			if err := flush(); err != nil {
				return err
			}
		}
		ids[p.Item.GetContentId()] = true
		run = append(run, i)
	}
	return flush()
}

// applyOne applies p with applyTx under a savepoint of tx: a refusal rolls
// back what it wrote and answers the push; any other error fails the batch.
func applyOne(ctx context.Context, tx pgx.Tx, tenant string, p *contentrules.Prepared, out *Result, index bool) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	resp, err := applyTx(ctx, sp, tenant, p.Item, p.Hash, index)
	var r *Refusal
	switch {
	case err == nil:
		out.Resp = resp
		return sp.Commit(ctx)
	case errors.As(err, &r):
		out.Err = r
		return sp.Rollback(ctx)
	default:
		_ = sp.Rollback(ctx)
		return err
	}
}

// heldRow is what the hub holds of an item a run pushes.
type heldRow struct {
	version   int64
	hash      []byte
	doc       []byte
	takenDown bool
}

// slugKey names a slug of a locale.
type slugKey struct{ locale, slug string }

// historyOp is the last change a run makes to one slug_history row: the
// slug retired to content (upsert), or no longer a redirect (delete).
type historyOp struct {
	upsert  bool
	content string
}

// runRows gathers the rows a run writes, in the order of its pushes.
type runRows struct {
	// items inserted (new) and updated (held), column by column.
	insert, update itemColumns
	// translations: every applied item's rows are deleted, then its
	// current translations inserted.
	replaced                                   []string
	trID, trLocale, trSlug, trTitle, trSummary []string
	history                                    map[slugKey]historyOp
	historyOrder                               []slugKey
	// compliance_updates rows.
	cuID       []string
	cuVersion  []int64
	cuNew      []bool
	cuPublish  []time.Time
	outSubject []string
	outMsgID   []string
	outPayload [][]byte
	auditID    []string
	auditDoc   []string
	index      indexPlan
}

type itemColumns struct {
	id, kind, category, state, doc []string
	version                        []int64
	hash                           [][]byte
	published                      []time.Time
}

func (c *itemColumns) add(id string, version uint64, hash [32]byte, kind, category, state string, published time.Time, doc []byte) {
	c.id = append(c.id, id)
	c.version = append(c.version, int64(version))
	c.hash = append(c.hash, append([]byte(nil), hash[:]...))
	c.kind = append(c.kind, kind)
	c.category = append(c.category, category)
	c.state = append(c.state, state)
	c.published = append(c.published, published)
	c.doc = append(c.doc, string(doc))
}

func (c *itemColumns) args(tenant string) []any {
	return []any{tenant, c.id, c.version, c.hash, c.kind, c.category, c.state, c.published, c.doc}
}

func (r *runRows) retire(k slugKey, op historyOp) {
	if r.history == nil {
		r.history = map[slugKey]historyOp{}
	}
	if _, ok := r.history[k]; !ok {
		r.historyOrder = append(r.historyOrder, k)
	}
	r.history[k] = op
}

// applyRun decides and writes the pushes ps[run...] (distinct items, none
// needing its own check) inside tx: it reads what the hub holds of them and
// who holds their slugs, decides each in order as applyTx would, keeping
// track of the slugs the earlier ones take and free, and writes the applied
// ones' rows with a few statements sent together.
func applyRun(ctx context.Context, tx pgx.Tx, tenant string, ps []*contentrules.Prepared, run []int, out []Result, index bool) ([]OutboxRow, error) {
	ids := make([]string, len(run))
	var slugs []string
	for k, i := range run {
		ids[k] = ps[i].Item.GetContentId()
		for _, tr := range ps[i].Item.GetTranslations() {
			slugs = append(slugs, tr.GetSlug())
		}
	}
	// The two reads go together, in one round trip.
	held := map[string]heldRow{}
	// owners: slug -> locale -> item, for the run's slugs and the run's
	// items' current slugs; old: item -> locale -> slug.
	owners := map[string]map[string]string{}
	old := map[string]map[string]string{}
	b := &pgx.Batch{}
	b.Queue(`SELECT content_id, version, content_hash, doc, taken_down_at IS NOT NULL FROM items
		WHERE tenant_id = $1 AND content_id = ANY($2) ORDER BY content_id FOR UPDATE`, tenant, ids).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id string
			var h heldRow
			if err := rows.Scan(&id, &h.version, &h.hash, &h.doc, &h.takenDown); err != nil {
				return err
			}
			held[id] = h
		}
		return rows.Err()
	})
	// Slugs are looked up in every locale (the CHECK's three), so that the
	// unique index (tenant_id, locale, slug) finds them. The items' rows are
	// locked by the statement before, as they were when the two went one
	// after the other.
	b.Queue(`SELECT locale, slug, content_id FROM item_translations
		WHERE tenant_id = $1 AND locale = ANY('{vi,en,ru}') AND slug = ANY($2)
		UNION SELECT locale, slug, content_id FROM item_translations WHERE tenant_id = $1 AND content_id = ANY($3)`, tenant, slugs, ids).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var locale, slug, id string
			if err := rows.Scan(&locale, &slug, &id); err != nil {
				return err
			}
			if owners[slug] == nil {
				owners[slug] = map[string]string{}
			}
			owners[slug][locale] = id
			if old[id] == nil {
				old[id] = map[string]string{}
			}
			old[id][locale] = slug
		}
		return rows.Err()
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}

	w := &runRows{}
	for _, i := range run {
		res, err := decide(tenant, ps[i], held, owners, old, w, index)
		if err != nil {
			return nil, err
		}
		out[i] = res
	}
	return w.write(ctx, tx, tenant)
}

// decide answers one push of a run and, when it applies, adds its rows to
// w and its slugs to owners, as applyTx would write them.
func decide(tenant string, p *contentrules.Prepared, held map[string]heldRow, owners, old map[string]map[string]string,
	w *runRows, index bool) (Result, error) {
	item, hash := p.Item, p.Hash
	id, version := item.GetContentId(), item.GetVersion()
	h, isHeld := held[id]
	if isHeld {
		if resp, err := againstHeld(id, version, hash, h.version, h.hash); resp != nil || err != nil {
			return Result{Resp: resp, Err: err}, nil
		}
	}
	for _, tr := range item.GetTranslations() {
		if other := otherOwner(owners[tr.GetSlug()], id); other != "" {
			return Result{Err: slugRefusal(tr.GetLocale(), tr.GetSlug(), other)}, nil
		}
	}
	doc, publishedAt, kind, state, err := rowOf(item)
	if err != nil {
		return Result{}, err
	}
	if isHeld {
		w.update.add(id, version, hash, kind, item.GetCategory(), state, publishedAt, doc)
	} else {
		w.insert.add(id, version, hash, kind, item.GetCategory(), state, publishedAt, doc)
	}

	// Translations, as replaceTranslations: the item's slugs now, the
	// history rows it changes (the last change to a row wins).
	w.replaced = append(w.replaced, id)
	for l, slug := range old[id] {
		if owners[slug][l] == id {
			delete(owners[slug], l)
		}
	}
	now := map[string]string{}
	for _, tr := range item.GetTranslations() {
		now[tr.GetLocale()] = tr.GetSlug()
		w.trID = append(w.trID, id)
		w.trLocale = append(w.trLocale, tr.GetLocale())
		w.trSlug = append(w.trSlug, tr.GetSlug())
		w.trTitle = append(w.trTitle, tr.GetTitle())
		w.trSummary = append(w.trSummary, tr.GetSummary())
		if owners[tr.GetSlug()] == nil {
			owners[tr.GetSlug()] = map[string]string{}
		}
		owners[tr.GetSlug()][tr.GetLocale()] = id
		w.retire(slugKey{tr.GetLocale(), tr.GetSlug()}, historyOp{})
	}
	locales := make([]string, 0, len(old[id]))
	for l := range old[id] {
		locales = append(locales, l)
	}
	sort.Strings(locales)
	for _, l := range locales {
		if now[l] != old[id][l] {
			w.retire(slugKey{l, old[id][l]}, historyOp{upsert: true, content: id})
		}
	}
	old[id] = now

	if index {
		w.index.add(tenant, item, publishedAt, h.takenDown, nil)
	}
	var heldDoc []byte
	if isHeld {
		heldDoc = h.doc
	}
	counts, err := countsAsUpdate(item, heldDoc)
	if err != nil {
		return Result{}, err
	}
	if counts {
		w.cuID = append(w.cuID, id)
		w.cuVersion = append(w.cuVersion, int64(version))
		w.cuNew = append(w.cuNew, !isHeld)
		w.cuPublish = append(w.cuPublish, publishedAt)
	}
	hashHex := hex.EncodeToString(hash[:])
	ev := appliedEvent(tenant, item, hashHex, now)
	payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev)
	if err != nil {
		return Result{}, fmt.Errorf("encode event %s: %w", ev.GetEventId(), err)
	}
	w.outSubject = append(w.outSubject, events.ContentSubject(tenant, id))
	w.outMsgID = append(w.outMsgID, ev.GetEventId())
	w.outPayload = append(w.outPayload, payload)
	detail, err := json.Marshal(pushDetail(version, state, hashHex))
	if err != nil {
		return Result{}, err
	}
	w.auditID = append(w.auditID, id)
	w.auditDoc = append(w.auditDoc, string(detail))
	held[id] = heldRow{version: int64(version), hash: hash[:], doc: doc, takenDown: h.takenDown}
	return Result{Resp: &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED,
		CurrentVersion: version, ContentHash: hashHex}}, nil
}

// otherOwner is an item other than id holding a slug (in any locale, as
// checkSlugs looks), or "".
func otherOwner(byLocale map[string]string, id string) string {
	locales := make([]string, 0, len(byLocale))
	for l, owner := range byLocale {
		if owner != id {
			locales = append(locales, l)
		}
	}
	if len(locales) == 0 {
		return ""
	}
	sort.Strings(locales)
	return byLocale[locales[0]]
}

// errRunRace says a run's insert met an item a concurrent push inserted.
var errRunRace = errors.New("a concurrent push inserted an item of the batch")

// write sends a run's statements together, in applyTx's order, the audit
// entries last.
func (w *runRows) write(ctx context.Context, tx pgx.Tx, tenant string) ([]OutboxRow, error) {
	if len(w.replaced) == 0 {
		return nil, nil
	}
	b := &pgx.Batch{}
	const cols = `SELECT * FROM unnest($2::text[], $3::bigint[], $4::bytea[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[])
		AS u(content_id, version, content_hash, kind, category, state, published_at, doc)`
	inserted := len(w.insert.id)
	if inserted > 0 {
		b.Queue(`INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
			SELECT $1, content_id, version, content_hash, kind, category, state, published_at, doc::jsonb FROM (`+cols+`) v
			ON CONFLICT (tenant_id, content_id) DO NOTHING`, w.insert.args(tenant)...).Exec(func(tag pgconn.CommandTag) error {
			if int(tag.RowsAffected()) != inserted {
				return errRunRace
			}
			return nil
		})
	}
	if len(w.update.id) > 0 {
		b.Queue(`UPDATE items i SET version = v.version, content_hash = v.content_hash, kind = v.kind, category = v.category,
			state = v.state, published_at = v.published_at, doc = v.doc::jsonb, updated_at = now()
			FROM (`+cols+`) v WHERE i.tenant_id = $1 AND i.content_id = v.content_id`, w.update.args(tenant)...)
	}
	b.Queue(`DELETE FROM item_translations WHERE tenant_id = $1 AND content_id = ANY($2)`, tenant, w.replaced)
	if len(w.trID) > 0 {
		b.Queue(`INSERT INTO item_translations (tenant_id, content_id, locale, slug, title, summary)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
			tenant, w.trID, w.trLocale, w.trSlug, w.trTitle, w.trSummary)
	}
	var delLocale, delSlug, upLocale, upSlug, upID []string
	for _, k := range w.historyOrder {
		op := w.history[k]
		if op.upsert {
			upLocale, upSlug, upID = append(upLocale, k.locale), append(upSlug, k.slug), append(upID, op.content)
		} else {
			delLocale, delSlug = append(delLocale, k.locale), append(delSlug, k.slug)
		}
	}
	if len(delSlug) > 0 {
		b.Queue(`DELETE FROM slug_history h USING unnest($2::text[], $3::text[]) AS d(locale, slug)
			WHERE h.tenant_id = $1 AND h.locale = d.locale AND h.slug = d.slug`, tenant, delLocale, delSlug)
	}
	if len(upSlug) > 0 {
		b.Queue(`INSERT INTO slug_history (tenant_id, locale, slug, content_id)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
			ON CONFLICT (tenant_id, locale, slug) DO UPDATE SET content_id = EXCLUDED.content_id, retired_at = now()`,
			tenant, upLocale, upSlug, upID)
	}
	if err := w.index.queue(ctx, tx, b, liveTable); err != nil {
		return nil, err
	}
	if len(w.cuID) > 0 {
		b.Queue(`INSERT INTO compliance_updates (tenant_id, content_id, version, new_item, published_at)
			SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bool[], $5::timestamptz[])`,
			tenant, w.cuID, w.cuVersion, w.cuNew, w.cuPublish)
	}
	sent := make([]OutboxRow, len(w.outMsgID))
	b.Queue(`INSERT INTO outbox (subject, msg_id, payload)
		SELECT subject, msg_id, payload FROM unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS o(subject, msg_id, payload, n)
		ORDER BY n RETURNING id, msg_id`, w.outSubject, w.outMsgID, w.outPayload).Query(func(rows pgx.Rows) error {
		at := make(map[string]int, len(w.outMsgID))
		for i, m := range w.outMsgID {
			at[m] = i
		}
		for rows.Next() {
			var id int64
			var msgID string
			if err := rows.Scan(&id, &msgID); err != nil {
				return err
			}
			i := at[msgID]
			sent[i] = OutboxRow{ID: id, Subject: w.outSubject[i], MsgID: msgID, Payload: w.outPayload[i]}
		}
		return rows.Err()
	})
	// Last: the audit entries hold the chain's head until the commit.
	b.Queue(`INSERT INTO audit_log (actor, action, tenant_id, subject, detail)
		SELECT $1, 'item.push', $2, subject, detail::jsonb FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS a(subject, detail, n)
		ORDER BY n`, PushActor(tenant), tenant, w.auditID, w.auditDoc)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(sent, func(r OutboxRow) bool { return r.ID == 0 }), nil
}
