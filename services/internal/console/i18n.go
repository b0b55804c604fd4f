package console

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/internal/compliance"
)

//go:embed i18n/*.json
var catalogueFS embed.FS

// Languages of the console, Vietnamese first (the default).
var Languages = []string{"vi", "en"}

const defaultLang = "vi"

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
			return nil, fmt.Errorf("console catalogue %s: %w", lang, err)
		}
		c[lang] = m
	}
	return c, nil
}

// Localizer renders the console's messages in one language.
type Localizer struct {
	Lang      string
	msgs, def map[string]string
}

func (c catalogues) For(lang string) *Localizer {
	if _, ok := c[lang]; !ok {
		lang = defaultLang
	}
	return &Localizer{Lang: lang, msgs: c[lang], def: c[defaultLang]}
}

// T returns message id formatted with args; a missing message falls back
// to Vietnamese, then to the id, so a gap shows rather than a blank.
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

// Time formats t in GMT+7, the hub's time for people.
func (l *Localizer) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Lang == "en" {
		return t.In(compliance.Zone).Format("2 Jan 2006 15:04")
	}
	return t.In(compliance.Zone).Format("15:04 02/01/2006")
}

// Date formats the day of t in GMT+7.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Lang == "en" {
		return t.In(compliance.Zone).Format("2 Jan 2006")
	}
	return t.In(compliance.Zone).Format("02/01/2006")
}

// Num writes n with thousands separators ("3.400" in Vietnamese, "3,400"
// in English).
func (l *Localizer) Num(n int) string { return l.Num64(int64(n)) }

// Num64 is Num of an int64.
func (l *Localizer) Num64(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if l.Lang == "en" {
		sep = ","
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Status names a compliance status.
func (l *Localizer) Status(s compliance.Status) string { return l.T("compliance.status." + string(s)) }
