// Package stafftext holds what the staff interfaces (a sub-portal's back
// office and the hub's ops console) share about their texts: catalogues of
// messages by language, Vietnamese first and the fallback of every gap, and
// the formats of dates, times and numbers their readers expect. Each
// interface embeds its own catalogues; the rules of using them live here.
// Zone is also the time hubctl reads and prints.
package stafftext

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Default is the language of a page that asks for none, and the one a
// message missing from another language falls back to.
const Default = "vi"

// Catalogues maps language -> message id -> text. A message with plural
// forms has the ids "<id>.one" and "<id>.other" (Vietnamese has one form,
// "other").
type Catalogues map[string]map[string]string

// Load reads the catalogue "<lang>.json" of each of langs from fsys.
func Load(fsys fs.FS, langs []string) (Catalogues, error) {
	c := Catalogues{}
	for _, lang := range langs {
		b, err := fs.ReadFile(fsys, lang+".json")
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", lang, err)
		}
		c[lang] = m
	}
	if _, ok := c[Default]; !ok {
		return nil, fmt.Errorf("catalogues: no %s catalogue, the fallback of every other", Default)
	}
	return c, nil
}

// For returns the localizer of lang, or of Default when there is no
// catalogue of lang.
func (c Catalogues) For(lang string) *Localizer {
	if _, ok := c[lang]; !ok {
		lang = Default
	}
	return &Localizer{Lang: lang, msgs: c[lang], def: c[Default]}
}

// Localizer renders messages, dates and numbers in one language.
type Localizer struct {
	Lang      string
	msgs, def map[string]string
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

// Has reports whether the language's own catalogue holds id.
func (l *Localizer) Has(id string) bool { _, ok := l.msgs[id]; return ok }

// Zone is Vietnam's time, in which staff read every date: UTC+7, without
// daylight saving since 1975.
var Zone = time.FixedZone("GMT+7", 7*60*60)

// Time formats t in Vietnam's time ("15:04 02/01/2006", "2 Jan 2006 15:04").
func (l *Localizer) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Lang == "en" {
		return t.In(Zone).Format("2 Jan 2006 15:04")
	}
	return t.In(Zone).Format("15:04 02/01/2006")
}

// Date formats the day of t in Vietnam's time.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.day(t.In(Zone))
}

// Day formats a "YYYY-MM-DD" date; anything else as typed.
func (l *Localizer) Day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.day(d)
}

func (l *Localizer) day(d time.Time) string {
	if l.Lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.Format("02/01/2006")
}

// Weekday formats a "YYYY-MM-DD" date with its day of the week ("Thứ Hai,
// 30/11/2026"), the names being the messages "weekday.0" (Sunday) to
// "weekday.6"; anything else as typed.
func (l *Localizer) Weekday(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.T("weekday."+strconv.Itoa(int(d.Weekday()))) + ", " + l.day(d)
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

// Money formats an amount of đồng ("1.500.000 ₫").
func (l *Localizer) Money(v int64) string { return l.Num64(v) + " ₫" }
