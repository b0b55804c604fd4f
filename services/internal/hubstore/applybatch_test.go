package hubstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// batchPushes is a sequence of pushes that meets every rule of Apply:
// new items, the same version again (unchanged, and changed: a conflict),
// older versions, slugs taken by other items and slugs an earlier push of
// the same sequence frees or takes, withdrawals, an item pushed several
// times in a row, a redirect to an item pushed just before, and attachments
// the hub does not hold.
func batchPushes() []*pb.ContentItem {
	withEN := func(it *pb.ContentItem, slug string) *pb.ContentItem {
		it.Translations = append(it.Translations, &pb.Translation{Locale: "en", Title: "EN " + it.ContentId, Slug: slug})
		return it
	}
	withdrawn := func(it *pb.ContentItem) *pb.ContentItem {
		it.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN
		it.Unpublishing = &pb.Unpublishing{Reason: "Hết hiệu lực"}
		return it
	}
	var ps []*pb.ContentItem
	for i := range 12 {
		ps = append(ps, article(fmt.Sprintf("filler-%02d", i), 1, fmt.Sprintf("Tin số %d", i), fmt.Sprintf("tin-%02d", i)))
	}
	redirect := article("f", 1, "F", "f")
	redirect.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
	redirect.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "tenant-a", ContentId: "e"}}
	missingSuccessor := article("f2", 1, "F2", "f2")
	missingSuccessor.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
	missingSuccessor.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "tenant-a", ContentId: "nowhere"}}
	withFile := article("g", 1, "G", "g")
	withFile.Attachments = []*pb.Attachment{{Filename: "a.pdf", MediaType: "application/pdf", Sha256: strings.Repeat("ab", 32)}}
	ps = append(ps,
		article("a", 1, "A", "a"),
		withEN(article("b", 1, "B", "b"), "b-en"),
		article("a", 1, "A", "a"),      // unchanged
		article("a", 1, "A khác", "a"), // conflict
		article("d", 1, "D", "b"),      // slug taken by b
		article("d2", 1, "D2", "b-en"), // slug taken by b, in another locale
		article("a", 2, "A", "a2"),     // renames: a into history
		article("e", 1, "E", "a"),      // takes the freed slug a
		withdrawn(article("b", 2, "B", "b")),
		article("b", 1, "B cũ", "b"),           // stale
		article("a", 3, "A", "a2"),             // the same content, a new version: no compliance row
		redirect,                               // to e, pushed above
		missingSuccessor,                       // to an item nowhere
		withFile,                               // a file the hub lacks
		article("h", 1, "H", "a2"),             // slug held by a
		article("a", 4, "A", "a"),              // slug held by e now
		article("e", 2, "E2", "e"),             // frees a
		article("e", 3, "E3", "e"),             // twice in a row
		article("a", 5, "A", "a"),              // takes a back: out of history
		withEN(article("k", 1, "K", "k"), "k"), // one slug in two locales
		article("filler-03", 1, "Tin số 3", "tin-03"),
		article("filler-04", 2, "Tin số 4 sửa", "tin-04"),
	)
	return ps
}

// TestApplyBatchMatchesApply applies the same pushes one by one with Apply
// and together with ApplyBatch, on two databases, and compares every answer
// and every row written.
func TestApplyBatchMatchesApply(t *testing.T) {
	for _, rebuilding := range []bool{false, true} {
		t.Run(fmt.Sprintf("rebuilding=%v", rebuilding), func(t *testing.T) { applyBatchMatchesApply(t, rebuilding) })
	}
}

// applyBatchMatchesApply is TestApplyBatchMatchesApply, with a rebuild of
// the index in progress (search_docs_next, which every push writes too)
// when rebuilding.
func applyBatchMatchesApply(t *testing.T, rebuilding bool) {
	one, many := newStore(t), newStore(t)
	ctx := context.Background()
	queries := batchTables
	if rebuilding {
		for _, s := range []*Store{one, many} {
			if err := inTx(ctx, s.pool, startRebuild); err != nil {
				t.Fatal(err)
			}
		}
		queries = append(queries, `SELECT tenant_id, content_id, locale, kind, category, published_at, title, summary, body, head::text, exact::text, tsv::text FROM search_docs_next ORDER BY 1, 2, 3`)
	}
	items := batchPushes()
	var ps []*contentrules.Prepared
	for _, it := range items {
		ps = append(ps, prepare(t, it))
	}
	var want []Result
	for _, p := range ps {
		resp, err := one.Apply(ctx, "tenant-a", p)
		want = append(want, Result{Resp: resp, Err: err})
	}
	// Two calls, the second starting in the middle of the sequence.
	got := many.ApplyBatch(ctx, "tenant-a", ps[:15])
	got = append(got, many.ApplyBatch(ctx, "tenant-a", ps[15:])...)
	if n := many.BatchFallbacks(); n != 0 {
		t.Fatalf("%d of 2 ApplyBatch calls fell back to one transaction per push: the batched path was not compared", n)
	}
	if len(got) != len(want) {
		t.Fatalf("%d answers for %d pushes", len(got), len(want))
	}
	applied := 0
	for i := range want {
		w, g := answer(want[i]), answer(got[i])
		if w != g {
			t.Errorf("push %d (%s@%d):\n batch %s\n alone %s", i, items[i].ContentId, items[i].Version, g, w)
		}
		if strings.HasPrefix(w, "PUBLISH_OUTCOME_APPLIED") {
			applied++
		}
	}
	if applied < 20 || applied == len(want) {
		t.Fatalf("the sequence applies %d of %d pushes: it no longer tests refusals among applied pushes", applied, len(want))
	}
	for _, q := range queries {
		w, g := rowsOf(t, one, q), rowsOf(t, many, q)
		if !slices.Equal(w, g) {
			t.Errorf("%s\n batch %d rows %q\n alone %d rows %q", q, len(g), g, len(w), w)
		}
	}
	if rebuilding && count(t, many, `SELECT count(*) FROM search_docs_next`) == 0 {
		t.Fatal("no document in the index being rebuilt: the batched path did not write into it")
	}
	// The events, apart from when they were made.
	if w, g := eventsOf(t, one), eventsOf(t, many); !slices.Equal(w, g) {
		t.Errorf("events\n batch %q\n alone %q", g, w)
	}
	if n := count(t, many, `SELECT count(*) FROM outbox WHERE subject LIKE 'hub.tenant-a.content.%'`); n != applied {
		t.Errorf("%d outbox events for %d applied pushes", n, applied)
	}
	if v, err := many.VerifyAudit(ctx, nil); err != nil || !v.Intact() {
		t.Errorf("audit chain after ApplyBatch: %+v, %v", v, err)
	}
}

// batchTables are the rows TestApplyBatchMatchesApply compares.
var batchTables = []string{
	`SELECT content_id, version, encode(content_hash, 'hex'), kind, category, state, published_at, doc::text FROM items ORDER BY 1`,
	`SELECT content_id, locale, slug, title, summary FROM item_translations ORDER BY 1, 2`,
	`SELECT tenant_id, locale, slug, content_id FROM slug_history ORDER BY 1, 2, 3`,
	`SELECT subject, msg_id FROM outbox WHERE subject NOT LIKE 'hub.registry.%' ORDER BY id`,
	`SELECT tenant_id, content_id, locale, kind, category, published_at, title, summary, body, head::text, exact::text, tsv::text FROM search_docs ORDER BY 1, 2, 3`,
	`SELECT word, display FROM search_vocabulary ORDER BY 1`,
	`SELECT tenant_id, content_id, version, new_item, published_at FROM compliance_updates ORDER BY 1, 2, 3`,
	`SELECT actor, action, coalesce(tenant_id, ''), subject, detail::text FROM audit_log ORDER BY id`,
}

// answer is a push's answer as text: its outcome, version and hash, or its
// refusal.
func answer(r Result) string {
	if r.Err != nil {
		ref, ok := r.Err.(*Refusal)
		if !ok {
			return "error " + r.Err.Error()
		}
		return fmt.Sprintf("refused %s %s: %s / %s", ref.Reason, ref.Field, ref.Description, ref.MessageVI)
	}
	return fmt.Sprintf("%s %d %s sanitized=%d", r.Resp.Outcome, r.Resp.CurrentVersion, r.Resp.ContentHash, len(r.Resp.Sanitized))
}

func rowsOf(t *testing.T, s *Store, query string) []string {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func eventsOf(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), `SELECT payload FROM outbox WHERE subject LIKE 'hub.tenant-a.%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var payload []byte
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var ev pb.ContentEvent
		if err := proto.Unmarshal(payload, &ev); err != nil {
			t.Fatal(err)
		}
		ev.OccurredAt = nil
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&ev)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%x", b))
	}
	return out
}

// TestOnOutboxAfterCommit counts the calls of the OnOutbox function (the
// outbox relay's Wake in the aggregator): one per committed transaction
// that applied a push, none for one that applied nothing, and the event
// is in the outbox when it is called.
func TestOnOutboxAfterCommit(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var base int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outbox`).Scan(&base); err != nil {
		t.Fatal(err)
	}
	var calls []int64
	s.OnOutbox(func() {
		var n int64
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outbox`).Scan(&n); err != nil {
			t.Error(err)
		}
		calls = append(calls, n-base)
	})
	a := prepare(t, article("wake-a", 1, "Tin một", "tin-mot"))
	if _, err := s.Apply(ctx, "tenant-a", a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, "tenant-a", a); err != nil { // UNCHANGED
		t.Fatal(err)
	}
	b := prepare(t, article("wake-b", 1, "Tin hai", "tin-hai"))
	c := prepare(t, article("wake-c", 1, "Tin ba", "tin-ba"))
	for _, r := range s.ApplyBatch(ctx, "tenant-a", []*contentrules.Prepared{b, c}) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	s.ApplyBatch(ctx, "tenant-a", []*contentrules.Prepared{b, c}) // both UNCHANGED
	if want := []int64{1, 3}; !slices.Equal(calls, want) {
		t.Errorf("OnOutbox called with %v new outbox rows, want %v", calls, want)
	}
}

// TestOnOutboxRows: the OnOutboxRows function (the outbox relay's Hand in
// the aggregator) gets, after the commit, exactly the outbox rows the
// transaction wrote (id, subject, message id, payload as the table holds
// them): one for a push Apply applied, one per applied push of ApplyBatch,
// nothing for pushes that applied nothing.
func TestOnOutboxRows(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var got [][]OutboxRow
	s.OnOutboxRows(func(rows []OutboxRow) { got = append(got, rows) })
	stored := func(rows []OutboxRow) {
		t.Helper()
		for _, r := range rows {
			var subject, msgID string
			var payload []byte
			var published bool
			err := s.pool.QueryRow(ctx, `SELECT subject, msg_id, payload, published_at IS NOT NULL FROM outbox WHERE id = $1`, r.ID).
				Scan(&subject, &msgID, &payload, &published)
			if err != nil {
				t.Fatalf("handed row %d: %v", r.ID, err)
			}
			if subject != r.Subject || msgID != r.MsgID || !bytes.Equal(payload, r.Payload) || published {
				t.Errorf("handed row %d = %s %s (%d bytes), the table holds %s %s (%d bytes, published %v)",
					r.ID, r.Subject, r.MsgID, len(r.Payload), subject, msgID, len(payload), published)
			}
		}
	}
	a := prepare(t, article("hand-a", 1, "Tin một", "tin-mot"))
	if _, err := s.Apply(ctx, "tenant-a", a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, "tenant-a", a); err != nil { // UNCHANGED
		t.Fatal(err)
	}
	b := prepare(t, article("hand-b", 1, "Tin hai", "tin-hai"))
	c := prepare(t, article("hand-c", 1, "Tin ba", "tin-ba"))
	for _, r := range s.ApplyBatch(ctx, "tenant-a", []*contentrules.Prepared{b, c}) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	s.ApplyBatch(ctx, "tenant-a", []*contentrules.Prepared{b, c}) // both UNCHANGED
	if len(got) != 2 || len(got[0]) != 1 || len(got[1]) != 2 {
		t.Fatalf("OnOutboxRows got %v, want one call with one row, then one with two", got)
	}
	for _, rows := range got {
		stored(rows)
	}
	want := []string{"hand-a", "hand-b", "hand-c"}
	var subjects []string
	for _, rows := range got {
		for _, r := range rows {
			subjects = append(subjects, r.Subject)
		}
	}
	for i, id := range want {
		if !strings.HasSuffix(subjects[i], "."+id) {
			t.Errorf("row %d's subject %s, want item %s's", i, subjects[i], id)
		}
	}
}

// TestSlugCheckUsesTheLocaleIndex: the single push's slug check finds a
// slug through the unique index (tenant_id, locale, slug), with the slug in
// the index condition, not by reading every translation of the tenant.
func TestSlugCheckUsesTheLocaleIndex(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan string
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+slugOwnerSQL, "tenant-a", "tin-mot", "other").Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, `"Index Name": "item_translations_slug"`) || !strings.Contains(plan, "(slug = ") {
		t.Errorf("the slug check's plan does not find the slug by item_translations_slug:\n%s", plan)
	}
}
