// Package api serves the portal's open JSON API under /api/v1: tenants,
// items (of every kind, with their typed details), and the legal
// documents, public services and datasets among them. Answers carry a
// strong ETag (304 on If-None-Match), may be read from any origin (CORS,
// without credentials), page with hubread's keyset cursors, and answer bad
// parameters with 400 and an RFC 9457 problem document naming them. Every
// answer is described by the OpenAPI 3.1 document at /api/v1/openapi.json
// (openapi/*.json, one file per resource, embedded), which the tests
// validate each answer against.
//
// To add a resource: a file with its handlers and a register function,
// listed in resources (below), and a file openapi/<resource>.json with its
// paths and schemas (merged into the document by Document).
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// Prefix is where the API is served.
const Prefix = "/api/v1"

// Links makes the absolute URLs of the portal's pages and files that
// answers carry, as seen from the request (a tenant's pages are on its own
// host when it has one).
type Links interface {
	// Page is the canonical URL of a tenant's page in lang: rest is "" for
	// its home, or an item's slug.
	Page(r *http.Request, lang, tenant, rest string) string
	// File is the URL of an item's attachment.
	File(r *http.Request, tenant, contentID, sha string) string
	// Origin is the scheme and host of the request's site.
	Origin(r *http.Request) string
}

// Config wires a Server.
type Config struct {
	Store *hubread.Store
	// Categories returns the hub's category code list (the portal keeps it
	// in memory).
	Categories func(context.Context) ([]hubread.Category, error)
	Links      Links
	// SiteNames is the portal's name per language: the catalog's title, and
	// its publisher when the hub registers no province tenant.
	SiteNames map[string]string
	Log       zerolog.Logger
}

// Server answers the API's requests.
type Server struct {
	cfg     Config
	openapi []byte   // the OpenAPI document, assembled once
	names   []string // the resources the index lists
}

// resource is a part of the API: its name in the index (and its path
// under Prefix), and what registers its handlers.
type resource struct {
	name     string
	register func(s *Server, r gin.IRoutes)
}

// resources are the API's parts; the index lists those with a name.
var resources = []resource{
	{"", registerIndex},
	{"tenants", registerTenants},
	{"items", registerItems},
	{"legal-documents", registerLegalDocuments},
	{"public-services", registerPublicServices},
	{"datasets", registerDatasets},
	{"catalog", registerCatalog},
}

// New assembles the OpenAPI document and returns the server.
func New(cfg Config) (*Server, error) {
	doc, err := Document()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, openapi: doc}
	for _, res := range resources {
		if res.name != "" {
			s.names = append(s.names, res.name)
		}
	}
	return s, nil
}

// Register installs the API's routes on r, which serves Prefix: GET and
// HEAD for each resource, and OPTIONS (CORS preflight) for all.
func (s *Server) Register(r gin.IRouter) {
	g := r.Group(Prefix, cors)
	g.OPTIONS("/*path", preflight)
	g.Match([]string{http.MethodGet, http.MethodHead}, "/openapi.json", s.document)
	for _, res := range resources {
		res.register(s, g)
	}
}

// get adapts a handler that answers a value (written as JSON) or an error
// (a problem document) to a route for GET and HEAD.
func (s *Server) get(r gin.IRoutes, path string, h func(c *gin.Context) (any, error)) {
	s.getAs(r, path, "application/json", h)
}

// getAs is get for answers of another JSON media type.
func (s *Server) getAs(r gin.IRoutes, path, contentType string, h func(c *gin.Context) (any, error)) {
	r.Match([]string{http.MethodGet, http.MethodHead}, path, func(c *gin.Context) {
		v, err := h(c)
		if err == nil {
			var b []byte
			if b, err = encode(v); err == nil {
				respond(c, contentType, b)
				return
			}
		}
		s.writeProblem(c, problemOf(err))
	})
}

// IsAPI reports whether a request is for the API: its errors are problem
// documents (see StatusProblem), not the portal's pages.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, Prefix+"/") }

// StatusProblem answers a request for the API that the portal refuses
// before any handler of the API runs (no such path: 404; a host it does not
// serve: 421) with a problem document of that status.
func (s *Server) StatusProblem(c *gin.Context, status int) {
	cors(c)
	p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	if status == http.StatusNotFound {
		p = problemOf(errNotFound)
	}
	s.writeProblem(c, p)
}

// encode writes v as JSON, HTML left as it is (bodies are HTML; the answer
// is application/json with nosniff, never read as a page).
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode answer: %w", err)
	}
	return b.Bytes(), nil
}

// cacheControl lets any cache keep an answer and revalidate it (a 304
// while its ETag holds), as the portal's pages.
const cacheControl = "public, max-age=0, must-revalidate"

// respond sends body with a strong ETag, answering 304 when the request's
// If-None-Match names it.
func respond(c *gin.Context, contentType string, body []byte) {
	etag := pagecache.ETag(body)
	h := c.Writer.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	if pagecache.NotModified(c.Request, etag) {
		c.Status(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	c.Writer.WriteHeaderNow()
	_, _ = c.Writer.Write(body)
}

// document serves the OpenAPI document.
func (s *Server) document(c *gin.Context) { respond(c, "application/json", s.openapi) }

// cors lets pages of any origin read the API, without credentials: no
// cookie or authorization is ever looked at, so there is nothing a
// credentialed request could reach that an anonymous one cannot.
func cors(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag, Link")
	c.Next()
}

// preflight answers a CORS preflight: GET and HEAD, with the headers a
// client sends to revalidate or to choose a format.
func preflight(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Accept, Accept-Language, If-None-Match, If-Modified-Since")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Cache-Control", "public, max-age=86400")
	c.Status(http.StatusNoContent)
	c.Writer.WriteHeaderNow()
}

// errNotFound is a resource that does not exist (or is not public).
var errNotFound = errors.New("not found")
