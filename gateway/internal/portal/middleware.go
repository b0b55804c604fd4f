package portal

import (
	"net/http"
	"strconv"
	"strings"
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

// limitBody refuses large requests: the public portal takes no uploads.
func (s *Server) limitBody(c *gin.Context) {
	if len(c.Request.RequestURI) > maxURLBytes {
		// Mostly a search pasted whole: say so in the visitor's language.
		s.uriTooLong(c)
		c.Abort()
		return
	}
	limit := s.cfg.MaxBodyBytes
	if c.Request.Method == http.MethodPost && strings.HasSuffix(c.Request.URL.Path, "/feedback") &&
		strings.HasPrefix(c.Request.Header.Get("Content-Type"), "multipart/form-data") {
		// The question form with its attachments; as a plain form post it
		// stays under the general limit.
		limit = max(limit, feedbackBodyLimit)
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
// counted.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	cache, _ := c.Get("cache")
	if cache == string(pagecache.Hit) && status < 400 {
		if s.sampled() {
			s.logHit(c.Request, route, status, max(c.Writer.Size(), 0), start)
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
