package portal

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/lifecycle"
)

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// fileCacheControl lets browsers and shared caches keep an attachment for
// five minutes. Its bytes never change (the URL holds their hash), but
// whether it may be served does: when the hub takes the item down or the
// tenant withdraws the file, caches must stop serving it within minutes,
// not a year. After that they revalidate with the ETag (a 304 when still
// served).
const fileCacheControl = "public, max-age=300"

// file serves an attachment: only when a visible item of that tenant lists
// it, with the stored media type, ETag "sha256", Range support, a short
// max-age (fileCacheControl) and a Content-Disposition carrying the
// original (Vietnamese) file name.
func (s *Server) file(c *gin.Context) error {
	tenant, contentID, sha := c.Param("tenant"), c.Param("content_id"), c.Param("sha256")
	if !sha256Hex.MatchString(sha) {
		return errNotFound
	}
	ctx := c.Request.Context()
	it, err := s.cfg.Store.ItemByID(ctx, tenant, contentID)
	if err != nil {
		return err
	}
	if !it.Visible() {
		return errNotFound
	}
	filename := ""
	listed := false
	for _, a := range it.Doc.GetAttachments() {
		if a.GetSha256() == sha {
			listed, filename = true, a.GetFilename()
			break
		}
	}
	if !listed {
		return errNotFound
	}
	blob, err := s.cfg.Store.Blob(ctx, sha)
	if err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", blob.MediaType)
	h.Set("ETag", `"`+sha+`"`)
	h.Set("Cache-Control", fileCacheControl)
	h.Set("Content-Disposition", contentDisposition(filename))
	// A file of 32 MiB takes longer than the server's write timeout on a
	// slow link: give this answer the time its size needs.
	lifecycle.AllowTransfer(c.Writer, int64(len(blob.Data)))
	http.ServeContent(c.Writer, c.Request, "", blob.CreatedAt, bytes.NewReader(blob.Data))
	return nil
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
