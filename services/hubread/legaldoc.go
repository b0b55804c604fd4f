package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// RelationType says how one legal document acts on another.
type RelationType string

// The relation types of LegalRelation.
const (
	Replaces     RelationType = "replaces"
	ReplacesPart RelationType = "replaces_part"
	Amends       RelationType = "amends"
)

// LegalRelation is a relation of a legal document, seen from that
// document: it acts on Other (it replaces, replaces in part or amends it),
// or, Inverse, Other acts on it (it is replaced, partly replaced or amended
// by Other).
type LegalRelation struct {
	Type    RelationType
	Inverse bool
	// Other is the other document: a visible document of the portal, or,
	// when ContentID is "", a document known only by its Number (not on
	// the portal, or not visible).
	Other LegalDoc
}

// LegalDocPage is what a legal document's page shows beside the item: its
// register row (its validity on the day asked) and its relations both ways.
type LegalDocPage struct {
	Doc       LegalDoc
	Relations []LegalRelation
}

// legalDocQuery answers the document ($2, $3) on day $1 (its row first),
// then what it states of others (in its order), then what visible
// documents state of it (oldest first). The other documents' validity is
// not computed (empty).
var legalDocQuery = fmt.Sprintf(legalDocs, "", "d.tenant_id = $2 AND d.content_id = $3") + `,
rel AS (
	SELECT false AS inverse, r.position, r.type, r.target_tenant AS tenant, r.target_id AS id, r.target_number AS number
	FROM legal_relations r WHERE r.tenant_id = $2 AND r.content_id = $3
	UNION ALL
	SELECT true, r.position, r.type, r.tenant_id, r.content_id, ''
	FROM legal_relations r WHERE r.target_tenant = $2 AND r.target_id = $3
)
SELECT * FROM (
	SELECT 0 AS part, false AS inverse, '' AS type, DATE '0001-01-01' AS day, 0 AS position, ` + legalColumns + `
	FROM docs d LEFT JOIN legal_issuers li ON li.code = d.issuer_code ` + translationsOf("d") + `
	UNION ALL
	SELECT 1, rel.inverse, rel.type, coalesce(o.issued_key, DATE '0001-01-01'), rel.position,
	       coalesce(o.tenant_id, ''), coalesce(o.content_id, ''), coalesce(n.number, rel.number),
	       coalesce(o.document_type, ''), coalesce(o.issuer, ''), coalesce(o.issuer_code, ''), coalesce(o.signer, ''),
	       coalesce(o.field, ''), o.issued_on, o.effective_on, o.expires_on, '',
	       coalesce(li.name_vi, ''), coalesce(li.name_en, ''), coalesce(li.name_ru, ''),
	       tr.locales, tr.slugs, tr.titles, tr.summaries
	FROM rel
	LEFT JOIN legal_documents o ON o.tenant_id = rel.tenant AND o.content_id = rel.id AND o.visible
	-- A document the public does not see is named by its number only.
	LEFT JOIN legal_documents n ON n.tenant_id = rel.tenant AND n.content_id = rel.id
	LEFT JOIN legal_issuers li ON li.code = o.issuer_code ` + translationsOf("o") + `
	WHERE NOT rel.inverse OR o.visible
) x
ORDER BY x.part, x.inverse, CASE WHEN x.inverse THEN x.day END, x.position`

// LegalDocument returns a legal document's register row, its validity on
// day today, and its relations both ways, in one query. A document the hub
// does not hold as a legal document is ErrNotFound.
func (s *Store) LegalDocument(ctx context.Context, tenant, contentID string, today time.Time) (LegalDocPage, error) {
	rows, err := s.pool.Query(ctx, legalDocQuery, today.Format(time.DateOnly), tenant, contentID)
	if err != nil {
		return LegalDocPage{}, fmt.Errorf("legal document %s/%s: %w", tenant, contentID, err)
	}
	type row struct {
		part int
		rel  LegalRelation
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var inverse bool
		var typ string
		var day time.Time
		var position int
		d, err := scanLegalDocWith(r, []any{&x.part, &inverse, &typ, &day, &position}, nil)
		x.rel = LegalRelation{Type: RelationType(typ), Inverse: inverse, Other: d}
		return x, err
	})
	if err != nil {
		return LegalDocPage{}, fmt.Errorf("legal document %s/%s: %w", tenant, contentID, err)
	}
	if len(rs) == 0 || rs[0].part != 0 {
		return LegalDocPage{}, fmt.Errorf("legal document %s/%s: %w", tenant, contentID, ErrNotFound)
	}
	p := LegalDocPage{Doc: rs[0].rel.Other}
	for _, x := range rs[1:] {
		p.Relations = append(p.Relations, x.rel)
	}
	return p, nil
}
