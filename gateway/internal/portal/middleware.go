package portal

import (
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"

	"github.com/portalhub/portalhub/services/lifecycle"
)

// contentSecurityPolicy allows only the portal's own scripts and styles (it
// has no inline script), images from anywhere on https (tenant bodies embed
// them), and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries (the portal's
// Referrer-Policy lets other sites see where a visitor came from, not the
// path).
func (s *Server) securityHeaders(c *gin.Context) {
	lifecycle.SecurityHeaders(c.Writer.Header(), s.csp, referrerPolicy)
	c.Next()
}

const referrerPolicy = "strict-origin-when-cross-origin"

// maxURLBytes bounds the request target; public URLs are far shorter.
const maxURLBytes = 4096

// A request body is bounded by its route: a POST route names its limit
// where it is registered (routes, post), every other request (GET, HEAD,
// an unknown path) is held to MaxBodyBytes; the portal reads no body but
// its forms'.

// bodyLimit is a route's bound on its request body, in bytes.
type bodyLimit func(r *http.Request) int64

// formBody is a public form's limit: MaxBodyBytes.
func (s *Server) formBody(*http.Request) int64 { return s.cfg.MaxBodyBytes }

// questionBody is the question form's limit: its text and its files
// (feedbackBodyLimit) when it is sent as multipart, as a plain form the
// general one.
func (s *Server) questionBody(r *http.Request) int64 {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return max(s.cfg.MaxBodyBytes, feedbackBodyLimit)
	}
	return s.cfg.MaxBodyBytes
}

// limitBody refuses a request target past maxURLBytes, and a body past its
// route's limit (413 at once when Content-Length says so, else when the
// handler reads past it).
func (s *Server) limitBody(c *gin.Context) {
	if len(c.Request.RequestURI) > maxURLBytes {
		// Mostly a search pasted whole: say so in the visitor's language.
		s.uriTooLong(c)
		c.Abort()
		return
	}
	limit := s.cfg.MaxBodyBytes
	if route, ok := s.bodyLimits[c.Request.Method+" "+c.FullPath()]; ok {
		limit = route(c.Request)
	}
	if c.Request.ContentLength > limit {
		c.AbortWithStatus(http.StatusRequestEntityTooLarge)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// accessLog logs each request without personal data: no client address,
// no query string, no headers. Answers from the page cache are logged one
// in AccessLogSample, as on the fast path (logHit); every request is
// counted, and timed (portalhub_gateway_http_request_seconds; the fast
// path's hits, which never get here, are counted only: timing them would
// cost the hit path two clock reads and a histogram's atomics).
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	s.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	cache, _ := c.Get("cache")
	if src, ok := cache.(string); ok && (src == string(pagecache.Hit) || src == string(pagecache.Stale)) && status < 400 {
		// An answer the cache made without a render (under a stream of
		// events the homes are served stale): sampled, as the fast path's.
		if s.sampled() {
			s.logHit(c.Request, pagecache.Source(src), route, status, max(c.Writer.Size(), 0), start)
		}
		return
	}
	ev := s.cfg.Log.Info()
	if cache != nil {
		ev = ev.Interface("cache", cache)
	}
	ev.Str("method", c.Request.Method).Str("path", c.Request.URL.Path).Str("route", route).
		Int("status", status).Int("bytes", c.Writer.Size()).Dur("duration", time.Since(start)).Msg("request")
}

// recoverer turns a panic into a 500 and a log line.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Log.Error().Interface("panic", v).Str("path", c.Request.URL.Path).Msg("handler panicked")
			c.AbortWithStatus(http.StatusInternalServerError)
		}
	}()
	c.Next()
}
