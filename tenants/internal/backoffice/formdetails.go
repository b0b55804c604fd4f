package backoffice

import (
	"strconv"
	"strings"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// details builds the details of the form's kind, as typed: what does not
// parse is left for check to report, and the hub's rules judge the rest.
func (f *editorForm) details() proto.Message {
	switch f.Kind {
	case "legal":
		d := &pb.LegalDocument{Number: f.LegalNumber, DocumentType: f.LegalType, Issuer: f.LegalIssuer, IssuerCode: f.LegalIssuerCode,
			Signer: f.LegalSigner, IssuedOn: f.LegalIssued, EffectiveOn: f.LegalEffective, ExpiresOn: f.LegalExpires, Field: f.LegalField}
		for _, r := range f.Relations {
			d.Relations = append(d.Relations, &pb.LegalRelation{Type: pb.LegalRelationType(pb.LegalRelationType_value[r.Type]),
				Target: parseRef(r.Target, f.Tenant), TargetNumber: r.Number})
		}
		if f.ConsultOpens != "" || f.ConsultCloses != "" || f.ConsultReport != "" {
			d.Consultation = &pb.Consultation{OpensOn: f.ConsultOpens, ClosesOn: f.ConsultCloses, ReportContentId: f.ConsultReport}
		}
		d.Draft = parseRef(f.LegalDraft, f.Tenant)
		return d
	case "service":
		level, _ := strconv.Atoi(f.ServiceLevel)
		return &pb.PublicService{Code: f.ServiceCode, Level: int32(level), Agency: f.ServiceAgency, Url: f.ServiceURL,
			Field: f.ServiceField, HandlingLevel: f.ServiceHandling, ProcessingTime: f.ServiceTime, Fee: f.ServiceFee}
	case "procurement":
		value, _ := strconv.ParseInt(procValue(f.ProcValue), 10, 64)
		d := &pb.ProcurementNotice{NoticeType: f.ProcType, Investor: f.ProcInvestor, ValueVnd: value, Location: f.ProcLocation}
		if t, err := parseLocal(f.ProcOpens); err == nil && !t.IsZero() {
			d.OpensAt = timestamppb.New(t)
		}
		if t, err := parseLocal(f.ProcCloses); err == nil && !t.IsZero() {
			d.ClosesAt = timestamppb.New(t)
		}
		return d
	case "dataset":
		d := &pb.Dataset{Format: f.DataFormat, Licence: f.DataLicence, UpdateFrequency: f.DataFrequency, DataSha256: f.DataSHA256,
			Keywords: splitList(f.DataKeywords, ","), Temporal: f.DataTemporal, Spatial: f.DataSpatial}
		if f.ChartType != "" || f.ChartLabel != "" || f.ChartValues != "" || f.ChartUnit != "" {
			d.Chart = &pb.DatasetChart{Type: f.ChartType, LabelColumn: f.ChartLabel, ValueColumns: splitList(f.ChartValues, "\n"), Unit: f.ChartUnit}
		}
		return d
	case "organisation":
		d := &pb.OrganisationUnit{Address: f.OrgAddress, AddressEn: f.OrgAddressEN, AddressRu: f.OrgAddressRU, Phone: f.OrgPhone,
			Fax: f.OrgFax, Email: f.OrgEmail, Website: f.OrgWebsite, Parent: parseRef(f.OrgParent, f.Tenant), ChartSha256: f.OrgChart}
		for _, o := range f.Officials {
			d.Officials = append(d.Officials, &pb.Official{Name: o.Name, Position: o.Position, PositionEn: o.PositionEN,
				PositionRu: o.PositionRU, Phone: o.Phone, Fax: o.Fax, Email: o.Email, Unit: o.Unit, UnitEn: o.UnitEN, UnitRu: o.UnitRU})
		}
		return d
	case "directory":
		return &pb.DirectoryEntry{Url: f.DirURL, Agency: f.DirAgency, Address: f.DirAddress, Phone: f.DirPhone, Email: f.DirEmail}
	case "link":
		return &pb.ExternalLink{Url: f.LinkURL, Scope: pb.LinkScope(pb.LinkScope_value[f.LinkScope])}
	case "schedule":
		d := &pb.WorkSchedule{WeekOf: f.SchedWeek}
		for _, e := range f.Entries {
			d.Entries = append(d.Entries, &pb.ScheduleEntry{Date: e.Date, Time: e.Time, Leader: e.Leader, Activity: e.Activity,
				Location: e.Location, Participants: e.Participants})
		}
		return d
	case "question":
		return &pb.QuestionAnswer{Question: f.QAQuestion, Topic: f.QATopic, AskedOn: f.QAAsked, AnsweredOn: f.QAAnswered, AnsweredBy: f.QAAnsweredBy}
	}
	return nil
}

// fill sets the form's fields from stored details.
func (f *editorForm) fill(details proto.Message) {
	switch d := details.(type) {
	case *pb.LegalDocument:
		f.LegalNumber, f.LegalType, f.LegalIssuer, f.LegalIssuerCode = d.GetNumber(), d.GetDocumentType(), d.GetIssuer(), d.GetIssuerCode()
		f.LegalSigner, f.LegalIssued, f.LegalEffective, f.LegalExpires, f.LegalField = d.GetSigner(), d.GetIssuedOn(), d.GetEffectiveOn(), d.GetExpiresOn(), d.GetField()
		c := d.GetConsultation()
		f.ConsultOpens, f.ConsultCloses, f.ConsultReport = c.GetOpensOn(), c.GetClosesOn(), c.GetReportContentId()
		f.LegalDraft = refText(d.GetDraft(), f.Tenant)
		for _, r := range d.GetRelations() {
			rf := relationForm{Target: refText(r.GetTarget(), f.Tenant), Number: r.GetTargetNumber()}
			if r.GetType() != 0 {
				rf.Type = r.GetType().String()
			}
			f.Relations = append(f.Relations, rf)
		}
	case *pb.PublicService:
		f.ServiceCode, f.ServiceAgency, f.ServiceURL = d.GetCode(), d.GetAgency(), d.GetUrl()
		f.ServiceField, f.ServiceHandling, f.ServiceTime, f.ServiceFee = d.GetField(), d.GetHandlingLevel(), d.GetProcessingTime(), d.GetFee()
		if d.GetLevel() != 0 {
			f.ServiceLevel = strconv.Itoa(int(d.GetLevel()))
		}
	case *pb.ProcurementNotice:
		f.ProcType, f.ProcInvestor, f.ProcLocation = d.GetNoticeType(), d.GetInvestor(), d.GetLocation()
		if d.GetValueVnd() != 0 {
			f.ProcValue = strconv.FormatInt(d.GetValueVnd(), 10)
		}
		if d.GetOpensAt() != nil {
			f.ProcOpens = formatLocal(d.GetOpensAt().AsTime())
		}
		if d.GetClosesAt() != nil {
			f.ProcCloses = formatLocal(d.GetClosesAt().AsTime())
		}
	case *pb.Dataset:
		f.DataFormat, f.DataLicence, f.DataFrequency, f.DataSHA256 = d.GetFormat(), d.GetLicence(), d.GetUpdateFrequency(), d.GetDataSha256()
		f.DataKeywords, f.DataTemporal, f.DataSpatial = strings.Join(d.GetKeywords(), ", "), d.GetTemporal(), d.GetSpatial()
		if ch := d.GetChart(); ch != nil {
			f.ChartType, f.ChartLabel, f.ChartValues, f.ChartUnit = ch.GetType(), ch.GetLabelColumn(), strings.Join(ch.GetValueColumns(), "\n"), ch.GetUnit()
		}
	case *pb.OrganisationUnit:
		f.OrgAddress, f.OrgAddressEN, f.OrgAddressRU = d.GetAddress(), d.GetAddressEn(), d.GetAddressRu()
		f.OrgPhone, f.OrgFax, f.OrgEmail, f.OrgWebsite = d.GetPhone(), d.GetFax(), d.GetEmail(), d.GetWebsite()
		f.OrgParent, f.OrgChart = refText(d.GetParent(), f.Tenant), d.GetChartSha256()
		for _, o := range d.GetOfficials() {
			f.Officials = append(f.Officials, officialForm{Name: o.GetName(), Position: o.GetPosition(), PositionEN: o.GetPositionEn(),
				PositionRU: o.GetPositionRu(), Phone: o.GetPhone(), Fax: o.GetFax(), Email: o.GetEmail(),
				Unit: o.GetUnit(), UnitEN: o.GetUnitEn(), UnitRU: o.GetUnitRu()})
		}
	case *pb.DirectoryEntry:
		f.DirURL, f.DirAgency, f.DirAddress, f.DirPhone, f.DirEmail = d.GetUrl(), d.GetAgency(), d.GetAddress(), d.GetPhone(), d.GetEmail()
	case *pb.ExternalLink:
		f.LinkURL = d.GetUrl()
		if d.GetScope() != 0 {
			f.LinkScope = d.GetScope().String()
		}
	case *pb.WorkSchedule:
		f.SchedWeek = d.GetWeekOf()
		for _, e := range d.GetEntries() {
			f.Entries = append(f.Entries, entryForm{Date: e.GetDate(), Time: e.GetTime(), Leader: e.GetLeader(), Activity: e.GetActivity(),
				Location: e.GetLocation(), Participants: e.GetParticipants()})
		}
	case *pb.QuestionAnswer:
		f.QAQuestion, f.QATopic, f.QAAsked, f.QAAnswered, f.QAAnsweredBy = d.GetQuestion(), d.GetTopic(), d.GetAskedOn(), d.GetAnsweredOn(), d.GetAnsweredBy()
	}
}

// parseRef reads a reference to an item as the editor types it:
// "content-id" for an item of this sub-portal (own), "tenant/content-id"
// for another tenant's; nil when empty. Its shape is the hub's rules' to
// judge.
func parseRef(s, own string) *pb.ContentRef {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if tenant, id, ok := strings.Cut(s, "/"); ok {
		return &pb.ContentRef{Tenant: strings.TrimSpace(tenant), ContentId: strings.TrimSpace(id)}
	}
	return &pb.ContentRef{Tenant: own, ContentId: s}
}

// refText is a reference as the editor shows it (see parseRef).
func refText(r *pb.ContentRef, own string) string {
	switch {
	case r.GetTenant() == "" && r.GetContentId() == "":
		return ""
	case r.GetTenant() == own:
		return r.GetContentId()
	}
	return r.GetTenant() + "/" + r.GetContentId()
}

// splitList splits a typed list at sep, trimming each item and dropping
// empty ones.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
