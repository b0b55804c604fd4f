package hubread

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// The register of legal documents (Article 8.4) reads legal_documents and
// legal_relations, which a trigger keeps from items.doc (migration 00010).
// A document's validity is computed when the page is served, for the day
// the caller gives (legal_validity in SQL): from the day it takes effect,
// its expiry date and the documents in effect that replace it, wholly or in
// part. The pushed `validity` field is never used.

// Validity is a legal document's validity on a given day.
type Validity string

// The validities, in the order the register's filter lists them.
const (
	InForce       Validity = "in_force"
	PartlyInForce Validity = "partly_in_force"
	NotYetInForce Validity = "not_yet_in_force"
	Expired       Validity = "expired"
)

// Validities lists every validity.
var Validities = []Validity{InForce, PartlyInForce, NotYetInForce, Expired}

// ParseValidity reads a validity's word; ok is false for any other string.
func ParseValidity(s string) (v Validity, ok bool) {
	for _, v := range Validities {
		if string(v) == s {
			return v, true
		}
	}
	return "", false
}

// LegalSort is an order of the register.
type LegalSort string

// The register's orders; the first is the default.
const (
	NewestIssued    LegalSort = "issued-desc"
	OldestIssued    LegalSort = "issued-asc"
	NewestEffective LegalSort = "effective-desc"
	OldestEffective LegalSort = "effective-asc"
)

// LegalSorts lists every order, the default first.
var LegalSorts = []LegalSort{NewestIssued, OldestIssued, NewestEffective, OldestEffective}

// ParseLegalSort reads an order's word; "" is the default.
func ParseLegalSort(s string) (LegalSort, bool) {
	if s == "" {
		return NewestIssued, true
	}
	for _, o := range LegalSorts {
		if string(o) == s {
			return o, true
		}
	}
	return "", false
}

func (o LegalSort) column() string {
	if o == NewestEffective || o == OldestEffective {
		return "effective_key"
	}
	return "issued_key"
}

func (o LegalSort) descending() bool { return o == NewestIssued || o == NewestEffective }

// LegalKeyFields is the number of fields of a register cursor's key: the
// sort date, the tenant and the content id.
const LegalKeyFields = 3

// LegalQuery selects a page of the register. Empty fields do not filter.
type LegalQuery struct {
	// Tenant is "" for the provincial register (every tenant's documents).
	Tenant string
	// Today is the day validity is computed for (its date in Vietnam).
	Today time.Time
	// Number, Signer and Keyword match anywhere in the number, the signer,
	// and the Vietnamese title and summary (every word of Keyword), in
	// any case and with or without diacritics.
	Number, Signer, Keyword string
	// From and To bound the date of issue, both included; zero: open.
	From, To time.Time
	// The facets: exact values.
	Type, Issuer, Field string
	Year                int // of issue; 0: any
	Validity            Validity
	Sort                LegalSort
	// Cursor is the page's place (ParseCursor(s, LegalKeyFields)); nil for
	// the first page.
	Cursor *Cursor
	// Limit is the page size; default PageSize.
	Limit int
}

// LegalDoc is a legal document as the register and its page show it.
type LegalDoc struct {
	Tenant, ContentID                        string
	Number, DocumentType, Issuer, IssuerCode string
	Signer, Field                            string
	// IssuerNames are the issuer code's names; empty when the code is not
	// in the list (show Issuer, the document's own words).
	IssuerNames                      Names
	IssuedOn, EffectiveOn, ExpiresOn time.Time // zero when not given
	Validity                         Validity
	// Texts are the item's slug, title (trích yếu) and summary by locale.
	Texts map[string]Text
	// sortDay is the row's sort date, for its cursor key.
	sortDay time.Time
}

// IssuerName is the issuer in locale: the code list's name, else the
// document's own words.
func (d LegalDoc) IssuerName(locale string) string {
	if d.IssuerNames.VI != "" {
		return d.IssuerNames.In(locale)
	}
	return d.Issuer
}

// In returns the text in locale, or the Vietnamese one; fallback reports
// which it did.
func (d LegalDoc) In(locale string) (Text, bool) {
	return Listed{Texts: d.Texts}.In(locale)
}

// LegalFacets are the counts beside the register's filters: each value's
// count applies every other filter but not its own (as GOV.UK's finders
// do), so choosing it shows that many documents.
type LegalFacets struct {
	Types, Issuers, Fields, Years, Validities []FacetValue
	// Total is how many documents match every filter.
	Total int
}

// LegalRegister is one page of the register with its facets.
type LegalRegister struct {
	Page[LegalDoc]
	Facets LegalFacets
}

// LegalRegister answers a register query in two queries: the facets and
// the total, then the page.
func (s *Store) LegalRegister(ctx context.Context, q LegalQuery) (LegalRegister, error) {
	if q.Sort == "" {
		q.Sort = NewestIssued
	}
	limit := q.Limit
	if limit <= 0 {
		limit = PageSize
	}
	facets, err := s.legalFacets(ctx, newLegalFilter(q))
	if err != nil {
		return LegalRegister{}, err
	}
	page, err := s.legalPage(ctx, newLegalFilter(q), q, limit)
	if err != nil {
		return LegalRegister{}, err
	}
	return LegalRegister{Page: page, Facets: facets}, nil
}

// newLegalFilter is a register query's conditions; $1 is legalDocs' day.
func newLegalFilter(q LegalQuery) *finderQuery {
	f := newFinderQuery("document_type", "issuer_code", "field", "year", "validity")
	f.arg(q.Today.Format(time.DateOnly))
	f.where("d.visible")
	if q.Tenant != "" {
		f.where("d.tenant_id = " + f.arg(q.Tenant))
	}
	if n := strings.TrimSpace(q.Number); n != "" {
		f.where("d.number_folded LIKE " + f.contains(n))
	}
	if n := strings.TrimSpace(q.Signer); n != "" {
		f.where("d.signer_folded LIKE " + f.contains(n))
	}
	for _, w := range strings.FieldsFunc(q.Keyword, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		f.where("d.abstract_folded LIKE " + f.contains(w))
	}
	if !q.From.IsZero() {
		f.where("d.issued_on >= " + f.arg(q.From.Format(time.DateOnly)) + "::date")
	}
	if !q.To.IsZero() {
		f.where("d.issued_on <= " + f.arg(q.To.Format(time.DateOnly)) + "::date")
	}
	if q.Type != "" {
		f.choose("document_type", q.Type)
	}
	if q.Issuer != "" {
		f.choose("issuer_code", q.Issuer)
	}
	if q.Field != "" {
		f.choose("field", q.Field)
	}
	switch {
	case q.Year >= 1000 && q.Year <= 9998:
		// year = Y as a range of issued_key: the register's indexes
		// (document_type, issued_key) and (issued_key, ...) serve it.
		from, to := f.arg(fmt.Sprintf("%04d-01-01", q.Year)), f.arg(fmt.Sprintf("%04d-01-01", q.Year+1))
		f.chooseWhere("year", fmt.Sprintf("(issued_key >= %s::date AND issued_key < %s::date AND issued_on IS NOT NULL)", from, to))
	case q.Year != 0:
		f.choose("year", q.Year)
	}
	if q.Validity != "" {
		f.choose("validity", string(q.Validity))
	}
	return f
}

// legalDocs is the visible documents that pass the base filters, each with
// its validity on day $1: a document is replaced (in part) from the first
// day a visible document that replaces it (in part) is in effect.
const legalDocs = `WITH replaced AS (
	SELECT r.target_tenant, r.target_id,
	       min(s.in_effect_from) FILTER (WHERE r.type = 'replaces') AS replaced_from,
	       min(s.in_effect_from) FILTER (WHERE r.type = 'replaces_part') AS partly_from
	FROM legal_relations r JOIN legal_documents s ON s.tenant_id = r.tenant_id AND s.content_id = r.content_id
	WHERE s.visible AND r.type IN ('replaces', 'replaces_part') AND r.target_id <> ''
	GROUP BY r.target_tenant, r.target_id
), docs AS %s (
	SELECT d.tenant_id, d.content_id, d.number, d.document_type, d.issuer, d.issuer_code, d.signer, d.field,
	       d.issued_on, d.effective_on, d.expires_on, d.issued_key, d.effective_key,
	       extract(year FROM d.issued_on)::int AS year,
	       legal_validity($1::date, d.in_effect_from, d.expires_on, x.replaced_from, x.partly_from) AS validity
	FROM legal_documents d
	LEFT JOIN replaced x ON x.target_tenant = d.tenant_id AND x.target_id = d.content_id
	WHERE %s
)`

// legalFacetsSQL is the query of the facets' counts and the total, with
// the issuers' names.
func legalFacetsSQL(f *finderQuery) string {
	// Not materialized: docs is read once (countsSQL), and the choices
	// reach legal_documents' indexes.
	return fmt.Sprintf(legalDocs, "", f.baseSQL()) + `
	SELECT c.facet, c.value, c.n, coalesce(li.name_vi, ''), coalesce(li.name_en, ''), coalesce(li.name_ru, '')
	FROM ` + f.countsSQL() + `
	LEFT JOIN legal_issuers li ON c.facet = 'issuer_code' AND li.code = c.value
	ORDER BY c.facet, li.position, c.value`
}

func (s *Store) legalFacets(ctx context.Context, f *finderQuery) (LegalFacets, error) {
	counts, total, err := s.finderCounts(ctx, legalFacetsSQL(f), f.args)
	if err != nil {
		return LegalFacets{}, fmt.Errorf("legal facets: %w", err)
	}
	years := counts["year"]
	slices.Reverse(years) // newest first
	validities := make([]string, len(Validities))
	for i, v := range Validities {
		validities[i] = string(v)
	}
	return LegalFacets{Types: counts["document_type"], Issuers: counts["issuer_code"], Fields: counts["field"],
		Years: years, Validities: withCounts(validities, counts["validity"]), Total: total}, nil
}

// legalColumns are what the register and a document's page show of a
// document d (a row of docs) with its issuer li and translations tr.
const legalColumns = `d.tenant_id, d.content_id, d.number, d.document_type, d.issuer, d.issuer_code, d.signer, d.field,
	d.issued_on, d.effective_on, d.expires_on, d.validity,
	coalesce(li.name_vi, ''), coalesce(li.name_en, ''), coalesce(li.name_ru, ''),
	tr.locales, tr.slugs, tr.titles, tr.summaries`

// translationsOf gathers the translations of the item of the row named
// alias, as tr.
func translationsOf(alias string) string {
	return strings.ReplaceAll(`LEFT JOIN LATERAL (
	SELECT array_agg(t.locale ORDER BY t.locale) AS locales, array_agg(t.slug ORDER BY t.locale) AS slugs,
	       array_agg(t.title ORDER BY t.locale) AS titles, array_agg(t.summary ORDER BY t.locale) AS summaries
	FROM item_translations t WHERE t.tenant_id = @.tenant_id AND t.content_id = @.content_id) tr ON true`, "@", alias)
}

// scanLegalDocWith scans the columns before legalColumns into before, then
// legalColumns, then the columns after them into after.
func scanLegalDocWith(r pgx.Row, before, after []any) (LegalDoc, error) {
	var d LegalDoc
	var issued, effective, expires *time.Time
	var validity string
	var locales, slugs, titles, summaries []string
	dest := append(append(before, &d.Tenant, &d.ContentID, &d.Number, &d.DocumentType, &d.Issuer, &d.IssuerCode, &d.Signer, &d.Field,
		&issued, &effective, &expires, &validity, &d.IssuerNames.VI, &d.IssuerNames.EN, &d.IssuerNames.RU,
		&locales, &slugs, &titles, &summaries), after...)
	if err := r.Scan(dest...); err != nil {
		return d, err
	}
	d.IssuedOn, d.EffectiveOn, d.ExpiresOn = dateOf(issued), dateOf(effective), dateOf(expires)
	d.Validity = Validity(validity)
	d.Texts = make(map[string]Text, len(locales))
	for i, loc := range locales {
		d.Texts[loc] = Text{Slug: slugs[i], Title: titles[i], Summary: summaries[i]}
	}
	return d, nil
}

func dateOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// legalKey is the sort key of a register row.
func legalKey(d LegalDoc) []string {
	return []string{d.sortDay.Format(time.DateOnly), d.Tenant, d.ContentID}
}

// legalPageSQL is the query of a page of the register.
func legalPageSQL(f *finderQuery, q LegalQuery, limit int) (string, error) {
	col := q.Sort.column()
	if c := q.Cursor; c != nil {
		if len(c.Key) != LegalKeyFields {
			return "", ErrBadCursor
		}
		if _, err := time.Parse(time.DateOnly, c.Key[0]); err != nil {
			return "", fmt.Errorf("cursor date: %w", ErrBadCursor)
		}
	}
	after, order, outer := f.keyset([]string{col, "tenant_id", "content_id"}, []string{"::date", "", ""}, q.Cursor, q.Sort.descending())
	sql := fmt.Sprintf(legalDocs, "", f.baseSQL()) + fmt.Sprintf(`
	SELECT %s, d.%s
	FROM (SELECT * FROM docs WHERE %s AND %s ORDER BY %s LIMIT %s) d
	LEFT JOIN legal_issuers li ON li.code = d.issuer_code
	%s
	ORDER BY %s`, legalColumns, col, f.except(""), after, order, f.arg(limit+1), translationsOf("d"), outer)
	return sql, nil
}

func (s *Store) legalPage(ctx context.Context, f *finderQuery, q LegalQuery, limit int) (Page[LegalDoc], error) {
	sql, err := legalPageSQL(f, q, limit)
	if err != nil {
		return Page[LegalDoc]{}, fmt.Errorf("legal register: %w", err)
	}
	rows, err := s.pool.Query(ctx, sql, f.args...)
	if err != nil {
		return Page[LegalDoc]{}, fmt.Errorf("legal register: %w", err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LegalDoc, error) {
		var day time.Time
		d, err := scanLegalDocWith(r, nil, []any{&day})
		d.sortDay = day
		return d, err
	})
	if err != nil {
		return Page[LegalDoc]{}, fmt.Errorf("legal register: %w", err)
	}
	return paginate(docs, limit, q.Cursor, legalKey), nil
}
