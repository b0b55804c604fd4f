package backoffice

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
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
	{"schedule", pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE},
	{"question", pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER},
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
	// Tenant is this sub-portal's tenant id: a reference typed without a
	// tenant ("content-id") names an item of it.
	Tenant string

	// Legal document. Its validity is not typed: the portal computes it.
	LegalNumber, LegalType, LegalIssuer, LegalIssuerCode, LegalSigner, LegalIssued, LegalEffective, LegalExpires, LegalField string
	Relations                                                                                                                []relationForm
	// A draft's consultation (opening and closing day, the summary's content
	// id) and an adopted document's draft (a reference, see parseRef).
	ConsultOpens, ConsultCloses, ConsultReport, LegalDraft string
	// Public service.
	ServiceCode, ServiceLevel, ServiceAgency, ServiceURL, ServiceField, ServiceHandling, ServiceTime, ServiceFee string
	// Procurement notice.
	ProcType, ProcInvestor, ProcValue, ProcOpens, ProcCloses, ProcLocation string
	// Dataset: keywords comma-separated, the chart's value columns one a line.
	DataFormat, DataLicence, DataFrequency, DataSHA256, DataKeywords, DataTemporal, DataSpatial string
	ChartType, ChartLabel, ChartValues, ChartUnit                                               string
	// Organisation unit: the parent as a reference (see parseRef), the
	// chart as the SHA-256 of one of the attachments.
	OrgAddress, OrgAddressEN, OrgAddressRU, OrgPhone, OrgFax, OrgEmail, OrgWebsite, OrgParent, OrgChart string
	Officials                                                                                           []officialForm
	// Directory entry.
	DirURL, DirAgency, DirAddress, DirPhone, DirEmail string
	// External link.
	LinkURL, LinkScope string
	// Work schedule.
	SchedWeek string
	Entries   []entryForm
	// Question and answer (the answer is the body).
	QAQuestion, QATopic, QAAsked, QAAnswered, QAAnsweredBy string

	Attachments []attachmentForm
	// Keep lists the text fields whose legacy-encoding conversion the editor
	// declined ("keep as typed").
	Keep map[string]bool

	padded bool // padRows has run
}

func newForm(kind, tenant string) *editorForm {
	f := &editorForm{Kind: kind, Tenant: tenant, Keep: map[string]bool{}}
	for _, loc := range contentLocales {
		f.Texts = append(f.Texts, localeForm{Locale: loc})
	}
	return f
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
func parseForm(r *http.Request, kind, tenant string) *editorForm {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := &editorForm{Kind: kind, Tenant: tenant, ContentID: strings.ToLower(v("content_id")), Category: v("category"), Keep: map[string]bool{}}
	for _, loc := range contentLocales {
		f.Texts = append(f.Texts, localeForm{Locale: loc, Title: v(loc + "_title"), Summary: v(loc + "_summary"),
			Markdown: strings.TrimRight(r.PostFormValue(loc+"_body"), " \t\r\n"), Slug: strings.ToLower(v(loc + "_slug"))})
	}
	f.LegalNumber, f.LegalType, f.LegalIssuer, f.LegalIssuerCode = v("legal_number"), v("legal_type"), v("legal_issuer"), v("legal_issuer_code")
	f.LegalSigner, f.LegalIssued, f.LegalEffective, f.LegalExpires = v("legal_signer"), v("legal_issued"), v("legal_effective"), v("legal_expires")
	f.LegalField = v("legal_field")
	f.ConsultOpens, f.ConsultCloses, f.ConsultReport, f.LegalDraft = v("consult_opens"), v("consult_closes"), strings.ToLower(v("consult_report")), v("legal_draft")
	f.ServiceCode, f.ServiceLevel, f.ServiceAgency, f.ServiceURL = v("service_code"), v("service_level"), v("service_agency"), v("service_url")
	f.ServiceField, f.ServiceHandling, f.ServiceTime, f.ServiceFee = v("service_field"), v("service_handling"), v("service_time"), v("service_fee")
	f.ProcType, f.ProcInvestor, f.ProcValue = v("proc_type"), v("proc_investor"), v("proc_value")
	f.ProcOpens, f.ProcCloses, f.ProcLocation = v("proc_opens"), v("proc_closes"), v("proc_location")
	f.DataFormat, f.DataLicence, f.DataFrequency, f.DataSHA256 = v("data_format"), v("data_licence"), v("data_frequency"), v("data_sha256")
	f.DataKeywords, f.DataTemporal, f.DataSpatial = v("data_keywords"), v("data_temporal"), v("data_spatial")
	f.ChartType, f.ChartLabel, f.ChartValues, f.ChartUnit = v("chart_type"), v("chart_label"), strings.Join(splitList(r.PostFormValue("chart_values"), "\n"), "\n"), v("chart_unit")
	f.OrgAddress, f.OrgAddressEN, f.OrgAddressRU = v("org_address"), v("org_address_en"), v("org_address_ru")
	f.OrgPhone, f.OrgFax, f.OrgEmail, f.OrgWebsite = v("org_phone"), v("org_fax"), v("org_email"), v("org_website")
	f.OrgParent, f.OrgChart = v("org_parent"), v("org_chart")
	f.DirURL, f.DirAgency, f.DirAddress, f.DirPhone, f.DirEmail = v("dir_url"), v("dir_agency"), v("dir_address"), v("dir_phone"), v("dir_email")
	f.LinkURL, f.LinkScope = v("link_url"), v("link_scope")
	f.SchedWeek = v("sch_week")
	f.QAQuestion, f.QATopic, f.QAAsked, f.QAAnswered, f.QAAnsweredBy = strings.TrimSpace(r.PostFormValue("qa_question")), v("qa_topic"), v("qa_asked"), v("qa_answered"), v("qa_answered_by")
	parseRows(r, f)
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
func (f *editorForm) check(l *Localizer, fe *FormErrors, cats []*pb.Category, uploads []upload) {
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
	before := len(fe.List)
	f.checkValues(l, fe)
	if len(fe.List) > before {
		return // the item is not what the editor meant yet
	}
	f.checkRules(l, fe, cats, uploads)
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
		for i, r := range f.Relations {
			_, ok := pb.LegalRelationType_value[r.Type]
			choice(fmt.Sprintf("rel_%d_type", i), r.Type, ok && r.Type != "LEGAL_RELATION_TYPE_UNSPECIFIED")
		}
	case "service":
		if _, err := strconv.Atoi(f.ServiceLevel); f.ServiceLevel != "" && err != nil {
			fe.Add("service_level", l.T("editor.level_invalid"))
		}
		choice("service_handling", f.ServiceHandling, contains(handlingLevels, f.ServiceHandling))
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
		choice("chart_type", f.ChartType, contains(chartTypes, f.ChartType))
	case "link":
		_, ok := pb.LinkScope_value[f.LinkScope]
		choice("link_scope", f.LinkScope, ok)
	}
}

// checkRules records what the hub's rules say of the item the form
// describes, each problem at its input with the hub's reason (and, in a
// table, its row). The rules judge the item with the files being uploaded
// (not stored until the form passes), as it will be saved.
func (f *editorForm) checkRules(l *Localizer, fe *FormErrors, cats []*pb.Category, uploads []upload) {
	item := f
	if len(uploads) > 0 {
		c := *f
		c.Attachments = slices.Clone(f.Attachments)
		for _, u := range uploads {
			sum := sha256.Sum256(u.Data)
			c.attach(u.Field, attachmentForm{SHA256: hex.EncodeToString(sum[:]), Filename: u.Filename, MediaType: u.MediaType})
		}
		item = &c
	}
	if e := errs.As(editorial.Check(item.change(), f.Keep, contentrules.CategoriesOf(cats))); e != nil {
		for _, v := range e.All() {
			msg := v.MessageVI
			if l.Lang == "en" && v.Message != "" {
				msg = v.Message
			}
			id := inputID(v.Field)
			if row := rowLabel(l, id); row != "" {
				msg = row + ": " + msg
			}
			fe.AddRule(id, v.Reason, msg)
		}
	}
}

// attach adds a file uploaded with the form's input field: a dataset's
// data file or a unit's organisation chart is also chosen as such.
func (f *editorForm) attach(field string, a attachmentForm) {
	f.Attachments = append(f.Attachments, a)
	switch field {
	case "data_file":
		f.DataSHA256 = a.SHA256
	case "org_chart_file":
		f.OrgChart = a.SHA256
	}
}

// Choices the form offers beside the contract's enums.
var (
	handlingLevels = []string{"province", "commune"}
	chartTypes     = []string{"bar", "line"}
)

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

// formFromChange fills the form from a stored change.
func formFromChange(ch editorial.Change, tenant string) *editorForm {
	f := newForm(kindName(ch.Kind), tenant)
	f.ContentID, f.Category = ch.ContentID, ch.Category
	for i := range f.Texts {
		if t, ok := ch.Texts[f.Texts[i].Locale]; ok {
			f.Texts[i].Title, f.Texts[i].Summary, f.Texts[i].Markdown, f.Texts[i].Slug = t.Title, t.Summary, t.Markdown, t.Slug
		}
	}
	for _, a := range ch.Attachments {
		f.Attachments = append(f.Attachments, attachmentForm{SHA256: a.GetSha256(), Filename: a.GetFilename(), MediaType: a.GetMediaType(), Title: a.GetTitle()})
	}
	f.fill(ch.Details)
	return f
}
