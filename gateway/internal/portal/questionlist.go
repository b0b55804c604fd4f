package portal

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// The questions and answers (Article 8.9): the answered questions, newest
// first, twenty to a page, with a filter by topic whose counts are those
// of the other filters (hubread.Questions, two queries). Each shows the
// question (published anonymised: no asker is named), its topic, when it
// was asked and answered and by which agency, and leads to the answer.

// questionsView is the questions section's page.
type questionsView struct {
	base
	Heading string
	Topics  []topicLink
	AllHref string // the list without a topic; empty when none is chosen
	Items   []questionItem
	Pager   pager
}

type topicLink struct {
	Name, Href string
	Count      int
	Chosen     bool
}

type questionItem struct {
	Title, Href, Lang      string
	Question               string
	Topic                  string
	AskedOn, Answered      string
	AnsweredBy             string
	TenantName, TenantHref string
}

// maxQuestionChars bounds the question a list shows.
const maxQuestionChars = 400

// errBadTopic is a ?topic= that no question has.
var errBadTopic = &paramProblem{Param: "topic", ID: "question.bad_topic"}

func (s *Server) questionsSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	q := hubread.QuestionQuery{Tenant: sec.TenantID(), Topic: sec.Query.Get("topic")}
	cur, problem := parsePageCursor(sec.Query.Get("page"), hubread.QuestionKeyFields)
	q.Cursor = cur
	tenants, err := s.sectionTenants(ctx, sec)
	if err != nil {
		return nil, err
	}
	if strings.ContainsRune(q.Topic, 0) || !utf8.ValidString(q.Topic) {
		// No question has a topic PostgreSQL cannot even hold (it refused
		// the query, and the page answered 500).
		problem = errBadTopic
	}
	var list hubread.QuestionList
	if problem == nil {
		list, err = s.cfg.Store.Questions(ctx, q)
		if errors.Is(err, hubread.ErrBadCursor) {
			problem = errBadPage
		} else if err != nil {
			return nil, err
		}
	}
	v := questionsView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang)}
	path := sec.Path(sec.Lang)
	known := false
	for _, t := range list.Topics {
		chosen := t.Value == q.Topic
		known = known || chosen
		v.Topics = append(v.Topics, topicLink{Name: t.Value, Count: t.Count, Chosen: chosen,
			Href: path + "?" + url.Values{"topic": {t.Value}}.Encode()})
	}
	if q.Topic != "" {
		v.AllHref = path
		if !known && problem == nil {
			// Counted without its own choice, a topic any question has is
			// among the topics.
			problem, list.Rows = errBadTopic, nil
		}
	}
	v.Problem = problem.text(v.L)
	for _, x := range list.Rows {
		text, fallback := x.In(sec.Lang)
		it := questionItem{Title: text.Title, Href: "/" + sec.Lang + "/" + x.Tenant + "/" + text.Slug,
			Question: clipRunes(x.Question, maxQuestionChars), Topic: x.Topic, AnsweredBy: x.AnsweredBy,
			AskedOn: isoDate(v.L, x.AskedOn), Answered: isoDate(v.L, x.AnsweredOn)}
		if fallback {
			it.Lang = i18n.Default
		}
		if t, ok := tenants[x.Tenant]; ok && sec.Tenant == nil {
			it.TenantName, it.TenantHref = t.Name(sec.Lang), "/"+sec.Lang+"/"+t.ID+"/"
		}
		v.Items = append(v.Items, it)
	}
	v.Pager = newPager(path, sec.Query, q.Cursor, list.Prev, list.Next)
	return s.sectionPageRender("questions", v, sec, problem)
}

// sectionTenants are the tenants whose items a section lists, by id: its
// own, or every tenant on the provincial portal, from the in-memory
// registry (no query; the map is shared: read it only).
func (s *Server) sectionTenants(ctx context.Context, sec section) (map[string]hubread.Tenant, error) {
	if sec.Tenant != nil {
		return map[string]hubread.Tenant{sec.Tenant.ID: *sec.Tenant}, nil
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	return reg.tenants, nil
}

// clipRunes shortens s to at most n characters, marking the cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
