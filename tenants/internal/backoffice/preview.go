package backoffice

import (
	"cmp"
	"slices"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// detailsPreview is how the portal will present an item's details, as
// the editor's preview shows them: facts, tables, and a question as
// published.
type detailsPreview struct {
	Facts  []previewFact
	Tables []previewTable
	Quote  string
}

type previewFact struct {
	Label, Value string
	// Lang is the language of Value when it is not the page's.
	Lang string
}

type previewTable struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// previewDetails builds the preview of the form's details on day now; nil
// for a kind without details.
func previewDetails(l *Localizer, f *editorForm, now time.Time) *detailsPreview {
	p := &detailsPreview{}
	fact := func(label, value string) {
		if value != "" {
			p.Facts = append(p.Facts, previewFact{Label: label, Value: value})
		}
	}
	factIn := func(label, value, lang string) {
		if value != "" {
			p.Facts = append(p.Facts, previewFact{Label: label, Value: value, Lang: lang})
		}
	}
	switch f.Kind {
	case "legal":
		fact(l.T("legal.number"), f.LegalNumber)
		fact(l.T("legal.type"), f.LegalType)
		fact(l.T("legal.issuer"), f.LegalIssuer)
		for _, is := range issuers {
			if is.Code == f.LegalIssuerCode {
				fact(l.T("legal.issuer_code"), is.Name(l.Lang))
			}
		}
		fact(l.T("legal.signer"), f.LegalSigner)
		fact(l.T("legal.field"), f.LegalField)
		fact(l.T("legal.issued"), l.Day(f.LegalIssued))
		fact(l.T("legal.effective"), l.Day(f.LegalEffective))
		fact(l.T("legal.expires"), l.Day(f.LegalExpires))
		fact(l.T("legal.validity_today"), l.T("validity."+validityOn(f, now).String()))
		t := previewTable{Caption: l.T("legal.relations"), Head: []string{l.T("rel.type"), l.T("rel.target"), l.T("rel.number")}}
		for _, r := range f.Relations {
			if r == (relationForm{}) {
				continue
			}
			typ := r.Type
			if _, ok := pb.LegalRelationType_value[r.Type]; ok && r.Type != "" {
				typ = l.T("reltype." + r.Type)
			}
			t.Rows = append(t.Rows, []string{typ, r.Target, r.Number})
		}
		p.table(t)
	case "service":
		fact(l.T("service.code"), f.ServiceCode)
		if f.ServiceLevel != "" {
			fact(l.T("service.level"), l.T("level."+f.ServiceLevel))
		}
		fact(l.T("service.agency"), f.ServiceAgency)
		fact(l.T("service.field"), f.ServiceField)
		if f.ServiceHandling != "" {
			fact(l.T("service.handling"), l.T("handling."+f.ServiceHandling))
		}
		fact(l.T("service.time"), f.ServiceTime)
		fact(l.T("service.fee"), f.ServiceFee)
		fact(l.T("service.url"), f.ServiceURL)
	case "procurement":
		if f.ProcType != "" {
			fact(l.T("proc.type"), l.T("proc_type."+f.ProcType))
		}
		fact(l.T("proc.investor"), f.ProcInvestor)
		fact(l.T("proc.value"), f.ProcValue)
		fact(l.T("proc.location"), f.ProcLocation)
		fact(l.T("proc.opens"), strings.Replace(f.ProcOpens, "T", " ", 1))
		fact(l.T("proc.closes"), strings.Replace(f.ProcCloses, "T", " ", 1))
	case "dataset":
		fact(l.T("data.format"), f.DataFormat)
		fact(l.T("data.licence"), f.DataLicence)
		fact(l.T("data.frequency"), f.DataFrequency)
		fact(l.T("data.keywords"), strings.Join(splitList(f.DataKeywords, ","), "; "))
		fact(l.T("data.temporal"), f.DataTemporal)
		fact(l.T("data.spatial"), f.DataSpatial)
		if f.ChartType != "" {
			fact(l.T("chart.type"), l.T("chart_type."+f.ChartType))
		}
		fact(l.T("chart.label"), f.ChartLabel)
		fact(l.T("chart.values"), strings.Join(splitList(f.ChartValues, "\n"), "; "))
		fact(l.T("chart.unit"), f.ChartUnit)
	case "organisation":
		fact(l.T("contact.address"), f.OrgAddress)
		factIn(l.T("org.address_en"), f.OrgAddressEN, "en")
		factIn(l.T("org.address_ru"), f.OrgAddressRU, "ru")
		fact(l.T("contact.phone"), f.OrgPhone)
		fact(l.T("contact.fax"), f.OrgFax)
		fact(l.T("contact.email"), f.OrgEmail)
		fact(l.T("org.website"), f.OrgWebsite)
		fact(l.T("org.parent"), f.OrgParent)
		for _, a := range f.Attachments {
			if a.SHA256 == f.OrgChart {
				fact(l.T("org.chart"), a.Filename)
			}
		}
		t := previewTable{Caption: l.T("org.officials"), Head: []string{l.T("org.name"), l.T("org.position"), l.T("org.unit"),
			l.T("contact.phone"), l.T("contact.fax"), l.T("contact.email")}}
		for _, o := range f.Officials {
			if o != (officialForm{}) {
				t.Rows = append(t.Rows, []string{o.Name, o.Position, o.Unit, o.Phone, o.Fax, o.Email})
			}
		}
		p.table(t)
	case "directory":
		fact(l.T("dir.agency"), f.DirAgency)
		fact(l.T("dir.url"), f.DirURL)
		fact(l.T("contact.address"), f.DirAddress)
		fact(l.T("contact.phone"), f.DirPhone)
		fact(l.T("contact.email"), f.DirEmail)
	case "link":
		fact(l.T("link.url"), f.LinkURL)
		if f.LinkScope != "" {
			fact(l.T("link.scope"), l.T("scope."+f.LinkScope))
		}
	case "schedule":
		fact(l.T("sch.week"), l.Day(f.SchedWeek))
		entries := slices.Clone(f.Entries)
		entries = slices.DeleteFunc(entries, func(e entryForm) bool { return e == entryForm{} })
		slices.SortStableFunc(entries, func(a, b entryForm) int { return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Time, b.Time)) })
		t := previewTable{Caption: l.T("sch.entries"), Head: []string{l.T("sch.date"), l.T("sch.time"), l.T("sch.leader"),
			l.T("sch.activity"), l.T("sch.location"), l.T("sch.participants")}}
		for _, e := range entries {
			when := e.Time
			if when == "" {
				when = l.T("sch.all_day")
			}
			t.Rows = append(t.Rows, []string{l.Weekday(e.Date), when, e.Leader, e.Activity, e.Location, e.Participants})
		}
		p.table(t)
	case "question":
		p.Quote = f.QAQuestion
		fact(l.T("qa.topic"), f.QATopic)
		fact(l.T("qa.asked"), l.Day(f.QAAsked))
		fact(l.T("qa.answered"), l.Day(f.QAAnswered))
		fact(l.T("qa.answered_by"), f.QAAnsweredBy)
	default:
		return nil
	}
	return p
}

func (p *detailsPreview) table(t previewTable) {
	if len(t.Rows) > 0 {
		p.Tables = append(p.Tables, t)
	}
}

// validityOn is a legal document's validity on day now from its own dates,
// as the portal computes it (the portal also applies the relations of
// other documents to it, which the form cannot know).
func validityOn(f *editorForm, now time.Time) pb.LegalValidity {
	today := now.In(vnZone).Format(time.DateOnly)
	from := cmp.Or(f.LegalEffective, f.LegalIssued)
	switch {
	case f.LegalExpires != "" && today >= f.LegalExpires:
		return pb.LegalValidity_LEGAL_VALIDITY_EXPIRED
	case from != "" && today < from:
		return pb.LegalValidity_LEGAL_VALIDITY_NOT_YET_IN_FORCE
	}
	return pb.LegalValidity_LEGAL_VALIDITY_IN_FORCE
}
