package hubstore

import (
	"context"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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
	return indexInto(ctx, tx, tenant, item, publishedAt, takenDown, "")
}

// The statements of an index plan's write: into the index (and the one
// being rebuilt, through search_put_vectors and search_remove), or into the
// one being rebuilt alone. The vectors of the texts arrive as tsvector
// literals (search.VectorLiteral).
const (
	putLive = `SELECT search_put_vectors($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::tsvector, $11::text::tsvector,
		$12::text::tsvector, $13::text::tsvector, $14::text::tsvector, $15::text::tsvector, $16::text::tsvector)`
	putNext = `INSERT INTO search_docs_next (tenant_id, content_id, locale, kind, category, published_at, title, summary, body, head, exact, tsv)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, v.head, v.exact, v.tsv
		FROM search_vectors_of($10::text::tsvector, $11::text::tsvector, $12::text::tsvector, $13::text::tsvector,
			$14::text::tsvector, $15::text::tsvector, $16::text::tsvector) v
		ON CONFLICT (tenant_id, content_id, locale) DO UPDATE SET kind = EXCLUDED.kind, category = EXCLUDED.category,
			published_at = EXCLUDED.published_at, title = EXCLUDED.title, summary = EXCLUDED.summary, body = EXCLUDED.body,
			head = EXCLUDED.head, exact = EXCLUDED.exact, tsv = EXCLUDED.tsv`
	removeLive = `SELECT search_remove($1, $2, $3)`
	removeNext = `DELETE FROM search_docs_next WHERE tenant_id = $1 AND content_id = $2 AND locale <> ALL ($3)`
)

// indexInto is indexItem writing into target: "" for the index, or
// "search_docs_next" for the one being rebuilt alone.
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
	for _, tr := range item.GetTranslations() {
		locales = append(locales, tr.GetLocale())
		pl.ops = append(pl.ops, indexOp{tenant: tenant, id: id, doc: &indexDoc{locale: tr.GetLocale(), kind: kind,
			category: item.GetCategory(), publishedAt: publishedAt, p: search.Prepare(document(item, tr, texts))}})
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
	b := &pgx.Batch{}
	if err := pl.queue(ctx, tx, b, target); err != nil {
		return err
	}
	return tx.SendBatch(ctx, b).Close()
}

// queue queues the plan's statements into b, after asking the database in
// tx for the lexemes of the words it has not seen yet (lexemesOf).
func (pl *indexPlan) queue(ctx context.Context, tx pgx.Tx, b *pgx.Batch, target string) error {
	put, remove := putLive, removeLive
	if target != "" {
		put, remove = putNext, removeNext
	}
	f, x, err := pl.lexemes(ctx, tx)
	if err != nil {
		return err
	}
	for _, op := range pl.ops {
		d := op.doc
		if d == nil {
			b.Queue(remove, op.tenant, op.id, op.keep)
			continue
		}
		p := d.p
		b.Queue(put, op.tenant, op.id, d.locale, d.kind, d.category, d.publishedAt, p.Title, p.Summary, p.Body,
			search.VectorLiteral(p.A, f), search.VectorLiteral(p.B, f), search.VectorLiteral(p.C, f),
			search.VectorLiteral(p.D, f), search.VectorLiteral(p.ExactA, x), search.VectorLiteral(p.ExactB, x),
			search.VectorLiteral(p.ExactD, x))
	}
	queueVocabulary(b, pl.words)
	return nil
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

// queueMany queues what queue queues for the index, as one statement for
// all the plan's documents and one for all its removals
// (search_put_vectors_many, search_remove_many): for a plan of distinct
// items of one tenant (ApplyBatch's runs), whose documents and removals
// touch distinct rows, so that their order does not matter.
func (pl *indexPlan) queueMany(ctx context.Context, tx pgx.Tx, b *pgx.Batch, tenant string) error {
	f, x, err := pl.lexemes(ctx, tx)
	if err != nil {
		return err
	}
	var id, locale, kind, category, title, summary, body, a, bb, c, d, xa, xb, xd, keepID, keep []string
	var published []time.Time
	for _, op := range pl.ops {
		if op.doc == nil {
			keepID, keep = append(keepID, op.id), append(keep, strings.Join(op.keep, ","))
			continue
		}
		p := op.doc.p
		id, locale, kind, category = append(id, op.id), append(locale, op.doc.locale), append(kind, op.doc.kind), append(category, op.doc.category)
		published = append(published, op.doc.publishedAt)
		title, summary, body = append(title, p.Title), append(summary, p.Summary), append(body, p.Body)
		a, bb = append(a, search.VectorLiteral(p.A, f)), append(bb, search.VectorLiteral(p.B, f))
		c, d = append(c, search.VectorLiteral(p.C, f)), append(d, search.VectorLiteral(p.D, f))
		xa, xb = append(xa, search.VectorLiteral(p.ExactA, x)), append(xb, search.VectorLiteral(p.ExactB, x))
		xd = append(xd, search.VectorLiteral(p.ExactD, x))
	}
	if len(id) > 0 {
		b.Queue(`SELECT search_put_vectors_many($1, $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
			$7::text[], $8::text[], $9::text[], $10::text[]::tsvector[], $11::text[]::tsvector[], $12::text[]::tsvector[],
			$13::text[]::tsvector[], $14::text[]::tsvector[], $15::text[]::tsvector[], $16::text[]::tsvector[])`,
			tenant, id, locale, kind, category, published, title, summary, body, a, bb, c, d, xa, xb, xd)
	}
	if len(keepID) > 0 {
		b.Queue(`SELECT search_remove_many($1, $2::text[], $3::text[])`, tenant, keepID, keep)
	}
	queueVocabulary(b, pl.words)
	return nil
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
	return indexInto(ctx, tx, tenant, item, publishedAt, takenDown, "")
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
