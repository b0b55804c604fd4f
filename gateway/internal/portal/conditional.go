package portal

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// publicCacheControl is what public pages carry: any cache may keep them,
// but must ask the gateway before each use (a cheap 304 while the page's
// ETag is unchanged). The gateway drops its own pages exactly when the hub
// announces a change (see pagecache), so a proxy or CDN in front that
// revalidates is never staler than the gateway; one that kept pages for a
// max-age would be, for that long, also after a takedown.
const publicCacheControl = "public, max-age=0, must-revalidate"

// writePage sends a page of the cache: its stored headers, Cache-Control
// (publicCacheControl, or no-store when others may not keep it), and either
// 304 Not Modified when the request's If-None-Match names its ETag, or its
// status and body. A prepared page (pagecache.Page.Prepare: every 200 page)
// is sent in the form the request's Accept-Encoding asks for (sendForm).
func writePage(c *gin.Context, a pagecache.Answer) {
	if a.Page.Forms[pagecache.Identity] != nil { // prepared: every header is made
		sendForm(c.Writer, c.Request, a.Page, a.Keep)
		return
	}
	setHeaders(c, a, publicCacheControl)
	if a.Page.Status == http.StatusOK && pagecache.NotModified(c.Request, a.Page.ETag) {
		notModified(c)
		return
	}
	c.Status(a.Page.Status)
	c.Writer.WriteHeaderNow()
	// net/http sends no body to HEAD, but counts it for Content-Length.
	_, _ = c.Writer.Write(a.Page.Body)
}

// notModified answers 304 with the headers already set but those that
// describe a body (RFC 9110 15.4.5: ETag, Cache-Control, Vary stay).
func notModified(c *gin.Context) {
	h := c.Writer.Header()
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Disposition"} {
		delete(h, k)
	}
	c.Status(http.StatusNotModified)
	c.Writer.WriteHeaderNow()
}

// setHeaders sets a page's stored headers on the response, and
// Cache-Control: cacheControl, or no-store when others may not keep it.
func setHeaders(c *gin.Context, a pagecache.Answer, cacheControl string) {
	h := c.Writer.Header()
	for k, vs := range a.Page.Header {
		// Capped, so that a later Add to the response cannot write into
		// the stored page's slice.
		h[k] = vs[:len(vs):len(vs)]
	}
	if !a.Keep {
		cacheControl = "no-store"
	}
	h.Set("Cache-Control", cacheControl)
}
