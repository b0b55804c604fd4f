package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/hubread"
)

// A legal document's page: its metadata table with its validity computed
// for the day the page is served (Config.Now in Vietnam) from its dates and
// the documents that replace it, its relations both ways as links, and its
// attachments. The page expires on the next day its validity changes.

// legalItemView is what a legal document's page shows beside the item.
type legalItemView struct {
	Relations []legalRelationView
	// Consultation is a draft's consultation, or an adopted document's
	// draft and its summary (itemconsultation.go).
	Consultation *consultationView
}

// legalRelationView is one relation, as the document's page lists it.
type legalRelationView struct {
	Label             string // "Thay thế", "Bị thay thế bởi", ...
	Href              string // empty for a document the portal does not show
	Number            string
	Title, TitleLang  string
	Issued, IssuedISO string
}

// legalItem fills a legal document's page and returns when it expires:
// the next day its validity may change (zero: never by itself). A draft
// out for comment shows "draft" where a document shows its validity.
func (s *Server) legalItem(ctx context.Context, v *itemView, tenant, contentID string, draft bool) (time.Time, error) {
	now := s.now().In(hcmc)
	p, err := s.cfg.Store.LegalDocument(ctx, tenant, contentID, now)
	if err != nil {
		return time.Time{}, err
	}
	lang, l, d := v.Lang, v.L, p.Doc
	textLang := ownWordsLang(lang)
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(l.T("format.date"))
	}
	issuer := d.Issuer
	if issuer == "" {
		issuer = d.IssuerName(lang)
	}
	rows := []detailRow{
		{Label: l.T("legal.number"), Value: d.Number},
		{Label: l.T("legal.type"), Value: d.DocumentType, Lang: textLang},
		{Label: l.T("legal.issuer"), Value: issuer, Lang: textLang},
		{Label: l.T("legal.field"), Value: d.Field, Lang: textLang},
		{Label: l.T("legal.signer"), Value: d.Signer, Lang: textLang},
		{Label: l.T("legal.issued_on"), Value: day(d.IssuedOn)},
		{Label: l.T("legal.effective_on"), Value: day(d.EffectiveOn)},
		{Label: l.T("legal.expires_on"), Value: day(d.ExpiresOn)},
		{Label: l.T("legal.validity"), Value: l.T("validity." + string(d.Validity)), Class: "validity validity-" + string(d.Validity)},
	}
	if draft {
		// A draft has no validity: it is a draft.
		rows[len(rows)-1] = detailRow{Label: l.T("legal.validity"), Value: l.T("consultation.draft"), Class: "validity validity-draft"}
	}
	v.Details = v.Details[:0]
	for _, r := range rows {
		if r.Value != "" {
			v.Details = append(v.Details, r)
		}
	}
	lv := &legalItemView{}
	for _, r := range p.Relations {
		o := r.Other
		rv := legalRelationView{Label: l.T(relationLabel(r)), Number: o.Number}
		if o.ContentID != "" {
			text, fallback := o.In(lang)
			rv.Href, rv.Title = itemPath(lang, o.Tenant, text.Slug), text.Title
			if fallback {
				rv.TitleLang = i18n.Default
			}
		}
		if !o.IssuedOn.IsZero() {
			rv.Issued, rv.IssuedISO = day(o.IssuedOn), o.IssuedOn.Format(time.DateOnly)
		}
		lv.Relations = append(lv.Relations, rv)
	}
	v.Legal = lv
	return validityChange(p, now), nil
}

// relationLabel is the catalogue id of a relation seen from the page's
// document.
func relationLabel(r hubread.LegalRelation) string {
	if r.Inverse {
		return "legal.relation." + string(r.Type) + ".by"
	}
	return "legal.relation." + string(r.Type)
}

// validityChange is the first midnight (in Vietnam) after now on which a
// document's validity may change: the day it takes effect or expires, or a
// document that replaces it (in part) takes effect. Zero when none is to
// come.
func validityChange(p hubread.LegalDocPage, now time.Time) time.Time {
	y, m, d := now.In(hcmc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var next time.Time
	consider := func(day time.Time) {
		if day.IsZero() {
			return
		}
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		if day.After(today) && (next.IsZero() || day.Before(next)) {
			next = day
		}
	}
	inEffect := func(doc hubread.LegalDoc) time.Time {
		if !doc.EffectiveOn.IsZero() {
			return doc.EffectiveOn
		}
		return doc.IssuedOn
	}
	consider(inEffect(p.Doc))
	consider(p.Doc.ExpiresOn)
	for _, r := range p.Relations {
		if r.Inverse && (r.Type == hubread.Replaces || r.Type == hubread.ReplacesPart) {
			consider(inEffect(r.Other))
		}
	}
	if next.IsZero() {
		return time.Time{}
	}
	return time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, hcmc)
}
