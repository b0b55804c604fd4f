package portal

import (
	"time"

	"github.com/portalhub/portalhub/services/hubread"
)

// A procurement notice's page: its facts, its deadline, and whether it is
// still open at the time the page is served (Config.Now); the page expires
// when the notice closes.

// noticeItemView is a notice's status on its page.
type noticeItemView struct {
	Closed            bool
	Status            string
	Closes, ClosesISO string
}

// noticeItem fills a notice's facts and status and returns when the page
// expires: when the notice closes (zero when it has closed or has no
// deadline).
func (s *Server) noticeItem(v *itemView, it *hubread.Item) time.Time {
	d, l, lang := it.Doc.GetProcurementNotice(), v.L, v.Lang
	textLang := ownWordsLang(lang)
	v.Details = v.Details[:0]
	add := func(label, value, vlang string) {
		if value != "" {
			v.Details = append(v.Details, detailRow{Label: label, Value: value, Lang: vlang})
		}
	}
	if contains(noticeTypes, d.GetNoticeType()) {
		add(l.T("procurement.type"), l.T("procurement.type."+d.GetNoticeType()), "")
	}
	add(l.T("procurement.investor"), d.GetInvestor(), textLang)
	if d.GetValueVnd() > 0 {
		add(l.T("procurement.value"), l.T("procurement.value_vnd", "Value", formatNumber(lang, d.GetValueVnd())), "")
	}
	if d.GetOpensAt().IsValid() {
		add(l.T("procurement.opens_at"), formatDateTime(l, d.GetOpensAt().AsTime()), "")
	}
	if d.GetClosesAt().IsValid() {
		add(l.T("procurement.closes_at"), formatDateTime(l, d.GetClosesAt().AsTime()), "")
	}
	add(l.T("procurement.location"), d.GetLocation(), textLang)

	now := s.now()
	nv := &noticeItemView{Status: l.T("notice.status.open")}
	var expires time.Time
	if d.GetClosesAt().IsValid() {
		closes := d.GetClosesAt().AsTime()
		nv.Closes, nv.ClosesISO = formatDateTime(l, closes), closes.In(hcmc).Format(time.RFC3339)
		if !closes.After(now) {
			nv.Closed, nv.Status = true, l.T("notice.status.closed")
		} else {
			expires = closes
		}
	}
	v.Notice = nv
	return expires
}
