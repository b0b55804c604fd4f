package backoffice

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// contentLocales are the languages content is written in, side by side.
var contentLocales = []string{"vi", "en", "ru"}

// kinds maps the editor's kind names (in URLs and forms) to the contract's.
var kinds = []struct {
	Name string
	Kind pb.ContentKind
}{
	{"article", pb.ContentKind_CONTENT_KIND_ARTICLE},
	{"page", pb.ContentKind_CONTENT_KIND_PAGE},
	{"legal", pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT},
	{"service", pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE},
	{"procurement", pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE},
	{"dataset", pb.ContentKind_CONTENT_KIND_DATASET},
	{"organisation", pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT},
	{"directory", pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY},
	{"link", pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK},
}

func kindByName(name string) (pb.ContentKind, bool) {
	for _, k := range kinds {
		if k.Name == name {
			return k.Kind, true
		}
	}
	return 0, false
}

func kindName(k pb.ContentKind) string {
	for _, x := range kinds {
		if x.Kind == k {
			return x.Name
		}
	}
	return ""
}

// kindNameOf maps the store's kind column ("LEGAL_DOCUMENT") to the
// editor's kind name.
func kindNameOf(stored string) string {
	return kindName(pb.ContentKind(pb.ContentKind_value["CONTENT_KIND_"+stored]))
}

// localeForm is one language's text as typed.
type localeForm struct {
	Locale, Title, Summary, Markdown, Slug string
	Preview                                template.HTML
}

type officialForm struct {
	Name, Position, PositionEN, PositionRU, Phone, Email string
}

type attachmentForm struct {
	SHA256, Filename, MediaType, Title string
	Size                               int64
}

// editorForm is the editor's form as typed: strings, so that a form with
// mistakes comes back exactly as it was sent.
type editorForm struct {
	ContentID string
	Kind      string
	Category  string
	Texts     []localeForm

	// Legal document.
	LegalNumber, LegalType, LegalIssuer, LegalSigner, LegalIssued, LegalEffective, LegalExpires, LegalField, LegalValidity string
	// Public service.
	ServiceCode, ServiceLevel, ServiceAgency, ServiceURL string
	// Procurement notice.
	ProcType, ProcInvestor, ProcValue, ProcOpens, ProcCloses, ProcLocation string
	// Dataset.
	DataFormat, DataLicence, DataFrequency, DataSHA256 string
	// Organisation unit.
	OrgAddress, OrgPhone, OrgEmail string
	Officials                      []officialForm
	// Directory entry.
	DirURL, DirAgency, DirAddress, DirPhone, DirEmail string
	// External link.
	LinkURL, LinkScope string

	Attachments []attachmentForm
	// Keep lists the text fields whose legacy-encoding conversion the editor
	// declined ("keep as typed").
	Keep map[string]bool
}

// blankOfficialRows is how many empty rows the officials table offers
// (without JavaScript there is no "add row").
const blankOfficialRows = 3

func newForm(kind string) *editorForm {
	f := &editorForm{Kind: kind, Keep: map[string]bool{}}
	for _, loc := range contentLocales {
		f.Texts = append(f.Texts, localeForm{Locale: loc})
	}
	f.padOfficials()
	return f
}

func (f *editorForm) padOfficials() {
	if f.Kind != "organisation" {
		return
	}
	for range blankOfficialRows {
		f.Officials = append(f.Officials, officialForm{})
	}
}

func (f *editorForm) text(loc string) *localeForm {
	for i := range f.Texts {
		if f.Texts[i].Locale == loc {
			return &f.Texts[i]
		}
	}
	return nil
}

// parseForm reads the editor's fields from a parsed request.
func parseForm(r *http.Request, kind string) *editorForm {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := &editorForm{Kind: kind, ContentID: strings.ToLower(v("content_id")), Category: v("category"), Keep: map[string]bool{}}
	for _, loc := range contentLocales {
		f.Texts = append(f.Texts, localeForm{Locale: loc, Title: v(loc + "_title"), Summary: v(loc + "_summary"),
			Markdown: strings.TrimRight(r.PostFormValue(loc+"_body"), " \t\r\n"), Slug: strings.ToLower(v(loc + "_slug"))})
	}
	f.LegalNumber, f.LegalType, f.LegalIssuer, f.LegalSigner = v("legal_number"), v("legal_type"), v("legal_issuer"), v("legal_signer")
	f.LegalIssued, f.LegalEffective, f.LegalExpires = v("legal_issued"), v("legal_effective"), v("legal_expires")
	f.LegalField, f.LegalValidity = v("legal_field"), v("legal_validity")
	f.ServiceCode, f.ServiceLevel, f.ServiceAgency, f.ServiceURL = v("service_code"), v("service_level"), v("service_agency"), v("service_url")
	f.ProcType, f.ProcInvestor, f.ProcValue = v("proc_type"), v("proc_investor"), v("proc_value")
	f.ProcOpens, f.ProcCloses, f.ProcLocation = v("proc_opens"), v("proc_closes"), v("proc_location")
	f.DataFormat, f.DataLicence, f.DataFrequency, f.DataSHA256 = v("data_format"), v("data_licence"), v("data_frequency"), v("data_sha256")
	f.OrgAddress, f.OrgPhone, f.OrgEmail = v("org_address"), v("org_phone"), v("org_email")
	for i := 0; i < 400; i++ {
		p := fmt.Sprintf("official_%d_", i)
		if _, ok := r.PostForm[p+"name"]; !ok {
			break
		}
		o := officialForm{Name: v(p + "name"), Position: v(p + "position"), PositionEN: v(p + "position_en"),
			PositionRU: v(p + "position_ru"), Phone: v(p + "phone"), Email: v(p + "email")}
		if o != (officialForm{}) {
			f.Officials = append(f.Officials, o)
		}
	}
	f.DirURL, f.DirAgency, f.DirAddress, f.DirPhone, f.DirEmail = v("dir_url"), v("dir_agency"), v("dir_address"), v("dir_phone"), v("dir_email")
	f.LinkURL, f.LinkScope = v("link_url"), v("link_scope")
	for i := 0; i < 100; i++ {
		p := fmt.Sprintf("att_%d_", i)
		sha := v(p + "sha256")
		if sha == "" {
			break
		}
		if r.PostFormValue(p+"remove") != "" {
			continue
		}
		f.Attachments = append(f.Attachments, attachmentForm{SHA256: sha, Filename: v(p + "filename"),
			MediaType: v(p + "media_type"), Title: v(p + "title")})
	}
	for _, k := range r.PostForm["keep"] {
		f.Keep[k] = true
	}
	return f
}

// check validates the form: first what only the form can tell (a value
// that does not parse, a choice not offered, dates in the wrong order), then
// the hub's rules on the item the form describes, through editorial.Check,
// the function saving the draft calls too (so the form says at once, with
// the hub's reasons, what the hub would refuse). It fills slugs left empty
// from the titles. Problems are recorded by input id. cats is the hub's
// category list as the sub-portal keeps it (empty when the hub never
// answered: the hub decides then).
func (f *editorForm) check(l *Localizer, fe *FormErrors, cats []*pb.Category) {
	if _, ok := kindByName(f.Kind); !ok {
		fe.Add("", l.T("editor.kind_unknown"))
	}
	if f.Category == "" {
		fe.Add("category", l.T("editor.category_required"))
	}
	for i := range f.Texts {
		if t := &f.Texts[i]; t.Slug == "" && t.Title != "" {
			t.Slug = editorial.Slugify(t.Title)
		}
	}
	f.checkValues(l, fe)
	if fe.Any() {
		return // the item is not what the editor meant yet
	}
	f.checkRules(l, fe, cats)
}

// checkValues records the mistakes only the form can tell: a value that
// does not parse, a choice not offered, dates in the wrong order.
func (f *editorForm) checkValues(l *Localizer, fe *FormErrors) {
	choice := func(id, v string, ok bool) {
		if v != "" && !ok {
			fe.Add(id, l.T("editor.choice_invalid"))
		}
	}
	switch f.Kind {
	case "legal":
		_, ok := pb.LegalValidity_value[f.LegalValidity]
		choice("legal_validity", f.LegalValidity, ok)
	case "service":
		if _, err := strconv.Atoi(f.ServiceLevel); f.ServiceLevel != "" && err != nil {
			fe.Add("service_level", l.T("editor.level_invalid"))
		}
	case "procurement":
		if f.ProcValue != "" {
			if _, err := strconv.ParseInt(procValue(f.ProcValue), 10, 64); err != nil {
				fe.Add("proc_value", l.T("editor.number_invalid"))
			}
		}
		opens, err1 := parseLocal(f.ProcOpens)
		closes, err2 := parseLocal(f.ProcCloses)
		if err1 != nil {
			fe.Add("proc_opens", l.T("editor.datetime_invalid"))
		}
		if err2 != nil {
			fe.Add("proc_closes", l.T("editor.datetime_invalid"))
		}
		if err1 == nil && err2 == nil && !opens.IsZero() && !closes.IsZero() && closes.Before(opens) {
			fe.Add("proc_closes", l.T("editor.closes_before_opens"))
		}
	case "dataset":
		choice("data_format", f.DataFormat, contains([]string{"CSV", "JSON", "XLSX"}, f.DataFormat))
	case "link":
		_, ok := pb.LinkScope_value[f.LinkScope]
		choice("link_scope", f.LinkScope, ok)
	}
}

// checkRules records what the hub's rules say of the item the form
// describes, each problem at its input with the hub's reason.
func (f *editorForm) checkRules(l *Localizer, fe *FormErrors, cats []*pb.Category) {
	if e := errs.As(editorial.Check(f.change(), f.Keep, contentrules.CategoriesOf(cats))); e != nil {
		for _, v := range e.All() {
			msg := v.MessageVI
			if l.Lang == "en" && v.Message != "" {
				msg = v.Message
			}
			fe.AddRule(inputID(v.Field), v.Reason, msg)
		}
	}
}

// procValue is a typed amount without its thousands separators.
func procValue(v string) string { return strings.NewReplacer(".", "", ",", "", " ", "").Replace(v) }

// parseLocal reads a datetime-local value as Asia/Ho_Chi_Minh time.
func parseLocal(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, vnZone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a local date and time: %q", v)
}

func formatLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vnZone).Format("2006-01-02T15:04")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// change builds the editorial change the form describes.
func (f *editorForm) change() editorial.Change {
	kind, _ := kindByName(f.Kind)
	ch := editorial.Change{ContentID: f.ContentID, Kind: kind, Category: f.Category, Texts: map[string]editorial.LocaleText{}}
	for _, t := range f.Texts {
		if t.Locale != "vi" && t.Title == "" && t.Summary == "" && t.Markdown == "" {
			continue
		}
		ch.Texts[t.Locale] = editorial.LocaleText{Title: t.Title, Summary: t.Summary, Markdown: t.Markdown, Slug: t.Slug}
	}
	for _, a := range f.Attachments {
		ch.Attachments = append(ch.Attachments, &pb.Attachment{Sha256: a.SHA256, Filename: a.Filename, MediaType: a.MediaType, Title: a.Title})
	}
	ch.Details = f.details()
	return ch
}

func (f *editorForm) details() proto.Message {
	switch f.Kind {
	case "legal":
		return &pb.LegalDocument{Number: f.LegalNumber, DocumentType: f.LegalType, Issuer: f.LegalIssuer, Signer: f.LegalSigner,
			IssuedOn: f.LegalIssued, EffectiveOn: f.LegalEffective, ExpiresOn: f.LegalExpires, Field: f.LegalField,
			Validity: pb.LegalValidity(pb.LegalValidity_value[f.LegalValidity])}
	case "service":
		level, _ := strconv.Atoi(f.ServiceLevel)
		return &pb.PublicService{Code: f.ServiceCode, Level: int32(level), Agency: f.ServiceAgency, Url: f.ServiceURL}
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
		return &pb.Dataset{Format: f.DataFormat, Licence: f.DataLicence, UpdateFrequency: f.DataFrequency, DataSha256: f.DataSHA256}
	case "organisation":
		d := &pb.OrganisationUnit{Address: f.OrgAddress, Phone: f.OrgPhone, Email: f.OrgEmail}
		for _, o := range f.Officials {
			d.Officials = append(d.Officials, &pb.Official{Name: o.Name, Position: o.Position, PositionEn: o.PositionEN,
				PositionRu: o.PositionRU, Phone: o.Phone, Email: o.Email})
		}
		return d
	case "directory":
		return &pb.DirectoryEntry{Url: f.DirURL, Agency: f.DirAgency, Address: f.DirAddress, Phone: f.DirPhone, Email: f.DirEmail}
	case "link":
		return &pb.ExternalLink{Url: f.LinkURL, Scope: pb.LinkScope(pb.LinkScope_value[f.LinkScope])}
	}
	return nil
}

// formFromChange fills the form from a stored change.
func formFromChange(ch editorial.Change) *editorForm {
	f := newForm(kindName(ch.Kind))
	f.Officials = nil
	f.ContentID, f.Category = ch.ContentID, ch.Category
	for i := range f.Texts {
		if t, ok := ch.Texts[f.Texts[i].Locale]; ok {
			f.Texts[i].Title, f.Texts[i].Summary, f.Texts[i].Markdown, f.Texts[i].Slug = t.Title, t.Summary, t.Markdown, t.Slug
		}
	}
	for _, a := range ch.Attachments {
		f.Attachments = append(f.Attachments, attachmentForm{SHA256: a.GetSha256(), Filename: a.GetFilename(), MediaType: a.GetMediaType(), Title: a.GetTitle()})
	}
	switch d := ch.Details.(type) {
	case *pb.LegalDocument:
		f.LegalNumber, f.LegalType, f.LegalIssuer, f.LegalSigner = d.GetNumber(), d.GetDocumentType(), d.GetIssuer(), d.GetSigner()
		f.LegalIssued, f.LegalEffective, f.LegalExpires, f.LegalField = d.GetIssuedOn(), d.GetEffectiveOn(), d.GetExpiresOn(), d.GetField()
		if d.GetValidity() != 0 {
			f.LegalValidity = d.GetValidity().String()
		}
	case *pb.PublicService:
		f.ServiceCode, f.ServiceAgency, f.ServiceURL = d.GetCode(), d.GetAgency(), d.GetUrl()
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
	case *pb.OrganisationUnit:
		f.OrgAddress, f.OrgPhone, f.OrgEmail = d.GetAddress(), d.GetPhone(), d.GetEmail()
		for _, o := range d.GetOfficials() {
			f.Officials = append(f.Officials, officialForm{Name: o.GetName(), Position: o.GetPosition(), PositionEN: o.GetPositionEn(),
				PositionRU: o.GetPositionRu(), Phone: o.GetPhone(), Email: o.GetEmail()})
		}
	case *pb.DirectoryEntry:
		f.DirURL, f.DirAgency, f.DirAddress, f.DirPhone, f.DirEmail = d.GetUrl(), d.GetAgency(), d.GetAddress(), d.GetPhone(), d.GetEmail()
	case *pb.ExternalLink:
		f.LinkURL = d.GetUrl()
		if d.GetScope() != 0 {
			f.LinkScope = d.GetScope().String()
		}
	}
	f.padOfficials()
	return f
}
