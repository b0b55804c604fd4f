package hubstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/search"
)

// TestVectorLiteralsAsPostgreSQLParses: the vectors assembled in Go from
// each word's lexemes (lexemesOf, search.VectorLiteral) are those
// to_tsvector makes of the whole text, in both configurations, for texts
// of every kind of word, a lexeme repeated past the positions a lexeme
// keeps, and a text longer than the last position.
func TestVectorLiteralsAsPostgreSQLParses(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var long, repeated strings.Builder
	for i := range 17000 {
		fmt.Fprintf(&long, "tu%d cong nghe ", i%700)
	}
	for range 300 {
		repeated.WriteString("hanh chinh services порталы ")
	}
	texts := []string{
		"",
		"Khánh Hòa hoà thuý quý đường Đà Nẵng",
		"running services portals the portal's",
		"порталы портал ёлка йогурт цифровая трансформация",
		"15 2024 qđ ubnd 15abc x1y2 2024a 0 007",
		"Ωμέγα 中文 عربي ǆ ﬁle straße",
		repeated.String(),
		long.String(),
	}
	for _, raw := range texts {
		toks, _ := search.Tokens(raw)
		for config, text := range map[string]string{configFolded: search.JoinFolded(toks), configExact: search.JoinExact(toks)} {
			err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				lx, err := lexemesOf(ctx, tx, map[string][]string{config: search.Words(text)})
				if err != nil {
					return err
				}
				lit := search.VectorLiteral(text, lx.of(config))
				var same bool
				var want, got string
				if err := tx.QueryRow(ctx, `SELECT v = $3::text::tsvector, v::text, $3::text::tsvector::text
					FROM to_tsvector($1::regconfig, $2) v`, config, text, lit).Scan(&same, &want, &got); err != nil {
					return err
				}
				if !same || want != got {
					t.Errorf("%s, %.60q...: assembled vector differs from to_tsvector:\n got %.300s\nwant %.300s", config, text, got, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestIndexedVectorsAsFromTexts: what Apply writes into the index (the
// vectors assembled in Go) equals what search_vectors makes of the same
// document's texts, for an item in three languages with a legal
// document's number and details.
func TestIndexedVectorsAsFromTexts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	it := article("qd-15", 1, "Quyết định 15/2024/QĐ-UBND về thủ tục hành chính", "quyet-dinh-15")
	it.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
	it.Category = "legal"
	it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "15/2024/QĐ-UBND", DocumentType: "Quyết định",
		Issuer: "UBND tỉnh Khánh Hòa", IssuerCode: "ubnd-tinh", IssuedOn: "2024-03-01", EffectiveOn: "2024-03-15", Signer: "Nguyễn Văn Hùng"}}
	it.Translations[0].Summary = "Ban hành quy chế phối hợp giải quyết thủ tục hành chính"
	it.Translations[0].BodyHtml = "<p>Điều 1. Ban hành kèm theo Quyết định này <b>Quy chế</b> phối hợp.</p><p>Điều 2. Hiệu lực thi hành từ ngày 01/07/2024.</p>"
	it.Translations = append(it.Translations,
		&pb.Translation{Locale: "en", Title: "Decision on administrative procedures", Slug: "decision-15", BodyHtml: "<p>The running services of the portals.</p>"},
		&pb.Translation{Locale: "ru", Title: "Решение об административных процедурах", Slug: "reshenie-15", BodyHtml: "<p>Порталы и услуги.</p>"})
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	var doc []byte
	if err := s.pool.QueryRow(ctx, `SELECT doc FROM items WHERE tenant_id = 'tenant-a' AND content_id = 'qd-15'`).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	stored, err := decodeDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range stored.GetTranslations() {
		p := search.Prepare(document(stored, tr, nil))
		var same bool
		var got string
		err := s.pool.QueryRow(ctx, `SELECT d.head = v.head AND d.tsv = v.tsv AND d.exact = v.exact, d.tsv::text
			FROM search_docs d, search_vectors($1, $2, $3, $4, $5, $6, $7) v
			WHERE d.tenant_id = 'tenant-a' AND d.content_id = 'qd-15' AND d.locale = $8`,
			p.A, p.B, p.C, p.D, p.ExactA, p.ExactB, p.ExactD, tr.GetLocale()).Scan(&same, &got)
		if err != nil {
			t.Fatalf("%s: %v", tr.GetLocale(), err)
		}
		if !same {
			t.Errorf("%s: the indexed vectors differ from search_vectors of the texts (tsv %.300s)", tr.GetLocale(), got)
		}
	}
}
