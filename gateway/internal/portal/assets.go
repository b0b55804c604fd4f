package portal

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static/*
var staticFiles embed.FS

func templateFS() fs.FS {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err) // fixed at build time
	}
	return sub
}

// assets serves the static files under names that carry a hash of their
// content ("site.3f2a9c1b.css"), so they can be cached for a year.
type assets struct {
	byHashed map[string]asset
	hashed   map[string]string // plain name -> hashed name
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

func newAssets() (*assets, error) {
	a := &assets{byHashed: map[string]asset{}, hashed: map[string]string{}}
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(staticFiles, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		a.hashed[e.Name()] = name
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = assetTypes[ext] // the system's MIME table may lack them
		}
		a.byHashed[name] = asset{body: b, contentType: ct, etag: pagecache.ETag(b)}
	}
	return a, nil
}

var assetTypes = map[string]string{".css": "text/css; charset=utf-8", ".ico": "image/vnd.microsoft.icon",
	".svg": "image/svg+xml", ".js": "text/javascript; charset=utf-8"}

// URL is the path of a static file by its plain name.
func (a *assets) URL(name string) string { return "/static/" + a.hashed[name] }

func (s *Server) static(c *gin.Context) {
	a, ok := s.assets.byHashed[c.Param("name")]
	if !ok {
		s.handle(func(*gin.Context) error { return errNotFound })(c)
		return
	}
	// The name holds the content's hash: the bytes behind it never change.
	serveAsset(c, a, "public, max-age=31536000, immutable")
}

// favicon answers /favicon.ico, which browsers and crawlers ask for
// whatever the page links: the icon itself (before, a redirect to a 404),
// the same bytes as the hashed asset the pages link. Its URL has no hash,
// so caches keep it a day and then revalidate (ETag, 304).
func (s *Server) favicon(c *gin.Context) {
	serveAsset(c, s.assets.byHashed[strings.TrimPrefix(s.assets.URL("favicon.ico"), "/static/")], "public, max-age=86400")
}

func serveAsset(c *gin.Context, a asset, cacheControl string) {
	c.Header("Cache-Control", cacheControl)
	c.Header("ETag", a.etag)
	if pagecache.NotModified(c.Request, a.etag) {
		notModified(c)
		return
	}
	c.Data(http.StatusOK, a.contentType, a.body)
}
