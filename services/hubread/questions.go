package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Questions and answers (Article 8.9): the visible QUESTION_ANSWER items,
// newest first, with a filter by topic counted as finders count.

// QuestionQuery selects a page of questions. Empty fields do not filter.
type QuestionQuery struct {
	Tenant, Topic string
	Cursor        *Cursor // ParseCursor(s, QuestionKeyFields)
	Limit         int
}

// QuestionKeyFields is the number of fields of a question cursor's key.
const QuestionKeyFields = 3

// Question is a question and answer as the list shows it.
type Question struct {
	Tenant, ContentID   string
	Question, Topic     string
	AskedOn, AnsweredOn string // "YYYY-MM-DD" or empty
	AnsweredBy          string
	PublishedAt         time.Time
	Texts               map[string]Text
}

// In returns the text in locale, or the Vietnamese one.
func (q Question) In(locale string) (Text, bool) { return Listed{Texts: q.Texts}.In(locale) }

// QuestionList is a page of questions with the topics.
type QuestionList struct {
	Page[Question]
	Topics []FacetValue
	Total  int
}

const questionDocs = `WITH docs AS %s (
	SELECT i.tenant_id, i.content_id, i.published_at,
	       coalesce(i.doc #>> '{questionAnswer,topic}', '') AS topic,
	       coalesce(i.doc #>> '{questionAnswer,question}', '') AS question,
	       coalesce(i.doc #>> '{questionAnswer,askedOn}', '') AS asked_on,
	       coalesce(i.doc #>> '{questionAnswer,answeredOn}', '') AS answered_on,
	       coalesce(i.doc #>> '{questionAnswer,answeredBy}', '') AS answered_by
	FROM items i
	WHERE i.kind = 'question_answer' AND ` + visibleItems + ` AND %s
)`

func newQuestionFilter(q QuestionQuery) *finderQuery {
	f := newFinderQuery("topic")
	if q.Tenant != "" {
		f.where("i.tenant_id = " + f.arg(q.Tenant))
	}
	if q.Topic != "" {
		f.choose("topic", q.Topic)
	}
	return f
}

// Questions answers a page of questions with the topics in two queries.
func (s *Store) Questions(ctx context.Context, q QuestionQuery) (QuestionList, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = PageSize
	}
	f := newQuestionFilter(q)
	counts, total, err := s.finderCounts(ctx, fmt.Sprintf(questionDocs, "MATERIALIZED", f.baseSQL())+`
		SELECT c.facet, c.value, c.n, '', '', '' FROM `+f.countsSQL()+` ORDER BY c.facet, c.value COLLATE "vi-x-icu"`, f.args)
	if err != nil {
		return QuestionList{}, fmt.Errorf("questions: %w", err)
	}
	out := QuestionList{Topics: counts["topic"], Total: total}

	f = newQuestionFilter(q)
	if c := q.Cursor; c != nil {
		if len(c.Key) != QuestionKeyFields {
			return QuestionList{}, fmt.Errorf("questions: %w", ErrBadCursor)
		}
		if _, err := c.Time(0); err != nil {
			return QuestionList{}, fmt.Errorf("questions: %w", err)
		}
	}
	after, order, outer := f.keyset([]string{"published_at", "tenant_id", "content_id"}, []string{"::timestamptz", "", ""}, q.Cursor, true)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(questionDocs, "", f.baseSQL())+fmt.Sprintf(`
		SELECT d.tenant_id, d.content_id, d.question, d.topic, d.asked_on, d.answered_on, d.answered_by, d.published_at,
		       tr.locales, tr.slugs, tr.titles, tr.summaries
		FROM (SELECT * FROM docs WHERE %s AND %s ORDER BY %s LIMIT %s) d %s
		WHERE tr.locales IS NOT NULL
		ORDER BY %s`, f.except(""), after, order, f.arg(limit+1), translationsOf("d"), outer), f.args...)
	if err != nil {
		return QuestionList{}, fmt.Errorf("questions: %w", err)
	}
	qs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Question, error) {
		var x Question
		var locales, slugs, titles, summaries []string
		err := r.Scan(&x.Tenant, &x.ContentID, &x.Question, &x.Topic, &x.AskedOn, &x.AnsweredOn, &x.AnsweredBy, &x.PublishedAt,
			&locales, &slugs, &titles, &summaries)
		x.Texts = texts(locales, slugs, titles, summaries)
		return x, err
	})
	if err != nil {
		return QuestionList{}, fmt.Errorf("questions: %w", err)
	}
	out.Page = paginate(qs, limit, q.Cursor, func(x Question) []string {
		return []string{KeyTime(x.PublishedAt), x.Tenant, x.ContentID}
	})
	return out, nil
}
