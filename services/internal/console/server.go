// Package console is the hub's operations console (issue 10 point 2): a
// server-rendered web application for the central ops team, in Vietnamese
// first and English, that works without JavaScript. It shows the tenants,
// their items and versions, refused pushes, takedowns, the audit log,
// Article 11 compliance, publishing activity and the backlogs, and acts
// through the admin API (OpsService) in process, as the signed-in account, so
// hubctl and the console share one authorisation, rule and audit layer. Every page needs a signed-in ops account (Accounts) and checks its
// role; every form carries a CSRF token.
package console

import (
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/render"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the console runs on.
type Config struct {
	Store *hubstore.Store
	// Accounts are the ops accounts: logins, lockout, console sessions,
	// and the table of which role may take which action.
	Accounts *opsaccounts.Store
	// Rules are the deployment's Article 11 rules; nil: the compliance
	// pages say that none are configured.
	Rules *compliance.Rules
	// Consumers lists the streams' consumers for the admin API the console
	// builds when Ops is nil (its Backlog); nil: the backlog page shows the
	// outbox only.
	Consumers backlog.Lister
	Log       zerolog.Logger
	// Dev re-parses the templates on every request.
	Dev bool
	// Now is the clock (time.Now when nil), for tests.
	Now func() time.Time
	// Ops is the admin API the console's actions go through, in process
	// (opsapi.Server.Local), so that they meet hubctl's role checks, rules
	// and audit entries; nil: one built on Store, Accounts and Rules.
	Ops *opsapi.Server
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto is
	// believed (AGGREGATOR_CONSOLE_TRUSTED_PROXIES): the Secure cookies and
	// HSTS behind a TLS proxy.
	TrustedProxies []netip.Prefix
}

// Server is the console's HTTP handler.
type Server struct {
	cfg    Config
	read   *hubread.Store
	pages  *render.Renderer
	cat    catalogues
	csrf   []byte // key of the login form's anonymous CSRF tokens
	engine *gin.Engine
}

// New builds the console, parsing its templates and catalogues.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Accounts == nil {
		return nil, errors.New("console: Store and Accounts are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cat, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	tfs, _ := fs.Sub(templateFS, "templates")
	pages, err := render.New(render.Config{FS: tfs, Funcs: funcs, Dev: cfg.Dev})
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if cfg.Ops == nil {
		cfg.Ops = opsapi.New(opsapi.Config{Store: cfg.Store, Accounts: cfg.Accounts, Rules: cfg.Rules, Log: cfg.Log, Now: cfg.Now,
			Consumers: cfg.Consumers})
	}
	s := &Server{cfg: cfg, read: hubread.New(cfg.Store.Pool()), pages: pages, cat: cat, csrf: key}
	s.routes()
	return s, nil
}

// Handler returns the console's HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) routes() {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.Use(s.recover, s.common)
	static, _ := fs.Sub(staticFS, "static")
	e.StaticFS("/static", http.FS(static))
	e.GET("/dang-nhap", s.h(s.loginPage))
	e.POST("/dang-nhap", s.h(s.login))
	e.POST("/dang-xuat", s.need(""), s.h(s.logout))
	e.GET("/", s.need(""), func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/don-vi") })
	e.GET("/don-vi", s.need(opsaccounts.TenantsView), s.h(s.tenants))
	e.GET("/don-vi/:tenant", s.need(opsaccounts.TenantsView), s.h(s.tenant))
	e.GET("/don-vi/:tenant/noi-dung/:content", s.need(""), s.h(s.item)) // the views: the admin API checks the role
	suspendGet, suspendPost := s.statusChange("suspend", func(c *gin.Context, id string) error {
		_, err := s.ops(c).SuspendTenant(c.Request.Context(), &pb.SuspendTenantRequest{Id: id})
		return err
	})
	resumeGet, resumePost := s.statusChange("resume", func(c *gin.Context, id string) error {
		_, err := s.ops(c).ResumeTenant(c.Request.Context(), &pb.ResumeTenantRequest{Id: id})
		return err
	})
	e.GET("/them-don-vi", s.need(opsaccounts.TenantsAdd), s.h(s.addTenantPage))
	e.POST("/them-don-vi", s.need(opsaccounts.TenantsAdd), s.h(s.addTenant))
	e.GET("/don-vi/:tenant/sua", s.need(opsaccounts.TenantsUpdate), s.h(s.editTenantPage))
	e.POST("/don-vi/:tenant/sua", s.need(opsaccounts.TenantsUpdate), s.h(s.editTenant))
	e.GET("/don-vi/:tenant/tam-dung", s.need(opsaccounts.TenantsSuspend), s.h(suspendGet))
	e.POST("/don-vi/:tenant/tam-dung", s.need(opsaccounts.TenantsSuspend), s.h(suspendPost))
	e.GET("/don-vi/:tenant/tiep-tuc", s.need(opsaccounts.TenantsSuspend), s.h(resumeGet))
	e.POST("/don-vi/:tenant/tiep-tuc", s.need(opsaccounts.TenantsSuspend), s.h(resumePost))
	s.lifecycleRoutes(e)
	e.GET("/don-vi/:tenant/khoa/cap", s.need(opsaccounts.CredentialsIssue), s.h(s.issueConfirm))
	e.POST("/don-vi/:tenant/khoa/cap", s.need(opsaccounts.CredentialsIssue), s.h(s.issue))
	e.GET("/don-vi/:tenant/khoa/:id/doi", s.need(opsaccounts.CredentialsIssue), s.h(s.rotateConfirm))
	e.POST("/don-vi/:tenant/khoa/:id/doi", s.need(opsaccounts.CredentialsIssue), s.h(s.rotate))
	e.GET("/don-vi/:tenant/khoa/:id/thu-hoi", s.need(opsaccounts.CredentialsIssue), s.h(s.revokeConfirm))
	e.POST("/don-vi/:tenant/khoa/:id/thu-hoi", s.need(opsaccounts.CredentialsIssue), s.h(s.revoke))
	e.POST("/don-vi/:tenant/noi-dung/:content/go-xuong", s.need(opsaccounts.ItemsTakedown), s.h(s.takeDown))
	e.POST("/don-vi/:tenant/noi-dung/:content/go-bo", s.need(opsaccounts.ItemsTakedown), s.h(s.lift))
	e.GET("/go-xuong", s.need(""), s.h(s.takedowns))
	e.GET("/bi-tu-choi", s.need(""), s.h(s.refusals))
	e.GET("/nhat-ky", s.need(opsaccounts.AuditView), s.h(s.audit))
	e.POST("/nhat-ky/kiem-tra", s.need(opsaccounts.AuditView), s.h(s.verifyAudit))
	e.GET("/tuan-thu", s.need(opsaccounts.ComplianceView), s.h(s.compliance))
	e.GET("/luot-xem", s.need(opsaccounts.StatsView), s.h(s.pageViews))
	e.GET("/pham-vi", s.need(""), s.h(s.coverage))
	e.GET("/hoat-dong", s.need(opsaccounts.StatsView), s.h(s.activity))
	e.GET("/bao-tri", s.need(""), s.h(s.maintenance))
	e.POST("/bao-tri", s.need(opsaccounts.MaintenanceEdit), s.h(s.scheduleMaintenance))
	e.POST("/bao-tri/:id/huy", s.need(opsaccounts.MaintenanceEdit), s.h(s.cancelMaintenance))
	e.GET("/noi-bat", s.need(opsaccounts.TenantsView), s.h(s.featuredItems))
	e.POST("/noi-bat", s.need(opsaccounts.FeaturedManage), s.h(s.addFeatured))
	e.POST("/noi-bat/bo", s.need(opsaccounts.FeaturedManage), s.h(s.removeFeatured))
	e.POST("/quang-cao/bat-tat", s.need(opsaccounts.AdvertsManage), s.h(s.switchAdverts))
	e.GET("/quang-cao", s.need(""), s.h(s.adverts))
	e.POST("/quang-cao", s.need(opsaccounts.AdvertsManage), s.h(s.addAdvert))
	e.POST("/quang-cao/:id/ket-thuc", s.need(opsaccounts.AdvertsManage), s.h(s.endAdvert))
	e.GET("/hang-doi", s.need(""), s.h(s.backlogPage))
	e.GET("/qua-han", s.need(""), s.h(s.overdue))
	e.NoRoute(s.h(func(c *gin.Context) error { return errNotFound }))
	e.NoMethod(s.h(func(c *gin.Context) error { return errMethod }))
	s.engine = e
}

// contentSecurityPolicy allows the console's own files only: no script at
// all, no inline style, no framing, forms only to itself.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
	"base-uri 'none'; frame-ancestors 'none'"

// maxFormBytes bounds a request's body: the console's forms are small.
const maxFormBytes = 64 << 10

const ctxLang, ctxSession = "lang", "session"

// common sets what every answer carries and reads the language and the
// session.
func (s *Server) common(c *gin.Context) {
	lifecycle.SecurityHeaders(c.Writer.Header(), contentSecurityPolicy, "same-origin")
	lifecycle.TransportSecurity(c.Writer.Header(), s.secure(c.Request))
	c.Header("Cache-Control", "no-store")
	limit := int64(maxFormBytes)
	if c.Request.URL.Path == redirectsPath {
		limit = 2 << 20 // the redirect map's upload; importRedirects says when it is over the API's limit
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	if strings.HasPrefix(c.Request.URL.Path, "/static/") {
		c.Next() // files: no language, no session to look up
		return
	}
	c.Set(ctxLang, s.language(c))
	if sess, err := s.session(c); err != nil {
		s.fail(c, err)
		c.Abort()
		return
	} else if sess != nil {
		c.Set(ctxSession, sess)
	}
	c.Next()
}

func (s *Server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Log.Error().Interface("panic", v).Str("path", c.Request.URL.Path).Msg("console handler panicked")
			s.fail(c, errors.New("panic"))
			c.Abort()
		}
	}()
	c.Next()
}

const langCookie = "ph_console_lang"

// language picks the page's language: ?lang= (remembered in a cookie), the
// cookie, then Vietnamese.
func (s *Server) language(c *gin.Context) string {
	if q := c.Query("lang"); q != "" {
		if _, ok := s.cat[q]; ok {
			http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(c.Request)})
			return q
		}
	}
	if v, err := c.Cookie(langCookie); err == nil {
		if _, ok := s.cat[v]; ok {
			return v
		}
	}
	return defaultLang
}

func (s *Server) loc(c *gin.Context) *Localizer { return s.cat.For(c.GetString(ctxLang)) }

// need lets a request through only with a session whose role may take
// action (opsaccounts.Allows; "" for any signed-in account), and checks the
// CSRF token of every POST.
func (s *Server) need(action opsaccounts.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		sess := current(c)
		if sess == nil {
			if c.Request.Method == http.MethodGet {
				c.Redirect(http.StatusSeeOther, "/dang-nhap?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			} else {
				s.fail(c, errSignedOut)
			}
			c.Abort()
			return
		}
		if c.Request.Method == http.MethodPost && !s.validCSRF(c, sess) {
			s.fail(c, errCSRF)
			c.Abort()
			return
		}
		if action != "" && !opsaccounts.Allows(sess.Account.Role, action) {
			s.cfg.Log.Warn().Str("account", sess.Account.Login).Str("role", string(sess.Account.Role)).
				Str("action", string(action)).Str("path", c.Request.URL.Path).Msg("console action refused to role")
			s.fail(c, &roleError{action: action})
			c.Abort()
			return
		}
		c.Next()
	}
}

// handler is a console handler: it renders its page or returns an error
// that fail renders.
type handler func(c *gin.Context) error

func (s *Server) h(f handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := f(c); err != nil {
			s.fail(c, err)
		}
	}
}

// page is what every page's template gets.
type page struct {
	L       *Localizer
	Title   string
	Nav     string // the navigation entry of the page
	Session *opsaccounts.Session
	CSRF    string
	// Langs link the page in each other language.
	Langs []langLink
	// Done names a message (catalogue id) to confirm the last action.
	Done string
	D    any // the page's own data
}

type langLink struct{ Lang, Name, URL string }

// Can reports whether the page's account may take action (forms are
// shown only to those who may send them).
func (p page) Can(action string) bool {
	return p.Session != nil && opsaccounts.Allows(p.Session.Account.Role, opsaccounts.Action(action))
}

func (s *Server) newPage(c *gin.Context, title, nav string, d any) page {
	l := s.loc(c)
	p := page{L: l, Title: title, Nav: nav, Session: current(c), D: d}
	if p.Session != nil {
		p.CSRF = p.Session.CSRF
	}
	for _, lang := range Languages {
		if lang == l.Lang {
			continue
		}
		q := c.Request.URL.Query()
		q.Set("lang", lang)
		q.Del("done")
		p.Langs = append(p.Langs, langLink{Lang: lang, Name: s.cat.For(lang).T("lang.name"), URL: c.Request.URL.Path + "?" + q.Encode()})
	}
	if d := c.Query("done"); d != "" && l.Has("done."+d) {
		p.Done = "done." + d
	}
	return p
}

func (s *Server) show(c *gin.Context, status int, name string, p page) error {
	b, err := s.pages.Render(name, p)
	if err != nil {
		return err
	}
	c.Data(status, "text/html; charset=utf-8", b)
	return nil
}

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
	"hasPrefix": strings.HasPrefix,
	"navItems":  func() []navItem { return nav },
	"list":      func(xs ...string) []string { return xs },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"pager": func(l *Localizer, prev, next string) map[string]any {
		return map[string]any{"L": l, "Prev": prev, "Next": next}
	},
}

type navItem struct{ ID, Path string }

// nav is the console's navigation, in the order it shows.
var nav = []navItem{
	{"tenants", "/don-vi"}, {"compliance", "/tuan-thu"}, {"coverage", "/pham-vi"}, {"activity", "/hoat-dong"}, {"views", "/luot-xem"}, {"takedowns", "/go-xuong"}, {"refusals", "/bi-tu-choi"},
	{"audit", "/nhat-ky"}, {"maintenance", "/bao-tri"}, {"featured", "/noi-bat"}, {"adverts", "/quang-cao"}, {"backlog", "/hang-doi"},
	{"overdue", "/qua-han"},
}
