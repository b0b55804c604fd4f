package backoffice

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed i18n/*.json
var catalogueFS embed.FS

// Languages of the back office, the default (Vietnamese) first.
var Languages = []string{"vi", "en"}

const defaultLang = "vi"

// catalogues maps language -> message id -> text. A message with plural
// forms has the ids "<id>.one" and "<id>.other" (Vietnamese has one form,
// "other").
type catalogues map[string]map[string]string

func loadCatalogues() (catalogues, error) {
	c := catalogues{}
	for _, lang := range Languages {
		b, err := catalogueFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", lang, err)
		}
		c[lang] = m
	}
	return c, nil
}

// Localizer renders the messages of one language.
type Localizer struct {
	Lang string
	msgs map[string]string
	def  map[string]string
}

func (c catalogues) For(lang string) *Localizer {
	if _, ok := c[lang]; !ok {
		lang = defaultLang
	}
	return &Localizer{Lang: lang, msgs: c[lang], def: c[defaultLang]}
}

// T returns the message id, formatted with args (fmt verbs). A missing
// message falls back to Vietnamese, then to the id itself, so a gap is
// visible rather than blank.
func (l *Localizer) T(id string, args ...any) string {
	s, ok := l.msgs[id]
	if !ok {
		if s, ok = l.def[id]; !ok {
			return id
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N returns the plural form of id for n, formatted with n and args.
func (l *Localizer) N(id string, n int, args ...any) string {
	form := "other"
	if n == 1 && l.Lang == "en" {
		form = "one"
	}
	key := id + "." + form
	if _, ok := l.msgs[key]; !ok {
		key = id + ".other"
	}
	return l.T(key, append([]any{n}, args...)...)
}

// Has reports whether the catalogue holds id.
func (l *Localizer) Has(id string) bool { _, ok := l.msgs[id]; return ok }

// Time formats t in Asia/Ho_Chi_Minh, the way editors read dates.
func (l *Localizer) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Lang == "en" {
		return t.In(vnZone).Format("2 Jan 2006 15:04")
	}
	return t.In(vnZone).Format("15:04 02/01/2006")
}

// Date formats the day of t in Asia/Ho_Chi_Minh.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Lang == "en" {
		return t.In(vnZone).Format("2 Jan 2006")
	}
	return t.In(vnZone).Format("02/01/2006")
}

// Day formats a "YYYY-MM-DD" date as editors read it; anything else as
// typed.
func (l *Localizer) Day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if l.Lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.Format("02/01/2006")
}

// Weekday formats a "YYYY-MM-DD" date with its day of the week ("Thứ Hai,
// 30/11/2026"); anything else as typed.
func (l *Localizer) Weekday(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.T("weekday."+strconv.Itoa(int(d.Weekday()))) + ", " + l.Day(s)
}

// Money formats an amount of đồng with dots between thousands.
func (l *Localizer) Money(v int64) string {
	s := fmt.Sprint(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if l.Lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String() + " ₫"
	}
	return b.String() + " ₫"
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

var vnZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Vietnam has kept UTC+7 without daylight saving since 1975.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()
