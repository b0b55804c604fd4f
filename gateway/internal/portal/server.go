// Package portal serves the public portal: the provincial home, each
// sub-portal's home and items in Vietnamese, English and Russian, and
// attachments. Pages are rendered from the hub store (services/hubread),
// kept in the page cache and localized through the message catalogue.
package portal

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/api"
	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/sitemap"
	"github.com/portalhub/portalhub/gateway/internal/viewcount"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/pgerr"
	"github.com/portalhub/portalhub/services/render"
)

// Config wires a Server.
type Config struct {
	Store   *hubread.Store
	Cache   *pagecache.Cache
	Catalog *i18n.Catalog
	Log     zerolog.Logger
	// ResetConnections closes the database pool's connections (the pool's
	// Reset), called when a request's connection was lost, before it runs
	// again (retryLost); may be nil.
	ResetConnections func()
	// Ops serves /healthz and /metrics and runs the /readyz checks
	// (OpsHandler; only /healthz is on the public port).
	Ops *lifecycle.Ops
	// ReadyDetail adds fields to the /readyz answer (e.g. the newest event
	// sequence seen); may be nil.
	ReadyDetail func() map[string]any
	// Dev re-parses templates on every request, from TemplateDir when set.
	Dev         bool
	TemplateDir string
	// MaxBodyBytes bounds request bodies; default 64 KiB.
	MaxBodyBytes int64
	// CategoryRefresh is how long the hub's category code list (changed
	// only by hub migrations) is kept in memory before it is read again;
	// default 1 minute.
	CategoryRefresh time.Duration
	// PublicURL is the portal's public address (scheme, host and optional
	// path prefix, e.g. https://khanhhoa.gov.vn) that canonical and hreflang
	// links start with; its host is served. Empty (development): each
	// request's scheme and Host, the page cache keys pages by that origin
	// too, and the loopback names are served.
	PublicURL string
	// Hosts are further host names served (e.g. the www. name); a port, if
	// given, is ignored. Requests for any other host are answered 421.
	Hosts []string
	// SearchMisses counts the searches that found nothing; nil counts
	// none.
	SearchMisses *MissCounter
	// Views counts page views (see views.go); nil counts none.
	Views *viewcount.Counter
	// Now is the clock of what pages show by the time (a legal document's
	// validity, a notice's closing); default time.Now. Tests inject theirs.
	Now func() time.Time
	// TenantRefresh is how long the registry of tenants (names, registry
	// entries, host names), categories and reserved words that the frame
	// of pages and the Host mapping use is kept before it is read again;
	// TenantsChanged reloads it at once. Default 30s.
	TenantRefresh time.Duration
	// ProvinceTenant is the tenant whose registry entry the provincial
	// pages' footer shows (managing agency, person responsible, address,
	// licence); empty: the first tenant of kind province.
	ProvinceTenant string
	// MonitoringScript is the address (https) of the state monitoring
	// agent's script (Circular 22/2023), loaded on every page and allowed
	// by the CSP; empty (the default): none (maintenance.go).
	MonitoringScript string
	// TrustedProxies are the IP addresses or CIDR prefixes of the reverse
	// proxies in front of the gateway: X-Forwarded-Proto and
	// X-Forwarded-For are believed only from them.
	TrustedProxies []string
	// SitemapSize is how many URLs one sitemap file holds; default (and
	// at most) the protocol's 50,000.
	SitemapSize int
	// AccessLogSample logs one in AccessLogSample answers from the page
	// cache (the fast path's and Gin's hits); every other request is
	// logged. Counts are in the metrics whatever it is. Default 100; 1
	// logs every request.
	AccessLogSample int
	// Feedback is the hub's FeedbackService that the citizens' form hands
	// submissions to (feedback.go); nil: the form answers that it cannot
	// take them now.
	Feedback FeedbackHub
	// Subscriptions is the hub's SubscriptionService (subscribe.go); nil:
	// the subscription pages answer that they cannot take one now.
	Subscriptions SubscriptionHub
	// FormKey keys the form's CSRF tokens and the rate limits' hashes of
	// client addresses; every gateway replica needs the same one. Empty: a
	// random key per process.
	FormKey []byte
	// FeedbackLimit and StatusLimit bound the form's submissions and the
	// status page's look-ups, per client address and all together; zero
	// values take the defaults (feedbackLimits).
	FeedbackLimit, StatusLimit Limit
}

// Limit is a rate limit: Burst at once, then one per Every, per client
// address; GlobalBurst and GlobalEvery the same for all addresses together.
type Limit struct {
	Every       time.Duration
	Burst       int
	GlobalEvery time.Duration
	GlobalBurst int
}

// withDefaults fills a zero Limit with def.
func (l Limit) withDefaults(def Limit) Limit {
	if l.Every <= 0 || l.Burst <= 0 || l.GlobalEvery <= 0 || l.GlobalBurst <= 0 {
		return def
	}
	return l
}

// The default limits: a visitor may send 5 questions at once and one more
// every 10 minutes, everyone together 60 at once and one a second; a
// visitor may look up 10 codes at once and one every 30 seconds (a guess
// of a 60-bit code needs 2^59 tries on average).
var (
	defaultFeedbackLimit = Limit{Every: 10 * time.Minute, Burst: 5, GlobalEvery: time.Second, GlobalBurst: 60}
	defaultStatusLimit   = Limit{Every: 30 * time.Second, Burst: 10, GlobalEvery: 100 * time.Millisecond, GlobalBurst: 300}
)

// Server is the portal's HTTP handler.
type Server struct {
	cfg      Config
	renderer *render.Renderer
	api      *api.Server
	assets   *assets
	engine   *gin.Engine
	requests *prometheus.CounterVec
	// latency times the requests that reach the router, by route (the
	// fast path's hits are counted, not timed: see accessLog).
	latency *prometheus.HistogramVec
	hosts   map[string]bool // host names served (see servesHost)
	csp     string          // the Content-Security-Policy (see csp)
	proxies []netip.Prefix  // trusted proxies (see fromTrustedProxy)

	synonyms synonymCache
	reg      registryCache

	catMu  sync.Mutex
	cats   []hubread.Category
	catsAt time.Time

	// The fast path of cache hits (fastpath.go): the index of request to
	// cache key, and the registry it may be believed under (nil while the
	// last load failed).
	fast     fastIndex
	fastReg  atomic.Pointer[registry]
	fastHits prometheus.Counter
	// pageHeaders are the headers every page carries (the security
	// headers), put in its prepared forms.
	pageHeaders                http.Header
	formKey                    []byte
	feedbackLimit, statusLimit *addressLimiter
	// bodyLimits are the POST routes' body limits ("POST " and the route's
	// path), set by routes (see limitBody).
	bodyLimits map[string]bodyLimit
}

// New parses the templates and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.SitemapSize <= 0 || cfg.SitemapSize > sitemap.MaxURLs {
		cfg.SitemapSize = sitemap.MaxURLs
	}
	if cfg.CategoryRefresh <= 0 {
		cfg.CategoryRefresh = time.Minute
	}
	if cfg.TenantRefresh <= 0 {
		cfg.TenantRefresh = 30 * time.Second
	}
	if cfg.AccessLogSample <= 0 {
		cfg.AccessLogSample = 100
	}
	if cfg.Ops == nil {
		cfg.Ops = lifecycle.NewOps()
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("public URL %q: want http(s)://host[/prefix]", cfg.PublicURL)
		}
		cfg.PublicURL = strings.TrimSuffix(u.Scheme+"://"+strings.ToLower(u.Host)+u.EscapedPath(), "/")
	}
	s := &Server{cfg: cfg, pageHeaders: http.Header{}, formKey: cfg.FormKey}
	if len(s.formKey) == 0 {
		s.formKey = make([]byte, 32)
		rand.Read(s.formKey) // never fails (crypto/rand)
	}
	newLimiter := func(l Limit) *addressLimiter {
		return newAddressLimiter(s.formKey, l.Every, l.Burst, l.GlobalEvery, l.GlobalBurst)
	}
	s.feedbackLimit = newLimiter(cfg.FeedbackLimit.withDefaults(defaultFeedbackLimit))
	s.statusLimit = newLimiter(cfg.StatusLimit.withDefaults(defaultStatusLimit))
	var err error
	var monitoring string
	if cfg.MonitoringScript != "" {
		var ok bool
		if monitoring, ok = monitoringOrigin(cfg.MonitoringScript); !ok {
			return nil, fmt.Errorf("monitoring script %q: want an https:// address", cfg.MonitoringScript)
		}
	}
	s.csp = csp(monitoring)
	lifecycle.SecurityHeaders(s.pageHeaders, s.csp, referrerPolicy)
	if s.hosts, err = hostNames(cfg.PublicURL, cfg.Hosts); err != nil {
		return nil, err
	}
	for _, p := range cfg.TrustedProxies {
		if strings.TrimSpace(p) == "" || strings.Contains(p, ",") {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR prefix", p)
		}
	}
	if s.proxies, err = lifecycle.ParseTrustedProxies(strings.Join(cfg.TrustedProxies, ",")); err != nil {
		return nil, err
	}
	if s.assets, err = newAssets(); err != nil {
		return nil, err
	}
	var tfs fs.FS = templateFS()
	if cfg.Dev && cfg.TemplateDir != "" {
		tfs = os.DirFS(cfg.TemplateDir)
	}
	if s.renderer, err = render.New(render.Config{FS: tfs, Dev: cfg.Dev}); err != nil {
		return nil, err
	}
	siteNames := map[string]string{}
	for _, l := range i18n.Languages {
		siteNames[l] = cfg.Catalog.For(l).T("site.name")
	}
	if s.api, err = api.New(api.Config{Store: cfg.Store, Categories: s.categories, Links: apiLinks{s}, SiteNames: siteNames,
		Log: cfg.Log}); err != nil {
		return nil, err
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portalhub_gateway_http_requests_total",
		Help: "HTTP requests by route and status."}, []string{"route", "status"})
	s.fastHits = prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_http_fast_path_total",
		Help: "Requests answered from the page cache by the fast path, before routing (also counted in portalhub_gateway_http_requests_total)."})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portalhub_gateway_http_request_seconds",
		Help:    "Time to answer the requests that reach the router, by route: every request but the page cache's hits of the fast path (portalhub_gateway_http_fast_path_total), which are not timed.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route"})
	for _, c := range []prometheus.Collector{s.requests, s.fastHits, s.latency} {
		if err := cfg.Ops.Registry.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	if err := s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP serves the portal: a page cache hit by the fast path when it
// can (fastpath.go), else through the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// HSTS over HTTPS only (TLS, or a trusted proxy's X-Forwarded-Proto),
	// on every answer, the page cache's too.
	lifecycle.TransportSecurity(w.Header(), s.scheme(r) == "https")
	r, done := s.serveFast(w, r)
	if done {
		return
	}
	if s.lifecycleRoute(w, r) { // an old portal's host (lifecycle.go)
		return
	}
	if r = s.hostRoute(w, r); r != nil { // a tenant's own host (hostsite.go)
		s.engine.ServeHTTP(w, r)
	}
}

func (s *Server) routes() error {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = false
	// The portal builds its redirects itself, from cleaned paths (see
	// redirect.go): gin's would send //evil.example to another site.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	// gin believes X-Forwarded-For from anyone by default.
	if err := e.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return fmt.Errorf("trusted proxies: %w", err)
	}
	e.Use(s.recoverer, s.accessLog, s.securityHeaders, s.limitBody, s.refuseOtherSite)
	match := []string{http.MethodGet, http.MethodHead}

	// /healthz answers on the public port, whatever the Host: the reverse
	// proxy's health checks of its upstreams call it by the instance's
	// address, and it says only that the process is alive. /readyz (what
	// the gateway depends on, and the stream's position) and /metrics are
	// on the ops listener only (OpsHandler, GATEWAY_OPS_ADDR).
	e.Match(match, "/healthz", gin.WrapH(s.cfg.Ops.HealthzHandler()))

	site := e.Group("/", s.checkHost, s.lifecycle)
	get := func(path string, h gin.HandlerFunc) { site.Match(match, path, h) }
	// A POST route with its body limit (limitBody reads it by route).
	s.bodyLimits = map[string]bodyLimit{}
	post := func(path string, limit bodyLimit, h gin.HandlerFunc) {
		s.bodyLimits[http.MethodPost+" "+path] = limit
		site.POST(path, h)
	}
	s.api.Register(site)
	get("/static/:name", s.static)
	get("/favicon.ico", s.favicon)
	get("/files/:tenant/:content_id/:sha256", s.handle(s.file))
	get("/", s.negotiate)
	get("/opensearch.xml", s.handle(s.openSearch))
	get("/robots.txt", s.robots)
	get("/sitemap.xml", s.handle(s.sitemapIndex))
	get("/sitemap/:file", s.handle(s.sitemapFile))
	for _, f := range feedFormats {
		get("/:lang/"+f.file, s.handle(func(c *gin.Context) error { return s.provincialFeed(c, f) }))
	}
	get("/api/v1/search", s.searchAPI)
	get("/:lang/", s.handle(s.home))
	get("/:lang/search", s.handle(s.searchPage))
	get("/:lang/developers", s.handle(s.developers))
	get("/:lang/feeds", s.handle(s.feedList))
	get("/:lang/feedback", s.handle(s.feedbackForm))
	post("/:lang/feedback", s.questionBody, s.handle(s.feedbackSubmit))
	get("/:lang/feedback/status", s.handle(s.feedbackStatus))
	get("/:lang/feedback/status/file", s.handle(s.feedbackAnswerFile))
	post("/:lang/feedback/status/reply", s.formBody, s.handle(s.feedbackReply))
	get("/:lang/feedback/delete", s.handle(s.feedbackDeleteForm))
	post("/:lang/feedback/delete", s.formBody, s.handle(s.feedbackDeleteRequest))
	get("/:lang/feedback/delete/confirm", s.handle(s.feedbackDeleteConfirm))
	post("/:lang/feedback/delete/confirm", s.formBody, s.handle(s.feedbackDeleteConfirm))
	get("/:lang/subscribe", s.handle(s.subscribeForm))
	post("/:lang/subscribe", s.formBody, s.handle(s.subscribeSubmit))
	get("/:lang/subscribe/confirm", s.handle(s.subscriptionLink(linkConfirm)))
	post("/:lang/subscribe/confirm", s.formBody, s.handle(s.subscriptionLink(linkConfirm)))
	get("/:lang/subscribe/unsubscribe", s.handle(s.subscriptionLink(linkUnsubscribe)))
	post("/:lang/subscribe/unsubscribe", s.formBody, s.handle(s.subscriptionLink(linkUnsubscribe)))
	// The second segment is a category's slug (the provincial section) or a
	// tenant's id (its home): the two never meet (migration 00007).
	get("/:lang/:tenant/", s.handle(s.firstSegment))
	get("/:lang/accessibility", s.handle(s.statement("accessibility")))
	get("/:lang/privacy", s.handle(s.statement("privacy")))
	get("/:lang/privacy/record", s.handle(s.statement("record")))
	get("/:lang/portals/", s.handle(s.portals))
	get("/:lang/:tenant/:slug", s.handle(s.item))
	get("/:lang/:tenant/:slug/", s.handle(s.tenantSection))
	for _, f := range feedFormats {
		get("/:lang/:tenant/"+f.file, s.handle(func(c *gin.Context) error { return s.firstSegmentFeed(c, f) }))
		get("/:lang/:tenant/:slug/"+f.file, s.handle(func(c *gin.Context) error { return s.tenantSectionFeed(c, f) }))
	}
	e.NoRoute(s.checkHost, s.lifecycle, s.notFound)
	s.engine = e
	return nil
}

// negotiate sends / to the language the browser prefers.
func (s *Server) negotiate(c *gin.Context) {
	c.Header("Vary", "Accept-Language")
	c.Header("Cache-Control", "private, max-age=0")
	c.Redirect(http.StatusFound, "/"+i18n.Negotiate(c.GetHeader("Accept-Language"))+"/")
}

// OpsHandler serves the ops endpoints, for the ops listener
// (GATEWAY_OPS_ADDR), never the public port: /healthz, /readyz with
// ReadyDetail, and /metrics.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", s.cfg.Ops.HealthzHandler())
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.cfg.Ops.MetricsHandler())
	if s.cfg.Ops.Profiling {
		lifecycle.AddProfiling(mux)
	}
	return mux
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	failed := s.cfg.Ops.Ready(r.Context())
	body := map[string]any{"status": "ready"}
	if s.cfg.ReadyDetail != nil {
		for k, v := range s.cfg.ReadyDetail() {
			body[k] = v
		}
	}
	status := http.StatusOK
	if len(failed) > 0 {
		status = http.StatusServiceUnavailable
		body["status"], body["failed"] = "unavailable", failed
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(body)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// pageError is an error answered with a status and a localized page.
type pageError struct {
	status  int
	titleID string // catalogue id of the page title
	textID  string // catalogue id of the explanation
	reason  string // a public reason from the hub or the tenant, shown as is
	err     error
}

func (e *pageError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%d: %v", e.status, e.err)
	}
	return fmt.Sprintf("%d %s", e.status, e.titleID)
}

func (e *pageError) Unwrap() error { return e.err }

var errNotFound = &pageError{status: http.StatusNotFound, titleID: "error.notfound.title", textID: "error.notfound.text"}

// errBusy answers a page the database could not serve in time (a statement
// timeout, GATEWAY_STATEMENT_TIMEOUT, or the render's own deadline) or at
// all (unreachable, restarting): 503 with Retry-After, a passing state.
var errBusy = &pageError{status: http.StatusServiceUnavailable, titleID: "error.busy.title", textID: "error.busy.text"}

// retryAfter is the Retry-After of every 503 page, in seconds.
const retryAfter = "5"

// handle adapts a handler that returns an error: not-found errors become
// the localized 404 page, page errors their page, a database that timed
// out or cannot answer the 503 page (errBusy), anything else a 500 page
// (logged once, here, without details shown to the visitor).
func (s *Server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		for _, p := range c.Params {
			if !plausibleParam(p.Value) {
				s.errorPage(c, errNotFound)
				return
			}
		}
		// A read whose database session was lost runs again on a new
		// connection (retryLost), unless it wrote its answer already.
		err := retryLost(c.Request.Context(), s.cfg.ResetConnections, func() bool {
			return (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) && !c.Writer.Written()
		}, func() error { return h(c) })
		if err == nil {
			return
		}
		var pe *pageError
		switch {
		case errors.As(err, &pe):
		case errors.Is(err, hubread.ErrNotFound):
			pe = errNotFound
		case errors.Is(err, context.Canceled):
			c.Status(499)
			return
		case pgerr.Transient(err), errors.Is(err, context.DeadlineExceeded):
			s.cfg.Log.Warn().Err(err).Str("path", c.Request.URL.Path).Msg("database busy: 503")
			pe = errBusy
		default:
			s.cfg.Log.Error().Err(err).Str("path", c.Request.URL.Path).Msg("request failed")
			pe = &pageError{status: http.StatusInternalServerError, titleID: "error.internal.title", textID: "error.internal.text"}
		}
		s.errorPage(c, pe)
	}
}

// maxParamBytes bounds a path segment: tenant ids, content ids and slugs are
// far shorter (63, 100 and 200 ASCII characters).
const maxParamBytes = 256

// plausibleParam reports whether a path segment could name something in the
// store: short valid UTF-8 without control characters. Anything else (a NUL,
// broken UTF-8, which PostgreSQL refuses) cannot exist, so it is a 404
// without asking the store, never a 500.
func plausibleParam(v string) bool {
	if len(v) > maxParamBytes || !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// errorPage renders a status page in the language of the path, else the
// browser's.
func (s *Server) errorPage(c *gin.Context, pe *pageError) {
	if api.IsAPI(c.Request) {
		s.api.StatusProblem(c, pe.status) // a client of the API reads JSON
		return
	}
	lang := c.Param("lang")
	if !i18n.Supported(lang) {
		// Before routing (a request refused by a middleware), the path's
		// first segment.
		first, _, _ := strings.Cut(strings.TrimPrefix(c.Request.URL.Path, "/"), "/")
		lang = first
	}
	if !i18n.Supported(lang) {
		lang = i18n.Negotiate(c.GetHeader("Accept-Language"))
	}
	v := s.newBase(s.origin(c.Request), lang, nil, nil)
	v.Title = v.L.T(pe.titleID)
	v.NoIndex = true
	v.Canonical, v.Alternates = "", nil // a status page is no version of anything
	data := statusView{base: v, Text: v.L.T(pe.textID), Reason: pe.reason, Status: pe.status}
	b, err := s.renderer.Render("status", data)
	if err != nil {
		s.cfg.Log.Error().Err(err).Msg("render error page")
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("500 Internal Server Error\n"))
		return
	}
	c.Header("Cache-Control", "no-store")
	if pe.status == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	c.Data(pe.status, "text/html; charset=utf-8", b)
}

// origin is the scheme and host absolute links start with: the configured
// public URL, else the request's (see scheme; the host from Host, which
// checkHost has let through).
func (s *Server) origin(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	host := strings.ToLower(r.Host)
	if !validHost(host) {
		host = "localhost"
	}
	return s.scheme(r) + "://" + host
}

// validHost accepts a host name, IPv4 or bracketed IPv6 address, with an
// optional port.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':' || r == '[' || r == ']') {
			return false
		}
	}
	return true
}

// cacheKey is the page cache key of the request: its path, preceded by its
// origin when pages carry the request's origin (no public URL configured).
func (s *Server) cacheKey(c *gin.Context) string {
	if site, ok := siteOf(c.Request); ok {
		// A tenant's site: its pages' links differ from the provincial
		// host's same path (hostsite.go).
		return site.origin + c.Request.URL.Path
	}
	if s.ownSiteTenant(c.Request) != "" {
		// A tenant's host on a path hostRoute leaves alone (its
		// sitemaps): not the provincial host's answer at the same path.
		return s.ownOrigin(c.Request) + c.Request.URL.Path
	}
	if s.cfg.PublicURL != "" {
		return c.Request.URL.Path
	}
	return s.origin(c.Request) + c.Request.URL.Path
}

// cached answers the page for the request's cache key from the page cache,
// which renders it with render when it must (see pagecache.Cache.Fetch:
// one render per page at a time, the previous aggregate page served while
// its successor renders). render runs apart from the request: it must not
// touch the gin context, only what the handler took from it. The answer is
// sent by writePage: 304 when the request's If-None-Match names it, and
// no-store when others may not keep it (stale, older than the item's
// version floor, a redirect).
func (s *Server) cached(c *gin.Context, render func(ctx context.Context) (*pagecache.Render, error)) error {
	return s.cachedAs(c, s.cacheKey(c), render)
}

// cachedAs is cached with the cache key given: a page whose content
// depends on query parameters is keyed by them too (see section).
func (s *Server) cachedAs(c *gin.Context, key string, render func(ctx context.Context) (*pagecache.Render, error)) error {
	if wantsPrint(c.Request) {
		key, render = key+";print", forPrint(render)
	}
	render = s.prepared(s.withNotices(s.hostLinks(c.Request, render)))
	a, err := s.cfg.Cache.Fetch(c.Request.Context(), key, render)
	if err != nil {
		return err
	}
	c.Set("cache", string(a.Source))
	writePage(c, a)
	s.countView(c.Request, key, a.Page)
	s.learnFast(c.Request, c.FullPath(), key, a)
	return nil
}

// prepared makes render's page ready to send before it is stored: its
// gzip and brotli forms and every header of its answers, made once
// (pagecache.Page.Prepare), so that a hit builds nothing.
func (s *Server) prepared(render func(ctx context.Context) (*pagecache.Render, error)) func(ctx context.Context) (*pagecache.Render, error) {
	return func(ctx context.Context) (*pagecache.Render, error) {
		r, err := render(ctx)
		if err == nil && r != nil && r.Page != nil {
			r.Page.Prepare(s.pageHeaders, publicCacheControl)
		}
		return r, err
	}
}

// categories returns the hub's category code list, read from the store at
// most once per CategoryRefresh rather than on every render.
func (s *Server) categories(ctx context.Context) ([]hubread.Category, error) {
	s.catMu.Lock()
	cats, at := s.cats, s.catsAt
	s.catMu.Unlock()
	if cats != nil && time.Since(at) < s.cfg.CategoryRefresh {
		return cats, nil
	}
	cats, err := s.cfg.Store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	s.catMu.Lock()
	s.cats, s.catsAt = cats, time.Now()
	s.catMu.Unlock()
	return cats, nil
}

var hcmc = mustLocation("Asia/Ho_Chi_Minh")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in: cannot happen
	}
	return loc
}
