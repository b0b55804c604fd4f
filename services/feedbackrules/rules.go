// Package feedbackrules holds the rules of a citizen's question or petition
// (issue 9 point 1) that both the gateway's form and the hub's
// FeedbackService apply: the fields, their limits, how text is normalised
// (NFC, legacy Vietnamese encodings converted as the back office does), and
// the tracking code; and how a question is anonymised before it is
// published as a question-and-answer item (Anonymize). The gateway checks first, to answer the visitor in
// their language and keep what they typed; the hub checks again and is the
// one that decides.
package feedbackrules

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/vnenc"
)

// Limits, in characters.
const (
	MaxQuestion = 4000
	MaxName     = 200
	MaxEmail    = 254
	MaxPhone    = 20
	MinQuestion = 10
)

// Topics are the topic codes a submission takes, in the form's order.
var Topics = []string{"procedure", "policy", "service", "suggestion", "other"}

// TopicConsultation is the topic of a comment on a draft out for public
// consultation (issue 9 point 8): not one the visitor chooses, it comes
// with the draft (Form.ConsultationID).
const TopicConsultation = "consultation"

// ConsentVersion names the consent text the form shows today (catalogue
// feedback.consent.*); a submission records the one its visitor accepted.
const ConsentVersion = "2026-11"

// Languages are the form's languages.
var Languages = []string{"vi", "en", "ru"}

// Form is a submission as the visitor filled it in.
type Form struct {
	RequestID string
	Tenant    string // "" for "I don't know"
	Topic     string
	Question  string
	Name      string
	Email     string
	Phone     string
	Lang      string
	Consent   bool
	// ConsultationTenant and ConsultationID name the draft a comment is
	// on (issue 9 point 8); empty for a question.
	ConsultationTenant string
	ConsultationID     string
	// Files are the attachments (files.go).
	Files []File
}

// contentIDRE is an item's content id (contentrules' rule).
var contentIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

// Problem is one field's problem: its field name (the form's and the
// proto's: question, name, email, phone, topic, tenant, consent, lang,
// request_id) and a code the gateway words in the visitor's language.
type Problem struct {
	Field string
	Code  string
}

// Problem codes.
const (
	Required = "required" // empty
	TooLong  = "too_long"
	TooShort = "too_short"
	Invalid  = "invalid"  // not of the field's form (an e-mail address, a phone number, a code of the list)
	Encoding = "encoding" // Vietnamese text that stays broken after conversion
	Contact  = "contact"  // neither e-mail nor phone
)

// Normalize trims f's text fields, makes them NFC, and converts Vietnamese
// typed in a legacy encoding (vnenc), as the back office does; it returns
// the fields whose text still looks broken (Check reports them).
func Normalize(f *Form) (broken []string) {
	text := func(field string, s *string) {
		v := strings.TrimSpace(norm.NFC.String(strings.ToValidUTF8(*s, "\uFFFD")))
		if v == "" {
			*s = v
			return
		}
		r := vnenc.Check(v)
		if r.Broken {
			broken = append(broken, field)
		} else {
			v = r.Text
		}
		*s = v
	}
	text("question", &f.Question)
	text("name", &f.Name)
	f.Email = strings.TrimSpace(f.Email)
	f.Phone = strings.TrimSpace(f.Phone)
	f.Tenant = strings.TrimSpace(f.Tenant)
	f.Topic = strings.TrimSpace(f.Topic)
	f.ConsultationTenant = strings.TrimSpace(f.ConsultationTenant)
	f.ConsultationID = strings.TrimSpace(f.ConsultationID)
	// Windows line ends count twice in a browser's maxlength but once here.
	f.Question = strings.ReplaceAll(f.Question, "\r\n", "\n")
	return broken
}

var (
	requestIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
	tenantRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	phoneRE     = regexp.MustCompile(`^\+?[0-9 ().-]+$`)
)

// Check returns f's problems, in the form's order; f must be normalised
// (broken lists the fields Normalize found broken).
func Check(f Form, broken []string) []Problem {
	var ps []Problem
	add := func(field, code string) { ps = append(ps, Problem{field, code}) }
	if !requestIDRE.MatchString(f.RequestID) {
		add("request_id", Invalid)
	}
	if !slices.Contains(Languages, f.Lang) {
		add("lang", Invalid)
	}
	if f.Tenant != "" && !tenantRE.MatchString(f.Tenant) {
		add("tenant", Invalid)
	}
	comment := f.ConsultationTenant != "" || f.ConsultationID != ""
	if comment && (!tenantRE.MatchString(f.ConsultationTenant) || !contentIDRE.MatchString(f.ConsultationID)) {
		add("consultation", Invalid)
	}
	switch {
	case comment && f.Topic != TopicConsultation:
		add("topic", Invalid)
	case comment:
	case f.Topic == "":
		add("topic", Required)
	case !slices.Contains(Topics, f.Topic):
		add("topic", Invalid)
	}
	text := func(field, s string, min, max int) {
		n := utf8.RuneCountInString(s)
		switch {
		case n == 0:
			add(field, Required)
		case n > max:
			add(field, TooLong)
		case n < min:
			add(field, TooShort)
		case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
			add(field, Invalid)
		case slices.Contains(broken, field):
			add(field, Encoding)
		}
	}
	text("question", f.Question, MinQuestion, MaxQuestion)
	text("name", f.Name, 1, MaxName)
	if f.Email == "" && f.Phone == "" {
		add("email", Contact)
	}
	if f.Email != "" {
		if utf8.RuneCountInString(f.Email) > MaxEmail {
			add("email", TooLong)
		} else if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || a.Name != "" {
			add("email", Invalid)
		}
	}
	if f.Phone != "" {
		digits := 0
		for _, r := range f.Phone {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		switch {
		case utf8.RuneCountInString(f.Phone) > MaxPhone:
			add("phone", TooLong)
		case !phoneRE.MatchString(f.Phone) || digits < 8 || digits > 15:
			add("phone", Invalid)
		}
	}
	CheckFiles(f.Files, add)
	if !f.Consent {
		add("consent", Required)
	}
	return ps
}

// vietnam is the zone a consultation's days are counted in.
var vietnam = time.FixedZone("GMT+7", 7*3600)

// ConsultationOpen reports whether a consultation from the day opens to the
// day closes (both included) takes comments at now, counted in Vietnam
// (GMT+7): the hub decides with it, the portal shows the form with it.
func ConsultationOpen(opens, closes, now time.Time) bool {
	y, m, d := now.In(vietnam).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return !today.Before(day(opens)) && !today.After(day(closes))
}
