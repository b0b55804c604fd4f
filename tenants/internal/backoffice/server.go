// Package backoffice is the sub-portal's back office: the editorial board's
// server-rendered web application (Vietnamese by default, English on
// request) to log in, write every kind of content, review, approve and
// schedule it, see what reached the hub, report royalties and manage
// accounts. Pages work without JavaScript; every form carries a CSRF token.
package backoffice

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/render"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/*
var staticFiles embed.FS

// Config configures the back office.
type Config struct {
	Store     *store.Store
	Accounts  *accounts.Store
	Sessions  *accounts.Sessions
	Editorial *editorial.Service
	// LoginLimiter limits login attempts per client address; nil allows
	// every attempt (the accounts' own lockout still applies).
	LoginLimiter *accounts.ClientLimiter
	// Board is the editorial board's configuration, as given to Editorial.
	Board editorial.Board
	// Name is the sub-portal's display name ("Sở Du lịch").
	Name string
	// Tenant is the sub-portal's tenant id.
	Tenant string
	// CookiePrefix names this sub-portal's cookies (back offices on one host
	// differ only by port, and cookies ignore ports).
	CookiePrefix string
	// MaxUploadBytes bounds one uploaded file (at most contentrules.MaxFileSize).
	MaxUploadBytes int64
	// Feedback is the hub's FeedbackService (contact details, answers);
	// nil: the inbox shows questions but can neither show contacts nor
	// send answers.
	Feedback FeedbackHub
	Log      zerolog.Logger
	// Dev re-parses the templates on every request.
	Dev bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto is
	// believed (SUBPORTAL_TRUSTED_PROXIES), for HSTS behind a TLS proxy.
	TrustedProxies []netip.Prefix
}

// Server serves the back office.
type Server struct {
	cfg Config
	cat catalogues
	// resumeMux routes a form carried through the login page.
	resumeMux *http.ServeMux
	pages     *render.Renderer
	static    map[string]asset
	hashed    map[string]string
}

type asset struct {
	body        []byte
	contentType string
}

// New parses the templates and catalogues and returns the server.
func New(cfg Config) (*Server, error) {
	if cfg.MaxUploadBytes <= 0 || cfg.MaxUploadBytes > contentrules.MaxFileSize {
		cfg.MaxUploadBytes = contentrules.MaxFileSize
	}
	if cfg.CookiePrefix == "" {
		cfg.CookiePrefix = "subportal"
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Tenant
	}
	s := &Server{cfg: cfg, static: map[string]asset{}, hashed: map[string]string{}}
	var err error
	if s.cat, err = loadCatalogues(); err != nil {
		return nil, err
	}
	if err := s.loadStatic(); err != nil {
		return nil, err
	}
	templates, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	if s.pages, err = render.New(render.Config{FS: templates, Funcs: funcs, Dev: cfg.Dev}); err != nil {
		return nil, err
	}
	s.resumeMux = s.newResumeMux()
	return s, nil
}

func (s *Server) loadStatic() error {
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(staticFiles, "static/"+e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		s.hashed[e.Name()] = name
		s.static[name] = asset{body: b, contentType: mime.TypeByExtension(ext)}
	}
	return nil
}

func (s *Server) assetURL(name string) string { return "/static/" + s.hashed[name] }

// handlerFunc is a back-office handler; a returned error becomes the
// localized error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register installs the back office's routes on mux. It leaves /api/ and
// the ops endpoints to others.
func (s *Server) Register(mux *http.ServeMux) {
	anon := func(h handlerFunc) http.Handler { return s.chain(h, false, nil) }
	user := func(h handlerFunc) http.Handler { return s.chain(h, true, nil) }
	role := func(h handlerFunc, roles ...accounts.Role) http.Handler { return s.chain(h, true, roles) }

	mux.Handle("GET /static/{name}", http.HandlerFunc(s.serveStatic))
	mux.Handle("GET /dang-nhap", anon(s.loginForm))
	mux.Handle("POST /dang-nhap", anon(s.login))
	mux.Handle("GET /login", http.RedirectHandler("/dang-nhap", http.StatusMovedPermanently))
	mux.Handle("POST /dang-xuat", user(s.logout))
	mux.Handle("GET /mat-khau", user(s.passwordForm))
	mux.Handle("POST /mat-khau", user(s.changePassword))
	mux.Handle("GET /ma-truy-cap-api", user(s.apiTokensPage))
	mux.Handle("POST /ma-truy-cap-api", user(s.issueAPIToken))
	mux.Handle("POST /ma-truy-cap-api/{id}/thu-hoi", user(s.revokeAPIToken))

	mux.Handle("GET /{$}", user(s.dashboard))
	mux.Handle("GET /noi-dung", user(s.itemsList))
	mux.Handle("GET /noi-dung/moi", user(s.newItemForm))
	mux.Handle("POST /noi-dung/moi", user(s.saveEditor))
	mux.Handle("GET /noi-dung/{id}", user(s.itemPage))
	mux.Handle("GET /noi-dung/{id}/sua", user(s.editItemForm))
	mux.Handle("POST /noi-dung/{id}/sua", user(s.saveEditor))
	mux.Handle("POST /noi-dung/{id}/go", user(s.unpublish))
	mux.Handle("GET /noi-dung/{id}/phien-ban", user(s.revisionsPage))
	mux.Handle("GET /ban-sua/{rev}", user(s.editForm))
	mux.Handle("POST /ban-sua/{rev}", user(s.saveEditor))
	mux.Handle("POST /ban-sua/{rev}/{action}", user(s.workflow))
	mux.Handle("GET /chua-gui", user(s.notDelivered))
	mux.Handle("GET /hop-thu", user(s.inboxPage))
	mux.Handle("GET /hop-thu/{id}", user(s.questionPage))
	mux.Handle("GET /hop-thu/{id}/tep/{n}", user(s.questionFile))
	mux.Handle("POST /hop-thu/{id}/{action}", user(s.questionAction))
	mux.Handle("GET /nhuan-but", role(s.royalties, accounts.RoleApprover, accounts.RoleAdmin, accounts.RoleEditor))
	mux.Handle("GET /nhuan-but.csv", role(s.royaltiesCSV, accounts.RoleApprover, accounts.RoleAdmin, accounts.RoleEditor))
	mux.Handle("GET /quan-tri/tai-khoan", role(s.accountsPage, accounts.RoleAdmin))
	mux.Handle("POST /quan-tri/tai-khoan", role(s.createAccount, accounts.RoleAdmin))
	mux.Handle("POST /quan-tri/tai-khoan/{id}", role(s.changeAccount, accounts.RoleAdmin))
	mux.Handle("GET /quan-tri/nhat-ky", role(s.auditPage, accounts.RoleAdmin))
	mux.Handle("/", anon(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
}

// Handler returns the back office on its own mux (tests, or a server
// without the API).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	s.securityHeaders(w, r)
	a, ok := s.static[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}

var errNotFound = errs.New(errs.NotFound, "", "no such page", "Không có trang này.")

var errForbidden = errs.New(errs.PermissionDenied, "", "your roles do not allow this", "Vai trò của bạn không được phép làm việc này.")

// render renders the page name into a buffer and writes it with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) error {
	s.fillPage(w, r, p)
	if msg := tooLargeMessage(r); msg != "" {
		// A form too large to take, shown again (see tooLarge).
		p.Errors.Add("files", msg)
		status = http.StatusRequestEntityTooLarge
	}
	b, err := s.pages.Render(name, p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// fail renders err as the error page. An error of the database that is
// down or restarting (from the store, or from editorial and accounts
// through errs.FromDatabase) answers 503 with Retry-After, and a posted
// form comes back as typed (see keepForm).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(errs.FromDatabase(err))
	if e == nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e = errs.New(errs.TooLarge, "", "the request is too large", fmt.Sprintf("Nội dung gửi lên quá lớn (tối đa %d MiB).", s.maxBody()>>20))
		} else {
			s.cfg.Log.Error().Err(err).Str("method", r.Method).Str("path", r.URL.Path).Msg("back-office request failed")
			e = errs.New(errs.Internal, "", "something went wrong on our side; please try again or tell the administrator",
				"Lỗi hệ thống; vui lòng thử lại hoặc báo cho quản trị.")
		}
	}
	status := errs.HTTPStatus(e.Kind)
	accounts.SetRetryAfter(w.Header(), err)
	if e.Kind == errs.Unavailable {
		s.cfg.Log.Warn().Err(err).Str("method", r.Method).Str("path", r.URL.Path).Msg("back-office request failed: the database is unavailable")
		w.Header().Set("Retry-After", strconv.Itoa(errs.RetryAfterSeconds))
		answered, rerr := s.keepForm(w, r, e)
		if rerr != nil {
			s.cfg.Log.Error().Err(rerr).Msg("render the kept form")
		}
		if answered {
			return
		}
	}
	p := &Page{Title: s.loc(r).T("error.title"), Data: errorView{Status: status, Message: s.message(r, e)}}
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.cfg.Log.Error().Err(rerr).Msg("render error page")
		http.Error(w, http.StatusText(status), status)
	}
}

type errorView struct {
	Status  int
	Message string
}

// message is the error's text in the request's language.
func (s *Server) message(r *http.Request, e *errs.Error) string {
	if langOf(r) == "en" && e.Message != "" {
		return e.Message
	}
	if e.MessageVI != "" {
		return e.MessageVI
	}
	return e.Message
}
