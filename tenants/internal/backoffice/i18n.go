package backoffice

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/portalhub/portalhub/services/stafftext"
)

//go:embed i18n/*.json
var catalogueFS embed.FS

// Languages of the back office, the default (Vietnamese) first.
var Languages = []string{"vi", "en"}

const defaultLang = stafftext.Default

// catalogues are the back office's messages; stafftext holds how they are
// used (fallback to Vietnamese, plural forms, dates and numbers).
type catalogues = stafftext.Catalogues

// Localizer renders the back office's messages, dates and numbers in one
// language.
type Localizer = stafftext.Localizer

func loadCatalogues() (catalogues, error) {
	sub, err := fs.Sub(catalogueFS, "i18n")
	if err != nil {
		return nil, err
	}
	return stafftext.Load(sub, Languages)
}

// langCookie is named per sub-portal, like the session cookie, because
// cookies ignore ports.
func (s *Server) langCookie() string { return s.cfg.CookiePrefix + "_lang" }

// language picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then Vietnamese.
func (s *Server) language(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" {
		if _, ok := s.cat[q]; ok {
			http.SetCookie(w, &http.Cookie{Name: s.langCookie(), Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
			return q
		}
	}
	if c, err := r.Cookie(s.langCookie()); err == nil {
		if _, ok := s.cat[c.Value]; ok {
			return c.Value
		}
	}
	return defaultLang
}

// vnZone is the time in which editors read and type dates.
var vnZone = stafftext.Zone
