package hubstore

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/search"
)

// The search index (search_docs) holds exactly the items the public may
// find: published and not taken down. It is written here, inside the
// transaction that applies a push or a takedown, so an item is findable
// the moment it becomes visible and gone the moment it is withdrawn,
// redirected, gone or taken down; there is no indexer to fall behind.

// indexItem writes item's documents (one per translation) into the search
// index inside tx, or removes them when the item is not to be found.
func indexItem(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem, publishedAt time.Time, takenDown bool) error {
	return indexInto(ctx, tx, tenant, item, publishedAt, takenDown, liveTable)
}

// writeDocs writes an index plan's documents into a table (%[1]s: the
// index, or search_docs_next, the one being rebuilt, alone) and deletes its
// items' other documents, in one statement, planned once per connection:
// $1 to $3 the items (tenant, content, and the locales to keep joined by
// commas: vi, en, ru), $4 to $19 the documents, their texts' vectors
// (tsvectorOf) weighted and joined by search_vectors_of. It was a plpgsql function per document and one per
// item (search_put_vectors, search_remove), each planning its dynamic
// statements at every call and looking up whether a rebuild runs: a
// rebuild now mirrors the index's writes by a trigger it puts on
// search_docs while it runs (migration 00043, Reindex). The deleted rows
// and the written ones are distinct (a document's locale is kept), so the
// two parts do not depend on their order.
const writeDocs = `
WITH gone AS (
    DELETE FROM %[1]s s USING unnest($1::text[], $2::text[], $3::text[]) AS r (tenant_id, content_id, keep)
    WHERE s.tenant_id = r.tenant_id AND s.content_id = r.content_id AND s.locale <> ALL (string_to_array(r.keep, ','))
)
INSERT INTO %[1]s (tenant_id, content_id, locale, kind, category, published_at, title, summary, body, head, exact, tsv)
SELECT u.tenant_id, u.content_id, u.locale, u.kind, u.category, u.published_at, u.title, u.summary, u.body,
       v.head, v.exact, v.tsv
FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::text[],
        $12::text[], $13::tsvector[], $14::tsvector[], $15::tsvector[], $16::tsvector[], $17::tsvector[],
        $18::tsvector[], $19::tsvector[])
        AS u (tenant_id, content_id, locale, kind, category, published_at, title, summary, body, a, b, c, d, xa, xb, xd),
    LATERAL search_vectors_of(u.a, u.b, u.c, u.d, u.xa, u.xb, u.xd) v
ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET (kind, category, published_at, title, summary, body,
    head, exact, tsv) = (EXCLUDED.kind, EXCLUDED.category, EXCLUDED.published_at, EXCLUDED.title,
    EXCLUDED.summary, EXCLUDED.body, EXCLUDED.head, EXCLUDED.exact, EXCLUDED.tsv)`

// The tables an index plan writes into (writeDocs).
const (
	liveTable = "search_docs"
	nextTable = "search_docs_next"
)

// indexInto is indexItem writing into target: liveTable, or nextTable
// for the one being rebuilt alone.
func indexInto(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem, publishedAt time.Time, takenDown bool, target string) error {
	var texts map[string]string
	if inIndex(item, takenDown) {
		var err error
		if texts, err = attachmentTexts(ctx, tx, item); err != nil {
			return err
		}
	}
	var plan indexPlan
	plan.add(tenant, item, publishedAt, takenDown, texts)
	return plan.write(ctx, tx, target)
}

// inIndex reports whether an item belongs in the index.
func inIndex(item *pb.ContentItem, takenDown bool) bool {
	return !takenDown && item.GetState() == pb.PublicationState_PUBLICATION_STATE_PUBLISHED
}

// indexPlan is what writing some items into the index does: each item's
// documents written (one per translation, prepared) and its other
// documents removed, or all of them removed; and the words of their titles
// and summaries for the vocabulary.
type indexPlan struct {
	ops []indexOp
	// words: folded -> written.
	words map[string]string
}

// indexOp writes one document (doc set) or removes an item's documents
// but those in keep (locales).
type indexOp struct {
	tenant, id string
	doc        *indexDoc
	keep       []string
}

// indexDoc is one document to write.
type indexDoc struct {
	locale, kind, category string
	publishedAt            time.Time
	p                      search.Prepared
}

// add plans writing item's documents, or removing them when it is not to
// be found. texts are its attachments' texts.
func (pl *indexPlan) add(tenant string, item *pb.ContentItem, publishedAt time.Time, takenDown bool, texts map[string]string) {
	id := item.GetContentId()
	if !inIndex(item, takenDown) {
		pl.ops = append(pl.ops, indexOp{tenant: tenant, id: id, keep: []string{}})
		return
	}
	if pl.words == nil {
		pl.words = map[string]string{}
	}
	kind := contentrules.KindWord(item.GetKind())
	var locales []string
	at := map[string]int{} // locale -> its document's op
	for _, tr := range item.GetTranslations() {
		op := indexOp{tenant: tenant, id: id, doc: &indexDoc{locale: tr.GetLocale(), kind: kind,
			category: item.GetCategory(), publishedAt: publishedAt, p: search.Prepare(document(item, tr, texts))}}
		// One document a locale (the last, as when each was written in
		// turn): writeDocs cannot write a row twice. contentrules refuses
		// such an item; this keeps the index writable if one is stored.
		if i, ok := at[tr.GetLocale()]; ok {
			pl.ops[i] = op
		} else {
			at[tr.GetLocale()] = len(pl.ops)
			locales = append(locales, tr.GetLocale())
			pl.ops = append(pl.ops, op)
		}
		for _, text := range []string{tr.GetTitle(), tr.GetSummary()} {
			toks, _ := search.Tokens(text)
			for _, t := range toks {
				if _, ok := pl.words[t.Folded]; !ok && len([]rune(t.Folded)) > 2 {
					pl.words[t.Folded] = t.Exact
				}
			}
		}
	}
	pl.ops = append(pl.ops, indexOp{tenant: tenant, id: id, keep: locales})
}

// write carries the plan out in tx, into target (see indexInto), in one
// round trip after the one that asks the database for the lexemes of the
// words it has not seen yet (lexemesOf).
func (pl *indexPlan) write(ctx context.Context, tx pgx.Tx, target string) error {
	if len(pl.ops) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	if err := pl.queue(ctx, tx, b, target); err != nil {
		return err
	}
	return tx.SendBatch(ctx, b).Close()
}

// queue queues the plan's statements into b (writeDocs into target, and
// the vocabulary), after asking the database in tx for the lexemes of the
// words it has not seen yet (lexemesOf). The plan's items are distinct:
// Apply's one, a rebuild's batch, ApplyBatch's runs.
func (pl *indexPlan) queue(ctx context.Context, tx pgx.Tx, b *pgx.Batch, target string) error {
	if len(pl.ops) == 0 {
		return nil
	}
	f, x, err := pl.lexemes(ctx, tx)
	if err != nil {
		return err
	}
	var rTenant, rID, rKeep []string
	var tenant, id, locale, kind, category, title, summary, body []string
	var a, bb, c, d, xa, xb, xd []pgtype.TSVector
	var published []time.Time
	for _, op := range pl.ops {
		if op.doc == nil {
			rTenant, rID, rKeep = append(rTenant, op.tenant), append(rID, op.id), append(rKeep, strings.Join(op.keep, ","))
			continue
		}
		p := op.doc.p
		tenant, id, locale = append(tenant, op.tenant), append(id, op.id), append(locale, op.doc.locale)
		kind, category = append(kind, op.doc.kind), append(category, op.doc.category)
		published = append(published, op.doc.publishedAt)
		title, summary, body = append(title, p.Title), append(summary, p.Summary), append(body, p.Body)
		a, bb = append(a, tsvectorOf(p.A, f)), append(bb, tsvectorOf(p.B, f))
		c, d = append(c, tsvectorOf(p.C, f)), append(d, tsvectorOf(p.D, f))
		xa, xb = append(xa, tsvectorOf(p.ExactA, x)), append(xb, tsvectorOf(p.ExactB, x))
		xd = append(xd, tsvectorOf(p.ExactD, x))
	}
	b.Queue(fmt.Sprintf(writeDocs, target), rTenant, rID, rKeep,
		tenant, id, locale, kind, category, published, title, summary, body, a, bb, c, d, xa, xb, xd)
	queueVocabulary(b, pl.words)
	return nil
}

// tsvectorOf is to_tsvector(c, text) for a text of words one space apart,
// given each word's lexemes in c (search.VectorEntries), as a value pgx
// sends in PostgreSQL's binary form: its lexemes in PostgreSQL's order (by
// bytes, a prefix first), so that the server neither parses a literal nor
// sorts (tsvectorrecv). Parsing the literals of search.VectorLiteral took
// about 1 ms a document at load 42 (the whole-text vectors of make bench's
// 5,000 items: 2.0 s for 1,500 of them, 0.45 s to read the same literals
// as text).
func tsvectorOf(text string, lexemes func(string) []search.Lexeme) pgtype.TSVector {
	entries := search.VectorEntries(text, lexemes)
	slices.SortFunc(entries, func(a, b search.VectorEntry) int { return strings.Compare(a.Word, b.Word) })
	v := pgtype.TSVector{Valid: true, Lexemes: make([]pgtype.TSVectorLexeme, len(entries))}
	for i, e := range entries {
		pos := make([]pgtype.TSVectorPosition, len(e.Pos))
		for j, p := range e.Pos {
			pos[j] = pgtype.TSVectorPosition{Position: uint16(p)}
		}
		v.Lexemes[i] = pgtype.TSVectorLexeme{Word: e.Word, Positions: pos}
	}
	return v
}

// lexemes asks the database in tx for the lexemes of the plan's words it
// has not seen yet (lexemesOf), folded and exact.
func (pl *indexPlan) lexemes(ctx context.Context, tx pgx.Tx) (folded, exact func(string) []search.Lexeme, err error) {
	var f, x []string
	for _, op := range pl.ops {
		if p := op.doc; p != nil {
			f = append(f, p.p.A, p.p.B, p.p.C, p.p.D)
			x = append(x, p.p.ExactA, p.p.ExactB, p.p.ExactD)
		}
	}
	lx, err := lexemesOf(ctx, tx, map[string][]string{configFolded: search.Words(f...), configExact: search.Words(x...)})
	if err != nil {
		return nil, nil, err
	}
	return lx.of(configFolded), lx.of(configExact), nil
}

// queueVocabulary queues adding words (folded -> written) to the
// vocabulary of "did you mean".
func queueVocabulary(b *pgx.Batch, words map[string]string) {
	if len(words) == 0 {
		return
	}
	// In one order, so that two transactions adding the same new words
	// cannot deadlock.
	folded := make([]string, 0, len(words))
	for w := range words {
		folded = append(folded, w)
	}
	slices.Sort(folded)
	written := make([]string, len(folded))
	for i, w := range folded {
		written[i] = words[w]
	}
	b.Queue(`INSERT INTO search_vocabulary (word, display)
		SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (word) DO NOTHING`, folded, written)
}

// indexStored indexes an item again from what the hub stores (after a
// takedown is lifted).
func indexStored(ctx context.Context, tx pgx.Tx, tenant, contentID string) error {
	var doc []byte
	var publishedAt time.Time
	var takenDown bool
	err := tx.QueryRow(ctx, `SELECT doc, published_at, taken_down_at IS NOT NULL FROM items
		WHERE tenant_id = $1 AND content_id = $2`, tenant, contentID).Scan(&doc, &publishedAt, &takenDown)
	if err != nil {
		return err
	}
	item, err := decodeDoc(doc)
	if err != nil {
		return err
	}
	return indexInto(ctx, tx, tenant, item, publishedAt, takenDown, liveTable)
}

// attachmentTexts returns the extracted text of the item's attachments
// (and of a dataset's file), by lower-case hex SHA-256.
func attachmentTexts(ctx context.Context, tx pgx.Tx, item *pb.ContentItem) (map[string]string, error) {
	var shas [][]byte
	add := func(h string) {
		if b, err := hex.DecodeString(h); err == nil && len(b) == 32 {
			shas = append(shas, b)
		}
	}
	for _, a := range item.GetAttachments() {
		add(a.GetSha256())
	}
	if d := item.GetDataset(); d != nil && d.GetDataSha256() != "" {
		add(d.GetDataSha256())
	}
	if len(shas) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT sha256, text FROM blob_texts WHERE sha256 = ANY($1) AND text <> ''`, shas)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for rows.Next() {
		var sha []byte
		var text string
		if err := rows.Scan(&sha, &text); err != nil {
			rows.Close()
			return nil, err
		}
		out[hex.EncodeToString(sha)] = text
	}
	rows.Close()
	return out, rows.Err()
}

// document is one translation of item as the index sees it: the kind's
// identifiers rank as the title, its other fields above the body.
func document(item *pb.ContentItem, tr *pb.Translation, texts map[string]string) search.Document {
	d := search.Document{Title: tr.GetTitle(), Summary: tr.GetSummary(), BodyHTML: tr.GetBodyHtml()}
	add := func(ss ...string) {
		for _, s := range ss {
			if s != "" {
				d.Details = append(d.Details, s)
			}
		}
	}
	switch {
	case item.GetLegalDocument() != nil:
		l := item.GetLegalDocument()
		d.Codes = append(d.Codes, l.GetNumber())
		add(l.GetDocumentType(), l.GetIssuer(), l.GetSigner(), l.GetField(), l.GetIssuerCode())
		for _, r := range l.GetRelations() {
			add(r.GetTargetNumber())
		}
	case item.GetPublicService() != nil:
		p := item.GetPublicService()
		d.Codes = append(d.Codes, p.GetCode())
		add(p.GetAgency(), p.GetField(), p.GetHandlingLevel())
	case item.GetOrganisationUnit() != nil:
		o := item.GetOrganisationUnit()
		add(o.GetAddress())
		for _, off := range o.GetOfficials() {
			add(off.GetName(), off.GetPosition(), off.GetUnit())
		}
	case item.GetDirectoryEntry() != nil:
		e := item.GetDirectoryEntry()
		add(e.GetAgency(), e.GetAddress())
	case item.GetProcurementNotice() != nil:
		p := item.GetProcurementNotice()
		add(p.GetInvestor(), p.GetLocation())
	case item.GetDataset() != nil:
		ds := item.GetDataset()
		add(ds.GetKeywords()...)
		add(ds.GetSpatial(), ds.GetTemporal())
	case item.GetQuestionAnswer() != nil:
		qa := item.GetQuestionAnswer()
		add(qa.GetQuestion(), qa.GetTopic(), qa.GetAnsweredBy())
	case item.GetWorkSchedule() != nil:
		for _, e := range item.GetWorkSchedule().GetEntries() {
			add(e.GetLeader(), e.GetActivity(), e.GetLocation())
		}
	}
	for _, a := range item.GetAttachments() {
		add(a.GetTitle())
		if t := texts[a.GetSha256()]; t != "" {
			d.Attachments = append(d.Attachments, t)
		}
	}
	if ds := item.GetDataset(); ds != nil {
		if t := texts[ds.GetDataSha256()]; t != "" {
			d.Attachments = append(d.Attachments, t)
		}
	}
	return d
}
