package backoffice

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// seededQuestion is one of the hub's 50 anonymisation test questions
// (services/feedbackrules/testdata): the question, the personal details in
// it, and the contact details its asker gave.
type seededQuestion struct {
	Lang     string   `json:"lang"`
	Known    []string `json:"known"`
	Question string   `json:"question"`
	Secrets  []string `json:"secrets"`
}

// TestPublishAnsweredQuestionsAnonymised is issue 9 point 4 through the
// back office: each of the 50 seeded questions, answered, is made a
// question-and-answer item from the anonymised text its page proposes,
// submitted and approved (the approver must confirm the anonymisation,
// which the audit log records); the items pushed to the hub hold none of
// the questions' personal details.
func TestPublishAnsweredQuestionsAnonymised(t *testing.T) {
	b, err := os.ReadFile("../../../services/feedbackrules/testdata/anonymize_questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var seeded []seededQuestion
	if err := json.Unmarshal(b, &seeded); err != nil || len(seeded) != 50 {
		t.Fatalf("seeded questions: %v, %d", err, len(seeded))
	}
	hub := &fakeFeedbackHub{contacts: map[string]*pb.GetFeedbackContactResponse{}}
	f := newFixture(t, func(c *Config) { c.Feedback = hub })
	ctx, pool := context.Background(), f.store.Pool()
	author, approver := f.login("tacgia"), f.login("duyet")
	secrets := map[string][]string{} // by content_id
	for i, sq := range seeded {
		id := fmt.Sprintf("q-%02d", i)
		c := &pb.GetFeedbackContactResponse{}
		for _, k := range sq.Known {
			switch {
			case strings.Contains(k, "@"):
				c.Email = k
			case strings.IndexFunc(k, unicode.IsLetter) < 0:
				c.Phone = k
			default:
				c.Name = k
			}
		}
		hub.contacts[id] = c
		if _, err := inbox.Store(ctx, pool, &pb.FeedbackEvent{Id: id, Tenant: "so-du-lich", Topic: "procedure", Question: sq.Question,
			Lang: sq.Lang, SubmittedAt: timestamppb.Now(), HasEmail: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE feedback_inbox SET status = 'answered', draft = 'Hồ sơ nộp tại bộ phận một cửa.', approved_by = 'duyet',
			answered_at = now() WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}

		_, doc := author.get("/hop-thu/" + id)
		proposed := doc.Find("textarea#qa-question").Text()
		if proposed == "" || proposed == sq.Question {
			t.Fatalf("%s: proposed %q, want the question anonymised", id, proposed)
		}
		res, doc := author.postForm("/hop-thu/"+id+"/cong-khai", url.Values{"question": {proposed}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: make the Q&A item: %d %q", id, res.StatusCode, text(doc, ".notice"))
		}
		revPath := location(t, res)
		if res, doc := author.postForm(revPath+"/submit", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: submit: %d %q", id, res.StatusCode, errorSummary(doc))
		}
		if i == 0 {
			_, doc := approver.get(revPath)
			if doc.Find(`form[action="`+revPath+`/approve"] input#anonymised[type=checkbox]`).Length() != 1 {
				t.Fatal("the approval form does not ask to confirm the anonymisation")
			}
			res, _ := approver.postForm(revPath+"/approve", url.Values{"when": {"now"}})
			if res.StatusCode == http.StatusSeeOther {
				t.Fatal("approved without confirming the anonymisation")
			}
			if rows, _ := f.store.ListOutbox(ctx, "", 10); len(rows) != 0 {
				t.Fatalf("%d pushes after the refused approval", len(rows))
			}
			// The question's page now links the item, and offers no second one.
			_, doc = author.get("/hop-thu/" + id)
			if doc.Find("#qa-linked a").Length() != 1 || doc.Find("textarea#qa-question").Length() != 0 {
				t.Error("the published question's page does not link its item, or offers another")
			}
			if res, _ := author.postForm("/hop-thu/"+id+"/cong-khai", url.Values{"question": {proposed}}); res.StatusCode != http.StatusConflict {
				t.Errorf("a second item from the same question: %d, want 409", res.StatusCode)
			}
		}
		res, doc = approver.postForm(revPath+"/approve", url.Values{"when": {"now"}, "anonymised": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: approve: %d %q", id, res.StatusCode, errorSummary(doc))
		}
		q, err := inbox.Inbox{Pool: pool}.Get(ctx, id)
		if err != nil || q.QAContentID == "" {
			t.Fatalf("%s: %v, no item linked", id, err)
		}
		if !hub.called("qa:" + id + ":" + q.QAContentID) {
			t.Errorf("%s: the hub was not told of its item %s", id, q.QAContentID)
		}
		secrets[q.QAContentID] = sq.Secrets
	}

	rows, err := pool.Query(ctx, `SELECT content_id, payload FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	pushed := 0
	for rows.Next() {
		var id string
		var payload []byte
		if err := rows.Scan(&id, &payload); err != nil {
			t.Fatal(err)
		}
		var item pb.ContentItem
		if err := proto.Unmarshal(payload, &item); err != nil {
			t.Fatal(err)
		}
		if item.GetKind() != pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER || item.GetCategory() != "feedback" || item.GetQuestionAnswer().GetQuestion() == "" {
			t.Errorf("%s: pushed %v in %q, want a question and answer in feedback", id, item.GetKind(), item.GetCategory())
		}
		all := strings.ToLower(protojson.Format(&item))
		digits := onlyDigits(all)
		for _, s := range secrets[id] {
			if strings.Contains(all, strings.ToLower(s)) || len(onlyDigits(s)) >= 6 && strings.Contains(digits, onlyDigits(s)) {
				t.Errorf("%s: %q published", id, s)
			}
		}
		pushed++
	}
	if pushed != 50 {
		t.Errorf("%d items pushed, want 50", pushed)
	}
	var confirmed, drafted int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'editorial_approve' AND (detail->>'anonymisation_confirmed')::boolean),
		count(*) FILTER (WHERE action = 'feedback_qa_drafted') FROM audit_log`).Scan(&confirmed, &drafted); err != nil {
		t.Fatal(err)
	}
	if confirmed != 50 || drafted != 50 {
		t.Errorf("audit log: %d approvals confirming the anonymisation, %d items made from questions; want 50 of each", confirmed, drafted)
	}
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}
