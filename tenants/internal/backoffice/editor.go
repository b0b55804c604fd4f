package backoffice

import (
	"context"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// editorView is the editor page's data.
type editorView struct {
	Form      *editorForm
	Rev       *editorial.Revision // nil for a new item
	Action    string              // where the form posts
	ReadOnly  bool
	Can       map[string]bool
	Notices   []noticeView
	Preview   bool
	MaxUpload string
	Kinds     []string
	// Cats are the categories the selector offers: the hub's that admit
	// the form's kind; none when the hub never sent its list.
	Cats []categoryOption
	// Approval form.
	Contributors []contributorForm
	PublishAt    string
	Comment      string
	// ContributorRoles are the roles a contributor can be credited with.
	ContributorRoles []string
	// FromQuestion is set on a question-and-answer item made from a
	// citizen's question: its approval asks to confirm the anonymisation.
	FromQuestion *qaCheck
	// Base is the hub version a new revision of an existing item starts
	// from (editorial.Change.BaseVersion), carried by the form.
	Base uint64
	// MoreRows is how many blank rows "more rows" adds to the tables.
	MoreRows int
	// Choices of the details' inputs: the hub's issuers, this
	// sub-portal's legal documents and organisation units (for relations
	// and a parent), the attachments that can be an organisation chart,
	// the columns of a dataset's CSV.
	Issuers      []issuer
	LegalTargets []store.Title
	Units        []store.Title
	ChartFiles   []attachmentForm
	CSVColumns   []string
	// Details is the preview of the details, after "preview".
	Details *detailsPreview
}

type noticeView struct {
	Field, InputID, Encoding, Before, After, Message string
	Changes                                          []editorial.TextChange
	Keep                                             bool
}

type contributorForm struct {
	Name, Role, Points, Amount, AccountID string
}

// workflowActions are the actions the editor page offers buttons for.
var workflowActions = []editorial.Action{editorial.ActionSave, editorial.ActionSubmit, editorial.ActionReturn,
	editorial.ActionApprove, editorial.ActionDiscard, editorial.ActionRestore,
	editorial.ActionRequestWithdraw, editorial.ActionRequestRedirect, editorial.ActionRequestGone}

// allowed asks editorial.Decide which actions actor may take on rev.
func (s *Server) allowed(actor accounts.Account, rev editorial.Revision) map[string]bool {
	can := map[string]bool{}
	for _, a := range workflowActions {
		if _, err := editorial.Decide(actor, rev, a, s.cfg.Board); err == nil {
			can[string(a)] = true
		}
	}
	return can
}

var fieldPattern = regexp.MustCompile(`^(?:texts|translations)\[(vi|en|ru)\]\.(title|summary|markdown|body_html|slug)$`)

// detailInputs maps the fields of an item's details, as the hub's rules
// name them, to the editor's inputs.
var detailInputs = map[string]string{
	"legal_document.number": "legal_number", "legal_document.document_type": "legal_type",
	"legal_document.issuer": "legal_issuer", "legal_document.issuer_code": "legal_issuer_code",
	"legal_document.signer": "legal_signer", "legal_document.issued_on": "legal_issued",
	"legal_document.effective_on": "legal_effective", "legal_document.expires_on": "legal_expires",
	"legal_document.field": "legal_field", "legal_document.relations": "rel_0_type",
	"legal_document.consultation.opens_on": "consult_opens", "legal_document.consultation.closes_on": "consult_closes",
	"legal_document.consultation.report_content_id": "consult_report", "legal_document.draft.tenant": "legal_draft",
	"legal_document.draft.content_id": "legal_draft",
	"public_service.code":             "service_code", "public_service.level": "service_level",
	"public_service.agency": "service_agency", "public_service.url": "service_url",
	"public_service.field": "service_field", "public_service.handling_level": "service_handling",
	"public_service.processing_time": "service_time", "public_service.fee": "service_fee",
	"procurement_notice.notice_type": "proc_type", "procurement_notice.investor": "proc_investor",
	"procurement_notice.value_vnd": "proc_value", "procurement_notice.opens_at": "proc_opens",
	"procurement_notice.closes_at": "proc_closes", "procurement_notice.location": "proc_location",
	"dataset.format": "data_format", "dataset.licence": "data_licence",
	"dataset.update_frequency": "data_frequency", "dataset.data_sha256": "data_file",
	"dataset.keywords": "data_keywords", "dataset.temporal": "data_temporal", "dataset.spatial": "data_spatial",
	"dataset.chart.type": "chart_type", "dataset.chart.label_column": "chart_label",
	"dataset.chart.value_columns": "chart_values", "dataset.chart.unit": "chart_unit",
	"organisation_unit.address": "org_address", "organisation_unit.address_en": "org_address_en",
	"organisation_unit.address_ru": "org_address_ru", "organisation_unit.phone": "org_phone",
	"organisation_unit.fax": "org_fax", "organisation_unit.email": "org_email",
	"organisation_unit.website": "org_website", "organisation_unit.parent": "org_parent",
	"organisation_unit.parent.tenant": "org_parent", "organisation_unit.parent.content_id": "org_parent",
	"organisation_unit.chart_sha256": "org_chart", "organisation_unit.officials": "official_0_name",
	"directory_entry.url": "dir_url", "directory_entry.agency": "dir_agency",
	"directory_entry.address": "dir_address", "directory_entry.phone": "dir_phone",
	"directory_entry.email": "dir_email",
	"external_link.url":     "link_url", "external_link.scope": "link_scope",
	"work_schedule.week_of": "sch_week", "work_schedule.entries": "sch_0_date",
	"question_answer.question": "qa_question", "question_answer.topic": "qa_topic",
	"question_answer.asked_on": "qa_asked", "question_answer.answered_on": "qa_answered",
	"question_answer.answered_by": "qa_answered_by",
}

// rowFields maps the fields of a row of a list of the details, as the
// hub's rules name them (organisation_unit.officials[2].email), to the
// inputs of the editor's tables (official_2_email).
var rowFields = regexp.MustCompile(`^(organisation_unit\.officials|legal_document\.relations|work_schedule\.entries|dataset\.keywords|dataset\.chart\.value_columns)\[(\d+)\](?:\.([a-z_.]+))?$`)

func rowInput(field string) string {
	m := rowFields.FindStringSubmatch(field)
	if m == nil {
		return ""
	}
	switch row, col := m[2], m[3]; m[1] {
	case "organisation_unit.officials":
		if slices.Contains(officialColumns, col) {
			return "official_" + row + "_" + col
		}
		return "official_" + row + "_name"
	case "legal_document.relations":
		switch col {
		case "type":
			return "rel_" + row + "_type"
		case "target_number":
			return "rel_" + row + "_number"
		}
		return "rel_" + row + "_target" // target, target.tenant, target.content_id
	case "work_schedule.entries":
		if slices.Contains(entryColumns, col) {
			return "sch_" + row + "_" + col
		}
		return "sch_" + row + "_date"
	case "dataset.keywords":
		return "data_keywords"
	}
	return "chart_values"
}

// rowInputID reads the table and row of a row's input id (sch_2_time).
var rowInputID = regexp.MustCompile(`^(official|rel|sch)_(\d+)_`)

// rowLabel names the table row an input is in ("Lịch công tác, dòng 3"),
// for messages that are read away from the input (the error summary); ""
// for an input outside the tables.
func rowLabel(l *Localizer, id string) string {
	m := rowInputID.FindStringSubmatch(id)
	if m == nil {
		return ""
	}
	n, _ := strconv.Atoi(m[2])
	return l.T("rows."+m[1], n+1)
}

// inputID maps the field a domain error names to the editor's input id, ""
// for a field the form has no input for (the error is the form's).
func inputID(field string) string {
	if m := fieldPattern.FindStringSubmatch(field); m != nil {
		switch m[2] {
		case "markdown", "body_html":
			return m[1] + "_body"
		}
		return m[1] + "_" + m[2]
	}
	if id := rowInput(field); id != "" {
		return id
	}
	if id, ok := detailInputs[field]; ok {
		return id
	}
	switch field {
	case "content_id", "category":
		return field
	case "translations[vi]", "texts[vi]":
		return "vi_title"
	}
	if strings.HasPrefix(field, "attachments") {
		return "files"
	}
	return ""
}

func (s *Server) newItemForm(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("kind")
	if _, ok := kindByName(kind); !ok {
		return s.render(w, r, http.StatusOK, "newitem", &Page{Title: s.loc(r).T("new.title"), Data: kinds})
	}
	actor := current(r).Account
	can := s.allowed(actor, editorial.Revision{State: editorial.StateNew, AuthorID: actor.ID})
	if !can[string(editorial.ActionSave)] {
		return errForbidden
	}
	cats, err := s.cfg.Store.Categories(r.Context())
	if err != nil {
		return err
	}
	f := newForm(kind, s.cfg.Tenant)
	k, _ := kindByName(kind)
	f.Category = defaultCategory(cats, k)
	if kind == "schedule" {
		f.SchedWeek = nextMonday(time.Now()).Format(time.DateOnly)
	}
	return s.renderEditor(w, r, http.StatusOK, &editorView{Form: f, Can: can}, nil)
}

func (s *Server) editForm(w http.ResponseWriter, r *http.Request) error {
	rev, err := s.revision(r)
	if err != nil {
		return err
	}
	v := &editorView{Form: formFromChange(rev.Change, s.cfg.Tenant), Rev: &rev, Can: s.allowed(current(r).Account, rev)}
	for _, n := range rev.Notices {
		v.Notices = append(v.Notices, noticeView{Field: n.Field, InputID: inputID(n.Field), Encoding: n.Encoding,
			Before: n.Before, After: n.After, Message: n.MessageVI, Changes: n.Changes})
	}
	return s.renderEditor(w, r, http.StatusOK, v, nil)
}

// editItemForm starts a new revision of an existing item from its current
// approved content.
func (s *Server) editItemForm(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.cfg.Editorial.CurrentContent(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	actor := current(r).Account
	can := s.allowed(actor, editorial.Revision{State: editorial.StateNew, AuthorID: actor.ID})
	if !can[string(editorial.ActionSave)] {
		_, err := editorial.Decide(actor, editorial.Revision{State: editorial.StateNew, AuthorID: actor.ID}, editorial.ActionSave, s.cfg.Board)
		return err
	}
	return s.renderEditor(w, r, http.StatusOK, &editorView{Form: formFromChange(cur, s.cfg.Tenant), Can: can, Base: cur.BaseVersion}, nil)
}

func (s *Server) revision(r *http.Request) (editorial.Revision, error) {
	id, err := strconv.ParseInt(r.PathValue("rev"), 10, 64)
	if err != nil || id <= 0 {
		return editorial.Revision{}, errNotFound
	}
	return s.cfg.Editorial.Get(r.Context(), id)
}

func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, status int, v *editorView, fe *FormErrors) error {
	l := s.loc(r)
	v.MaxUpload = mib(s.cfg.MaxUploadBytes)
	cats, err := s.cfg.Store.Categories(r.Context())
	if err != nil {
		return err
	}
	kind, _ := kindByName(v.Form.Kind)
	v.Cats = categoryChoices(cats, kind, l.Lang, v.Form.Category)
	v.ContributorRoles = editorial.ContributorRoles
	for _, k := range kinds {
		v.Kinds = append(v.Kinds, k.Name)
	}
	v.ReadOnly = !v.Can[string(editorial.ActionSave)]
	if !v.ReadOnly {
		v.Form.padRows(v.MoreRows)
	}
	if err := s.detailChoices(r.Context(), v); err != nil {
		return err
	}
	if v.Preview {
		v.Details = previewDetails(l, v.Form, time.Now())
	}
	if v.ReadOnly {
		// Reviewers who cannot edit read the body as it will look.
		for i := range v.Form.Texts {
			if t := &v.Form.Texts[i]; t.Markdown != "" && t.Preview == "" {
				t.Preview = template.HTML(editorial.RenderMarkdown(t.Markdown))
			}
		}
	}
	title := l.T("editor.title_new", l.T("kind."+v.Form.Kind))
	if v.Rev != nil {
		if err := s.checkQA(r.Context(), v); err != nil {
			return err
		}
		v.Action = "/ban-sua/" + itoa(v.Rev.ID)
		title = l.T("editor.title_rev", v.Rev.Number, v.Form.text("vi").Title)
		if v.Contributors == nil {
			v.Contributors = contributorsForm(*v.Rev)
		}
		if v.PublishAt == "" && v.Rev.PublishAt != nil {
			v.PublishAt = formatLocal(*v.Rev.PublishAt)
		}
	} else if v.Form.ContentID != "" {
		v.Action = "/noi-dung/" + v.Form.ContentID + "/sua"
		title = l.T("editor.title_item", v.Form.text("vi").Title)
	} else {
		v.Action = "/noi-dung/moi?kind=" + v.Form.Kind
	}
	return s.render(w, r, status, "editor", &Page{Title: title, Wide: true, Data: v, Errors: fe})
}

// contributorsForm offers the revision's contributors, or its author, and
// blank rows for more.
func contributorsForm(rev editorial.Revision) []contributorForm {
	var out []contributorForm
	for _, c := range rev.Contributors {
		cf := contributorForm{Name: c.Name, Role: c.Role, AccountID: itoa(c.AccountID)}
		if c.Points != 0 {
			cf.Points = strconv.FormatFloat(c.Points, 'f', -1, 64)
		}
		if c.AmountVND != 0 {
			cf.Amount = itoa(c.AmountVND)
		}
		out = append(out, cf)
	}
	if len(out) == 0 && rev.AuthorName != "" {
		out = append(out, contributorForm{Name: rev.AuthorName, Role: editorial.RoleAuthor, AccountID: itoa(rev.AuthorID)})
		if rev.EditorName != "" && rev.EditorID != rev.AuthorID {
			out = append(out, contributorForm{Name: rev.EditorName, Role: editorial.RoleEditor, AccountID: itoa(rev.EditorID)})
		}
	}
	for range 3 {
		out = append(out, contributorForm{})
	}
	return out
}

// saveEditor handles the editor's form: preview, save, or save and submit.
// On any mistake the form comes back as typed, with the errors, and nothing
// is stored.
func (s *Server) saveEditor(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	actor := current(r).Account
	t, err := s.editorTarget(r)
	if err != nil {
		return err
	}
	check := editorial.Revision{State: editorial.StateNew, AuthorID: actor.ID}
	if t.rev != nil {
		check = *t.rev
	}
	can := s.allowed(actor, check)
	var refused error // shown on the form as typed, below
	if !can[string(editorial.ActionSave)] {
		_, refused = editorial.Decide(actor, check, editorial.ActionSave, s.cfg.Board)
	}
	form := t.parseForm(r, s.cfg.Tenant)
	fe := &FormErrors{}
	cats, err := s.cfg.Store.Categories(r.Context())
	if err != nil {
		return err
	}
	op := r.PostFormValue("op")
	var uploads []upload
	if op != "rows" && op != "preview" {
		uploads = s.formUploads(r, l, fe, form)
	}
	form.check(l, fe, cats, uploads)
	v := t.view(r, form, can)
	if refused != nil {
		return s.refusedEditor(w, r, v, fe, refused)
	}
	switch op {
	case "rows": // more blank rows; nothing stored, no errors yet
		v.MoreRows = moreRows
		return s.renderEditor(w, r, http.StatusOK, v, nil)
	case "preview":
		return s.previewEditor(w, r, l, v, fe)
	}
	if err := s.checkReferences(r, l, form, uploads, fe); err != nil {
		return err
	}
	if fe.Any() {
		return s.renderEditor(w, r, http.StatusBadRequest, v, fe)
	}
	if err := s.attachUploads(r, fe, form, uploads, actor); err != nil {
		return err
	}
	if fe.Any() {
		return s.renderEditor(w, r, http.StatusBadRequest, v, fe)
	}
	return s.saveDraft(w, r, actor, v, fe, op == "submit")
}

// editorTarget is what an editor's form saves.
type editorTarget struct {
	rev    *editorial.Revision // the revision saved; nil for a new one
	itemID string              // the item a new revision starts from; "" for a new item
	kind   string              // the editor's kind name
}

// editorTarget reads what the editor's form saves from the request's path:
// a revision (/ban-sua/{rev}), a new revision of an item
// (/noi-dung/{id}/sua) or a new item of a kind (/noi-dung/moi?kind=).
func (s *Server) editorTarget(r *http.Request) (editorTarget, error) {
	t := editorTarget{kind: r.URL.Query().Get("kind"), itemID: r.PathValue("id")}
	if t.itemID != "" {
		cur, err := s.cfg.Editorial.CurrentContent(r.Context(), t.itemID)
		if err != nil {
			return t, err
		}
		t.kind = kindName(cur.Kind)
	}
	if r.PathValue("rev") != "" {
		got, err := s.revision(r)
		if err != nil {
			return t, err
		}
		t.rev, t.kind = &got, kindName(got.Change.Kind)
	}
	if _, ok := kindByName(t.kind); !ok {
		return t, errs.Invalid("kind", "unknown kind of content", "Loại nội dung không hợp lệ.")
	}
	return t, nil
}

// parseForm reads the form posted for t, the content id taken from t.
func (t editorTarget) parseForm(r *http.Request, tenant string) *editorForm {
	form := parseForm(r, t.kind, tenant)
	switch {
	case t.rev != nil:
		form.ContentID = t.rev.ContentID
	case t.itemID != "":
		form.ContentID = t.itemID
	default:
		form.ContentID = "" // editorial makes it from the Vietnamese slug
	}
	if t.rev != nil {
		keepTyped(form, t.rev.Notices)
	}
	return form
}

// view is the editor showing form again for t: the hub version a new
// revision of an item starts from, as the form carried it, and the
// revision's encoding notices with the editor's "keep as typed" choices.
func (t editorTarget) view(r *http.Request, form *editorForm, can map[string]bool) *editorView {
	v := &editorView{Form: form, Rev: t.rev, Can: can}
	if t.itemID != "" && t.rev == nil {
		v.Base, _ = strconv.ParseUint(r.PostFormValue("base_version"), 10, 64)
	}
	if t.rev != nil {
		for _, n := range t.rev.Notices {
			v.Notices = append(v.Notices, noticeView{Field: n.Field, InputID: inputID(n.Field), Encoding: n.Encoding,
				Before: n.Before, After: n.After, Message: n.MessageVI, Changes: n.Changes, Keep: form.Keep[n.Field]})
		}
	}
	return v
}

// previewEditor shows the form again with its bodies rendered and its
// details as the portal will show them; nothing is stored.
func (s *Server) previewEditor(w http.ResponseWriter, r *http.Request, l *Localizer, v *editorView, fe *FormErrors) error {
	for i := range v.Form.Texts {
		if t := &v.Form.Texts[i]; t.Markdown != "" {
			t.Preview = template.HTML(editorial.RenderMarkdown(t.Markdown))
		}
	}
	if err := s.checkReferences(r, l, v.Form, nil, fe); err != nil {
		return err
	}
	v.Preview = true
	return s.renderEditor(w, r, http.StatusOK, v, fe)
}

// formUploads reads the files sent with the form and checks them: each
// against the file policy and the size limit, a dataset's data file as
// CSV, an organisation chart as an image or PDF, and their number. A file
// refused is recorded in fe at its input. Nothing is stored yet.
func (s *Server) formUploads(r *http.Request, l *Localizer, fe *FormErrors, form *editorForm) []upload {
	uploads := s.readUploads(r, l, fe, "files", "data_file", "org_chart_file")
	for _, u := range uploads {
		switch {
		case u.Field == "data_file" && form.Kind == "dataset" && u.MediaType != contentrules.MediaCSV:
			fe.Add("data_file", l.T("upload.csv_required", u.Filename))
		case u.Field == "org_chart_file" && !chartMedia(u.MediaType):
			fe.Add("org_chart_file", l.T("upload.chart_required", u.Filename))
		}
	}
	if len(form.Attachments)+len(uploads) > contentrules.MaxAttachments {
		fe.Add("files", l.T("editor.too_many_files"))
	}
	return uploads
}

// attachUploads stores the files of a form without mistakes and attaches
// them to it (a dataset's data file becomes its data, an organisation
// chart its chart). A file the store refuses is recorded in fe.
func (s *Server) attachUploads(r *http.Request, fe *FormErrors, form *editorForm, uploads []upload, actor accounts.Account) error {
	for _, u := range uploads {
		b, err := s.cfg.Store.PutBlobAs(r.Context(), actor.Username, u.Filename, u.Data)
		if err != nil {
			if !s.addErr(r, fe, err, func(string) string { return u.Field }) {
				return err
			}
			continue
		}
		form.attach(u.Field, attachmentForm{SHA256: b.SHA256, Filename: b.Filename, MediaType: b.MediaType, Size: b.Size})
	}
	return nil
}

// saveDraft saves the form of v as a draft (a new revision, or the
// revision shown) and, when submit is set, submits it; then it sends the
// editor to the saved revision.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, actor accounts.Account, v *editorView, fe *FormErrors, submit bool) error {
	var revID int64
	if v.Rev != nil {
		revID = v.Rev.ID
	}
	ch := v.Form.change()
	ch.BaseVersion = v.Base
	saved, err := s.cfg.Editorial.SaveDraft(r.Context(), actor, revID, ch, v.Form.Keep)
	if err != nil {
		return s.editorError(w, r, v, fe, err)
	}
	if submit {
		if _, err := s.cfg.Editorial.Submit(r.Context(), actor, saved.ID); err != nil {
			v.Rev = &saved
			return s.editorError(w, r, v, fe, err)
		}
		return seeOther(w, r, "/ban-sua/"+itoa(saved.ID), "submitted")
	}
	return seeOther(w, r, "/ban-sua/"+itoa(saved.ID), "saved")
}

// keepTyped puts back the text as typed where the editor declined a
// legacy-encoding conversion: the form shows the converted text, so keeping
// "as typed" means the notice's Before, not the field's current value.
func keepTyped(f *editorForm, notices []editorial.TextNotice) {
	for _, n := range notices {
		if !f.Keep[n.Field] {
			continue
		}
		m := fieldPattern.FindStringSubmatch(n.Field)
		if m == nil {
			continue
		}
		t := f.text(m[1])
		if t == nil {
			continue
		}
		var p *string
		switch m[2] {
		case "title":
			p = &t.Title
		case "summary":
			p = &t.Summary
		case "markdown", "body_html":
			p = &t.Markdown
		default:
			continue
		}
		if *p == n.After || strings.TrimSpace(*p) == strings.TrimSpace(n.After) {
			*p = n.Before
		}
	}
}

// editorError shows a domain error on the editor, refusals too
// (PermissionDenied, NotFound), so the text typed is not lost; it fails
// the request for errors that are no editor's mistake.
func (s *Server) editorError(w http.ResponseWriter, r *http.Request, v *editorView, fe *FormErrors, err error) error {
	if !s.addErr(r, fe, err, inputID) {
		return err
	}
	status := errs.HTTPStatus(errs.KindOf(err))
	return s.renderEditor(w, r, status, v, fe)
}

// detailChoices fills the choices the details' inputs offer.
func (s *Server) detailChoices(ctx context.Context, v *editorView) error {
	f := v.Form
	var err error
	switch f.Kind {
	case "legal":
		v.Issuers = issuers
		v.LegalTargets, err = s.cfg.Store.Titles(ctx, "LEGAL_DOCUMENT", maxChoices)
	case "organisation":
		v.Units, err = s.cfg.Store.Titles(ctx, "ORGANISATION_UNIT", maxChoices)
		for _, a := range f.Attachments {
			if chartMedia(a.MediaType) {
				v.ChartFiles = append(v.ChartFiles, a)
			}
		}
	case "dataset":
		if f.DataSHA256 == "" {
			return nil
		}
		head, err := s.cfg.Store.FileHead(ctx, f.DataSHA256)
		if errs.KindOf(err) == errs.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		v.CSVColumns, _ = contentrules.CSVHeader(head)
	}
	return err
}

// maxChoices bounds the items a choice of this sub-portal's items offers.
const maxChoices = 500
