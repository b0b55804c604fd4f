package portal

import (
	"github.com/portalhub/portalhub/services/hubread"
)

// A public service's page: its code, field, agency, online and handling
// levels, processing time and fee, its steps (the item's body), and a link
// to where it is performed: the agency's own address, else the national
// public-service portal.

// serviceItemView is the link to where a service is performed.
type serviceItemView struct {
	URL      string
	National bool // URL is the national portal's: the agency gave none
}

// serviceItem fills a public service's facts.
func (s *Server) serviceItem(v *itemView, it *hubread.Item) {
	d, l := it.Doc.GetPublicService(), v.L
	textLang := ownWordsLang(v.Lang)
	level, handling := "", ""
	if d.GetLevel() == 1 || d.GetLevel() == 2 {
		level = l.T("service.level." + string(rune('0'+d.GetLevel())))
	}
	if contains(handlingLevels, d.GetHandlingLevel()) {
		handling = l.T("service.handling." + d.GetHandlingLevel())
	}
	rows := []detailRow{
		{Label: l.T("service.code"), Value: d.GetCode()},
		{Label: l.T("service.filter.field"), Value: d.GetField(), Lang: textLang},
		{Label: l.T("service.agency"), Value: d.GetAgency(), Lang: textLang},
		{Label: l.T("service.level"), Value: level},
		{Label: l.T("service.filter.handling"), Value: handling},
		{Label: l.T("service.processing_time"), Value: d.GetProcessingTime(), Lang: textLang},
		{Label: l.T("service.fee"), Value: d.GetFee(), Lang: textLang},
	}
	v.Details = v.Details[:0]
	for _, r := range rows {
		if r.Value != "" {
			v.Details = append(v.Details, r)
		}
	}
	v.Service = &serviceItemView{URL: d.GetUrl()}
	if v.Service.URL == "" {
		v.Service.URL, v.Service.National = nationalServicePortal, true
	}
}
