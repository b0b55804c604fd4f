package backoffice

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// Page is what every template gets: the layout's data and the page's own
// (Data).
type Page struct {
	Title    string
	Lang     string
	L        *Localizer
	SiteName string
	CSS      string
	JS       string
	User     *accounts.Account
	CSRF     string
	Nav      []navLink
	LangAlt  []navLink
	Notice   string
	Errors   *FormErrors
	// Wide pages (the editor) use the full width.
	Wide bool
	// MaxUploadBytes bounds one file, MaxBodyBytes a whole form (for the
	// script's check before sending).
	MaxUploadBytes, MaxBodyBytes int64
	Data                         any
}

type navLink struct {
	Href, Label, Lang string
	Current           bool
}

// notices are the messages a redirect after a successful POST may show
// (?ok=id); anything else is ignored.
var notices = map[string]bool{
	"saved": true, "submitted": true, "returned": true, "approved": true, "scheduled": true, "discarded": true,
	"restored": true, "unpublish_requested": true, "password_changed": true, "account_created": true,
	"account_changed": true, "logged_out": true, "resumed": true, "api_token_revoked": true,
}

func (s *Server) fillPage(w http.ResponseWriter, r *http.Request, p *Page) {
	p.L = s.loc(r)
	p.Lang = p.L.Lang
	p.SiteName = s.cfg.Name
	p.CSS = s.assetURL("backoffice.css")
	p.JS = s.assetURL("backoffice.js")
	p.MaxUploadBytes, p.MaxBodyBytes = s.cfg.MaxUploadBytes, s.maxBody()
	if p.Errors == nil {
		p.Errors = &FormErrors{}
	}
	if sess, ok := accounts.Current(r.Context()); ok && sess != nil {
		p.User = &sess.Account
		p.CSRF = sess.CSRF
		p.Nav = s.nav(r, p.L, &sess.Account)
	}
	if p.CSRF == "" {
		p.CSRF = s.cfg.Sessions.CSRFToken(w, r)
	}
	if id := r.URL.Query().Get("ok"); notices[id] && p.Notice == "" {
		p.Notice = p.L.T("notice." + id)
	}
	for _, l := range Languages {
		q := r.URL.Query()
		q.Set("lang", l)
		q.Del("ok")
		href := r.URL.Path + "?" + q.Encode()
		if r.Method != http.MethodGet {
			href = "?lang=" + l
		}
		p.LangAlt = append(p.LangAlt, navLink{Href: href, Label: s.cat.For(l).T("language.name"), Lang: l, Current: l == p.Lang})
	}
}

func (s *Server) nav(r *http.Request, l *Localizer, a *accounts.Account) []navLink {
	links := []navLink{
		{Href: "/", Label: l.T("nav.dashboard")},
		{Href: "/noi-dung", Label: l.T("nav.items")},
		{Href: "/chua-gui", Label: l.T("nav.not_delivered")},
		{Href: "/hop-thu", Label: l.T("nav.inbox")},
	}
	if a.Has(accounts.RoleApprover) || a.Has(accounts.RoleAdmin) || a.Has(accounts.RoleEditor) {
		links = append(links, navLink{Href: "/nhuan-but", Label: l.T("nav.royalties")})
	}
	if a.Has(accounts.RoleAdmin) {
		links = append(links, navLink{Href: "/quan-tri/tai-khoan", Label: l.T("nav.accounts")},
			navLink{Href: "/quan-tri/nhat-ky", Label: l.T("nav.audit")})
	}
	for i := range links {
		h := links[i].Href
		links[i].Current = r.URL.Path == h || (h != "/" && strings.HasPrefix(r.URL.Path, h+"/"))
	}
	return links
}

// FormErrors collects the problems of a submitted form: each names the
// field (its input's id) and says what is wrong, in the editor's language.
type FormErrors struct {
	List []FieldError
}

// FieldError is one problem of a form.
type FieldError struct {
	Field   string // the id of the input, "" for the form as a whole
	Message string
	// Reason is the hub's reason code when one of its rules is broken
	// (see docs/ARCHITECTURE.md, "Reason codes"), else "".
	Reason string
}

// Add records a problem with field.
func (e *FormErrors) Add(field, msg string) {
	e.List = append(e.List, FieldError{Field: field, Message: msg})
}

// AddRule records a problem with field for one of the hub's reasons.
func (e *FormErrors) AddRule(field, reason, msg string) {
	e.List = append(e.List, FieldError{Field: field, Message: msg, Reason: reason})
}

// Any reports whether there is a problem.
func (e *FormErrors) Any() bool { return e != nil && len(e.List) > 0 }

// For returns the message about field, or "".
func (e *FormErrors) For(field string) string {
	if e == nil {
		return ""
	}
	var msgs []string
	for _, fe := range e.List {
		if fe.Field == field {
			msgs = append(msgs, fe.Message)
		}
	}
	return strings.Join(msgs, " ")
}

// addErr records a domain error, each of its problems under its field
// (mapped to an input id by fieldID), or under the form when it names none.
// It reports false, recording nothing, for an error that is no one's
// mistake on the form (internal, or the database unavailable).
func (s *Server) addErr(r *http.Request, fe *FormErrors, err error, fieldID func(string) string) bool {
	e := errs.As(err)
	if e == nil || e.Kind == errs.Internal || e.Kind == errs.Unavailable {
		return false
	}
	for _, v := range e.All() {
		f := v.Field
		if fieldID != nil {
			f = fieldID(f)
		}
		fe.AddRule(f, v.Reason, s.message(r, &errs.Error{Message: v.Message, MessageVI: v.MessageVI}))
	}
	return true
}

var funcs = template.FuncMap{
	"errid": func(field string) string { return "err-" + field },
	"add":   func(a, b int) int { return a + b },
	"itoa":  func(i int64) string { return strconv.FormatInt(i, 10) },
	"mib":   mib,
	"kb":    func(n int64) int64 { return (n + 1023) / 1024 },
	// markdown shows a Markdown text (an answer to a citizen) as the
	// editorial renderer makes it: sanitised, balanced HTML.
	"markdown": func(md string) template.HTML { return template.HTML(editorial.RenderMarkdown(md)) }, //nolint:gosec // sanitised by RenderMarkdown
	"query":    url.QueryEscape,
	"join":     strings.Join,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"list": func(v ...string) []string { return v },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
