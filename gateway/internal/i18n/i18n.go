// Package i18n holds the gateway's message catalogues (Vietnamese, English,
// Russian, embedded as TOML) and localizes user-visible strings with the CLDR
// plural rules of each language: Vietnamese has one form, English two and
// Russian four (one, few, many, other). It also negotiates a language from
// an Accept-Language header.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

//go:embed catalog/*.toml
var catalogFS embed.FS

// Languages are the portal's languages, the default (Vietnamese) first.
var Languages = []string{"vi", "en", "ru"}

// Default is the language used when nothing else matches, and the language
// content falls back to.
const Default = "vi"

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Catalog is the loaded message catalogues.
type Catalog struct {
	localizers map[string]*Localizer
	ids        map[string][]string // message ids by language
}

// Load parses the embedded catalogues.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(catalogFS, "catalog/*.toml")
	if err != nil {
		return nil, err
	}
	c := &Catalog{localizers: map[string]*Localizer{}, ids: map[string][]string{}}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(catalogFS, f)
		if err != nil {
			return nil, fmt.Errorf("load catalogue %s: %w", path.Base(f), err)
		}
		for _, m := range mf.Messages {
			c.ids[mf.Tag.String()] = append(c.ids[mf.Tag.String()], m.ID)
		}
	}
	for _, l := range Languages {
		c.localizers[l] = &Localizer{l: goi18n.NewLocalizer(b, l, Default)}
	}
	return c, nil
}

// MessageIDs returns the ids of the messages of one language's catalogue.
func (c *Catalog) MessageIDs(lang string) []string {
	return c.ids[lang]
}

// For returns the localizer of lang, or of the default language.
func (c *Catalog) For(lang string) *Localizer {
	if l, ok := c.localizers[lang]; ok {
		return l
	}
	return c.localizers[Default]
}

// Localizer localizes messages into one language.
type Localizer struct {
	l *goi18n.Localizer
}

// T returns message id, filled with the key/value pairs kv ("Name", "x").
// A missing message shows as its id in brackets, so it is seen and fixed.
func (l *Localizer) T(id string, kv ...any) string {
	return l.localize(id, nil, kv)
}

// N returns the plural form of message id for count; the template sees
// {{.Count}} and the pairs in kv.
func (l *Localizer) N(id string, count int, kv ...any) string {
	return l.localize(id, count, kv)
}

func (l *Localizer) localize(id string, count any, kv []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	if count != nil {
		data["Count"] = count
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && s == "" {
		return "[" + id + "]"
	}
	return s
}

var matcher = language.NewMatcher([]language.Tag{language.Vietnamese, language.English, language.Russian})

// Negotiate picks the portal language that best matches an Accept-Language
// header; Vietnamese when nothing matches.
func Negotiate(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Languages[idx]
}
