package portal

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/lifecycle"
)

// fileCacheControl lets browsers and shared caches keep an attachment for
// five minutes. Its bytes never change (the URL holds their hash), but
// whether it may be served does: when the hub takes the item down or the
// tenant withdraws the file, caches must stop serving it within minutes,
// not a year. After that they revalidate with the ETag (a 304 when still
// served).
const fileCacheControl = "public, max-age=300"

// fileChunk is how much of a file one query reads from the store: a file is
// sent in pieces, never held whole in memory, and a Range reads only its
// own bytes.
const fileChunk = 256 << 10

// file serves an attachment: only when a visible item of that tenant lists
// it, with the stored media type, ETag "sha256", a short max-age
// (fileCacheControl), a Content-Disposition carrying the original
// (Vietnamese) file name, one Range, and 304 for If-None-Match or
// If-Modified-Since.
//
// Whether the file may be served, and its headers, are kept in the page
// cache like a page (tagged with its item and tenant, so an event for the
// item, such as a takedown, drops them): the store is asked once per cache
// miss, and a 304 or a HEAD reads nothing of the file. A file of at most
// fileChunk is kept there with them (its bytes never change: the URL holds
// their hash), so it is served from memory; a larger one is read from the
// store in chunks of fileChunk, only those the answer sends. Under
// publishing, reading every file from the database (busy with the renders'
// queries) made files the slowest pages of the load part's mix.
func (s *Server) file(c *gin.Context) error {
	tenant, contentID, sha := c.Param("tenant"), c.Param("content_id"), c.Param("sha256")
	if !contentrules.ValidSHA256(sha) {
		return errNotFound
	}
	a, err := s.cfg.Cache.Fetch(c.Request.Context(), s.cacheKey(c), func(ctx context.Context) (*pagecache.Render, error) {
		return s.fileHeaders(ctx, tenant, contentID, sha)
	})
	if err != nil {
		return err
	}
	c.Set("cache", string(a.Source))
	setHeaders(c, a, fileCacheControl)
	if pagecache.NotModified(c.Request, a.Page.ETag) || notModifiedSince(c.Request, a.Page.Header.Get("Last-Modified")) {
		notModified(c)
		return nil
	}
	size, err := strconv.ParseInt(a.Page.Header.Get("Content-Length"), 10, 64)
	if err != nil {
		return fmt.Errorf("file %s: stored length: %w", sha, err)
	}
	rng, answer := byteRange{0, size}, wholeFile
	if c.GetHeader("Range") != "" && ifRange(c.Request, a.Page) {
		rng, answer = parseRange(c.GetHeader("Range"), size)
	}
	h := c.Writer.Header()
	switch answer {
	case unsatisfiable:
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		h.Del("Content-Length")
		c.Status(http.StatusRequestedRangeNotSatisfiable)
		c.Writer.WriteHeaderNow()
		return nil
	case partOfFile:
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", rng.start, rng.start+rng.length-1, size))
		h.Set("Content-Length", strconv.FormatInt(rng.length, 10))
		c.Status(http.StatusPartialContent)
	default:
		c.Status(http.StatusOK)
	}
	// A file of 32 MiB takes longer than the server's write timeout on a
	// slow link: give this answer the time its size needs.
	lifecycle.AllowTransfer(c.Writer, rng.length)
	c.Writer.WriteHeaderNow()
	if c.Request.Method == http.MethodHead {
		return nil
	}
	if int64(len(a.Page.Body)) == size { // kept in memory (fileHeaders)
		_, _ = c.Writer.Write(a.Page.Body[rng.start : rng.start+rng.length])
		return nil
	}
	s.sendFile(c, sha, rng)
	return nil
}

// fileHeaders decides whether an item may serve a file (it is visible and
// lists the file) and, when it may, makes the headers of its answers.
func (s *Server) fileHeaders(ctx context.Context, tenant, contentID, sha string) (*pagecache.Render, error) {
	it, blob, err := s.cfg.Store.Attachment(ctx, tenant, contentID, sha)
	if err != nil {
		return nil, err
	}
	if !it.Visible() {
		return nil, errNotFound
	}
	var listed *pb.Attachment
	for _, a := range it.Doc.GetAttachments() {
		if a.GetSha256() == sha {
			listed = a
			break
		}
	}
	if listed == nil {
		return nil, errNotFound
	}
	var body []byte
	if blob.Size <= fileChunk {
		if body, err = s.cfg.Store.ReadBlob(ctx, sha, 0, blob.Size); err != nil {
			return nil, err
		}
		if int64(len(body)) != blob.Size {
			return nil, fmt.Errorf("file %s: read %d bytes of %d", sha, len(body), blob.Size)
		}
	}
	etag := `"` + sha + `"`
	page := &pagecache.Page{Status: http.StatusOK, ETag: etag, Body: body, Header: http.Header{
		"Content-Type":        {blob.MediaType},
		"Etag":                {etag},
		"Content-Length":      {strconv.FormatInt(blob.Size, 10)},
		"Content-Disposition": {contentDisposition(listed.GetFilename())},
		"Last-Modified":       {blob.CreatedAt.UTC().Format(http.TimeFormat)},
		"Accept-Ranges":       {"bytes"},
	}}
	return &pagecache.Render{Page: page, Tags: []pagecache.Tag{pagecache.ItemTag(tenant, contentID), pagecache.TenantTag(tenant)},
		Item: &pagecache.ItemVersion{Tenant: tenant, ContentID: contentID, Version: it.Version}}, nil
}

// sendFile writes rng of the file, read from the store a chunk at a time.
// The headers are sent: a failure now can only cut the answer short (the
// client sees fewer bytes than Content-Length says, and the connection is
// closed).
func (s *Server) sendFile(c *gin.Context, sha string, rng byteRange) {
	ctx := c.Request.Context()
	for off, end := rng.start, rng.start+rng.length; off < end; {
		n := min(fileChunk, end-off)
		b, err := s.cfg.Store.ReadBlob(ctx, sha, off, n)
		if err == nil && int64(len(b)) != n {
			err = fmt.Errorf("read %d bytes at %d, got %d", n, off, len(b))
		}
		if err != nil {
			if ctx.Err() == nil {
				s.cfg.Log.Error().Err(err).Str("sha256", sha).Msg("file cut short")
			}
			return
		}
		if _, err := c.Writer.Write(b); err != nil {
			return // the client left
		}
		off += n
	}
}

// notModifiedSince reports whether a request without If-None-Match asks
// If-Modified-Since a time not before lastModified (RFC 9110 13.1.3).
func notModifiedSince(r *http.Request, lastModified string) bool {
	if r.Header.Get("If-None-Match") != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil {
		return false
	}
	modified, err := http.ParseTime(lastModified)
	return err == nil && !modified.After(since)
}

// ifRange reports whether a Range may be served: there is no If-Range, or
// it names the page's entity tag (strongly) or its exact Last-Modified date.
func ifRange(r *http.Request, p *pagecache.Page) bool {
	v := r.Header.Get("If-Range")
	switch {
	case v == "":
		return true
	case strings.HasPrefix(v, `"`) || strings.HasPrefix(v, "W/"):
		return pagecache.StrongMatch(v, p.ETag)
	}
	return v == p.Header.Get("Last-Modified")
}

// contentDisposition offers a download under its original name: an ASCII
// fallback in filename= (diacritics removed, đ as d) and the exact UTF-8
// name in filename*= (RFC 6266, RFC 5987).
func contentDisposition(name string) string {
	if name == "" {
		name = "download"
	}
	return `attachment; filename="` + asciiFallback(name) + `"; filename*=UTF-8''` + rfc5987(name)
}

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

func asciiFallback(name string) string {
	s, _, err := transform.String(stripMarks, name)
	if err != nil {
		s = name
	}
	s = strings.NewReplacer("đ", "d", "Đ", "D").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%' && r != ';':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// rfc5987 percent-encodes everything but attr-char (RFC 5987, section 3.2.1).
func rfc5987(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		}
	}
	return b.String()
}
