package backoffice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// Publishing an answered question (issue 9 point 4): the question's page
// proposes the question anonymised (feedbackrules.Anonymize, with the
// asker's own contact details fetched from the hub to be removed too, never
// kept), which staff adjust; "cong-khai" makes it a draft
// question-and-answer item of the section "feedback" with the answer as its
// body, which then goes through the editorial workflow like any item. Its
// approver confirms the anonymisation (editorial.Approval.Anonymised,
// recorded in the audit log), and the push carries it to the portal's and
// the sub-portal's Q&A sections, search, feeds and sitemap.

// qaCategory is the hub's category of questions and answers (Article 8.9).
const qaCategory = "feedback"

// qaProposal is the anonymised question the page proposes.
type qaProposal struct {
	Text  string
	Found []qaFound
	// NoContact: the asker's own details could not be fetched, so only
	// what looks like a detail was removed.
	NoContact bool
}

type qaFound struct {
	Kind  string
	Count int
}

func foundList(found map[string]int) []qaFound {
	var out []qaFound
	for _, k := range feedbackrules.Kinds {
		if found[k] > 0 {
			out = append(out, qaFound{k, found[k]})
		}
	}
	return out
}

// proposeQA anonymises q's question, removing the asker's own details too
// when the hub gives them.
func (s *Server) proposeQA(ctx context.Context, q inbox.Question) *qaProposal {
	var known []string
	noContact := true
	if s.cfg.Feedback != nil {
		c, err := s.cfg.Feedback.GetFeedbackContact(ctx, &pb.GetFeedbackContactRequest{Id: q.ID})
		switch {
		case err == nil:
			known, noContact = []string{c.GetName(), c.GetEmail(), c.GetPhone()}, false
		case status.Code(err) == codes.NotFound:
			noContact = false // deleted: there is nothing of theirs to look for
		default:
			s.cfg.Log.Warn().Str("feedback_id", q.ID).Str("code", status.Code(err).String()).Msg("contact details not fetched for anonymisation")
		}
	}
	a := feedbackrules.Anonymize(q.Question, q.Lang, known...)
	clear(known)
	return &qaProposal{Text: a.Text, Found: foundList(a.Found), NoContact: noContact}
}

// qaTitle is the item's title: the question's first sentence, shortened.
func qaTitle(question string) string {
	t := strings.Join(strings.Fields(question), " ")
	if i := strings.IndexAny(t, "?"); i > 0 {
		t = t[:i+1]
	}
	const max = 160
	if utf8.RuneCountInString(t) > max {
		r := []rune(t)[:max-1]
		t = strings.TrimRight(string(r), " ,.;:") + "…"
	}
	return t
}

// publishQA makes the answered question id a draft question-and-answer item
// with the anonymised question staff confirmed, and returns the draft's
// revision, which staff open in the editor.
func (s *Server) publishQA(r *http.Request, id string) (int64, error) {
	ctx, actor := r.Context(), current(r).Account
	in := inbox.Inbox{Pool: s.cfg.Store.Pool()}
	q, err := in.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if q.Status != "answered" || q.QAContentID != "" || q.ErasedAt != nil {
		return 0, inbox.ErrState
	}
	question := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("question"), "\r\n", "\n"))
	if n := utf8.RuneCountInString(question); n == 0 || n > contentrules.MaxQuestion {
		return 0, errQAQuestion
	}
	l := s.loc(r)
	hcmc := time.FixedZone("GMT+7", 7*3600)
	ch := editorial.Change{
		Kind:     pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER,
		Category: qaCategory,
		Texts:    map[string]editorial.LocaleText{"vi": {Title: qaTitle(question), Markdown: q.Draft}},
		Details: &pb.QuestionAnswer{Question: question, Topic: l.T("inbox.topic." + q.Topic),
			AskedOn: q.SubmittedAt.In(hcmc).Format(time.DateOnly), AnsweredOn: q.Answered().In(hcmc).Format(time.DateOnly),
			AnsweredBy: s.cfg.Name},
	}
	rev, err := s.cfg.Editorial.SaveDraft(ctx, actor, 0, ch, nil)
	if err != nil {
		return 0, err
	}
	// The hub learns the item's id first: its status page says
	// "published" once the item is published there.
	if s.cfg.Feedback == nil {
		_ = s.cfg.Editorial.Discard(context.WithoutCancel(ctx), actor, rev.ID)
		return 0, fmt.Errorf("%w: the hub is not configured", errHubQA)
	}
	if _, err := s.cfg.Feedback.LinkFeedbackQA(ctx, &pb.LinkFeedbackQARequest{Id: q.ID, ContentId: rev.ContentID}); err != nil {
		_ = s.cfg.Editorial.Discard(context.WithoutCancel(ctx), actor, rev.ID)
		return 0, fmt.Errorf("%w: %v", errHubQA, err)
	}
	// What the detector still finds in the text staff confirmed: counts
	// only, never the text.
	left, _ := json.Marshal(map[string]any{"feedback_id": q.ID, "revision": rev.ID,
		"details_detected": feedbackrules.Anonymize(question, q.Lang).Count()})
	if err := in.LinkQA(ctx, q.ID, rev.ContentID, actor.Username, left); err != nil {
		// Made twice at once: the other draft is the question's.
		_ = s.cfg.Editorial.Discard(context.WithoutCancel(ctx), actor, rev.ID)
		return 0, err
	}
	return rev.ID, nil
}

var (
	errQAQuestion = errors.New("the question to publish is empty or too long")
	errHubQA      = errors.New("the hub did not take the Q&A item's link")
)

// qaCheck is what the approval form of an item made from a citizen's
// question shows: the question it came from, and what the detector still
// finds in the question as it stands.
type qaCheck struct {
	FeedbackID string
	Found      []qaFound
}

// checkQA sets v.FromQuestion when v's revision is of an item made from a
// citizen's question.
func (s *Server) checkQA(ctx context.Context, v *editorView) error {
	if v.Rev.Change.Kind != pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER || v.Rev.Unpublish {
		return nil
	}
	q, err := inbox.Inbox{Pool: s.cfg.Store.Pool()}.QAFor(ctx, v.Rev.ContentID)
	if errors.Is(err, inbox.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	question := v.Form.QAQuestion
	v.FromQuestion = &qaCheck{FeedbackID: q.ID, Found: foundList(feedbackrules.Anonymize(question, q.Lang).Found)}
	return nil
}
