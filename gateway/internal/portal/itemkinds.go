package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// Item pages of the kinds that show more than a details table: a legal
// document (itemlegal.go), a public service (itemservice.go), a
// procurement notice (itemnotice.go), an organisation unit (itemunit.go), a dataset (itemdataset.go), a week's
// work schedule (schedule.go), a question and its answer; and the table of
// contents of the standing pages (toc.go). Each has its partial template
// (_item_unit.html, ...), which item.html includes when its view is set.

// questionView is a question as its page shows it, before the answer (the
// body). The question is published anonymised: no asker is named.
type questionView struct {
	Text string
}

// detailAdder adds rows to an item's details table.
type detailAdder struct {
	v *itemView
}

// text adds a row of a text; lang is "vi" when the value is the tenant's
// Vietnamese text on another language's page ("" otherwise).
func (a detailAdder) text(id, value, lang string) {
	if value == "" {
		return
	}
	if a.v.Lang == i18n.Default {
		lang = ""
	}
	a.v.Details = append(a.v.Details, detailRow{Label: a.v.L.T(id), Value: value, Lang: lang})
}

func (a detailAdder) link(id, href string) {
	if href != "" {
		a.v.Details = append(a.v.Details, detailRow{Label: a.v.L.T(id), Value: href, Href: href})
	}
}

func (a detailAdder) mail(id, addr string) {
	if addr != "" {
		a.v.Details = append(a.v.Details, detailRow{Label: a.v.L.T(id), Value: addr, Href: "mailto:" + addr})
	}
}

// kindPage fills what an item's kind shows beyond the common page, with at
// most one more query, and returns the further tags of the page and the
// time it stops being true (zero: none).
func (s *Server) kindPage(ctx context.Context, v *itemView, lang string, it *hubread.Item, cats []hubread.Category) ([]pagecache.Tag, time.Time, error) {
	doc := it.Doc
	v.Body, v.TOC = prepareBody(v.Body, v.L.T("body.table_region"), standingCategories[doc.GetCategory()])
	add := detailAdder{v: v}
	switch d := doc.GetDetails().(type) {
	case *pb.ContentItem_LegalDocument:
		expires, err := s.legalItem(ctx, v, it.Tenant, it.ContentID, d.LegalDocument.GetConsultation() != nil)
		var more []pagecache.Tag
		if err == nil {
			var until time.Time
			until, more, err = s.consultationItem(ctx, v, it, d.LegalDocument)
			expires = earliest(expires, until)
		}
		// Its relations' other side and its validity are set by other
		// documents, of any tenant.
		return append([]pagecache.Tag{pagecache.LegalDocuments}, more...), expires, err
	case *pb.ContentItem_PublicService:
		s.serviceItem(v, it)
	case *pb.ContentItem_ProcurementNotice:
		return nil, s.noticeItem(v, it), nil
	case *pb.ContentItem_OrganisationUnit:
		unitDetails(v, lang, d.OrganisationUnit, add)
		tags, err := s.unitPage(ctx, v, lang, it, d.OrganisationUnit)
		return tags, time.Time{}, err
	case *pb.ContentItem_Dataset:
		datasetDetails(it, d.Dataset, add)
		return nil, time.Time{}, s.datasetPage(ctx, v, lang, it, d.Dataset)
	case *pb.ContentItem_WorkSchedule:
		return nil, s.scheduleItem(v, lang, it, d.WorkSchedule, cats), nil
	case *pb.ContentItem_QuestionAnswer:
		q := d.QuestionAnswer
		v.Question = &questionView{Text: q.GetQuestion()}
		add.text("question.topic", q.GetTopic(), i18n.Default)
		add.text("question.asked_on", isoDate(v.L, q.GetAskedOn()), "")
		add.text("question.answered_on", isoDate(v.L, q.GetAnsweredOn()), "")
		add.text("question.answered_by", q.GetAnsweredBy(), i18n.Default)
	}
	return nil, time.Time{}, nil
}

// scheduleItem lays out a week's schedule on its own page, with the links
// to the weeks before and after on its sub-portal's leadership section.
// A week still to come has no next week to go to until it begins (see
// weekLinks): its page expires then.
func (s *Server) scheduleItem(v *itemView, lang string, it *hubread.Item, w *pb.WorkSchedule, cats []hubread.Category) time.Time {
	v.Schedule = newSchedule(v.L, w)
	monday, err := time.ParseInLocation(time.DateOnly, w.GetWeekOf(), hcmc)
	if err != nil {
		return time.Time{}
	}
	for _, c := range cats {
		if c.Code == "leadership" {
			path := "/" + lang + "/" + it.Tenant + "/" + c.Slug(lang) + "/"
			v.Schedule.PrevHref, v.Schedule.NextHref = weekLinks(path, monday, s.now())
		}
	}
	if monday.After(s.now()) {
		return monday
	}
	return time.Time{}
}

// isoDate writes a "YYYY-MM-DD" date as the language does; anything else
// as it is.
func isoDate(l *i18n.Localizer, s string) string {
	d, err := time.ParseInLocation(time.DateOnly, s, hcmc)
	if err != nil {
		return s
	}
	return formatDate(l, d)
}
