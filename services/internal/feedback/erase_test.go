package feedback_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/feedback"
)

var eraseLink = regexp.MustCompile(`https://khanhhoa\.gov\.vn/en/feedback/delete/confirm\?t=([A-Za-z0-9_-]{43})`)

// erasures returns the tenants told to delete their copy of submission id,
// by the subjects of its erasure events.
func (f *fixture) erasures(t *testing.T, id string) []string {
	t.Helper()
	rows, err := f.hub.Pool().Query(context.Background(), `SELECT subject, payload FROM outbox WHERE msg_id LIKE 'feedback/' || $1 || '/erased/%'`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var subject string
		var payload []byte
		if err := rows.Scan(&subject, &payload); err != nil {
			t.Fatal(err)
		}
		var ev pb.FeedbackErasure
		if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetId() != id || subject != events.InboxSubject(ev.GetTenant(), "erasure", id) {
			t.Errorf("erasure event %v on %s (%v)", &ev, subject, err)
		}
		out = append(out, ev.GetTenant())
	}
	slices.Sort(out)
	return out
}

// TestErasureByLink is issue 9 point 6's deletion at the visitor's request:
// the tracking code brings a link to the e-mail address given, at most one
// every 10 minutes; the link destroys the data key, empties the question,
// deletes the e-mails about it and tells every tenant that received the
// question, the one it was forwarded from too; the link then no longer
// works.
func TestErasureByLink(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pool := f.hub.Pool()
	withFile := form("request-erase-00001")
	withFile.Files = []feedbackrules.File{{Name: "CCCD-Nguyen-Thi-Hoa.png", Data: pngFile}}
	r, err := f.store.Submit(ctx, withFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Forward(ctx, tourism, r.ID, commune, "Thuộc thẩm quyền của xã"); err != nil {
		t.Fatal(err)
	}
	phoneOnly := form("request-erase-00002")
	phoneOnly.Email = ""
	p, err := f.store.Submit(ctx, phoneOnly)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name, code string
		want       bool
	}{
		{"unknown code", "0000-0000-0000", false},
		{"no e-mail address", p.Code, false},
		{"the code", r.Code, true},
		{"again at once", r.Code, false},
	} {
		if sent, err := f.store.RequestErasure(ctx, c.code, "en"); err != nil || sent != c.want {
			t.Errorf("%s: sent %v (%v), want %v", c.name, sent, err, c.want)
		}
	}
	var body string
	if err := pool.QueryRow(ctx, `SELECT text_body FROM mail_outbox WHERE purpose = 'feedback.erasure' AND recipient = 'hoa@example.vn'`).Scan(&body); err != nil {
		t.Fatalf("the link's e-mail: %v", err)
	}
	m := eraseLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}
	token := m[1]
	f.now = f.now.Add(feedback.EraseLinkEvery)
	if sent, _ := f.store.RequestErasure(ctx, r.Code, "en"); !sent {
		t.Error("a second link 10 minutes later not sent")
	}
	if _, err := f.store.ConfirmErasure(ctx, token); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("the first link after a second was sent: %v, want not found (only the newest works)", err)
	}
	if err := pool.QueryRow(ctx, `SELECT text_body FROM mail_outbox WHERE purpose = 'feedback.erasure' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	token = eraseLink.FindStringSubmatch(body)[1]

	saved := f.now
	f.now = f.now.Add(feedback.EraseLinkValid + time.Minute)
	if _, err := f.store.ConfirmErasure(ctx, token); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("an expired link: %v, want not found", err)
	}
	f.now = saved
	at, err := f.store.ConfirmErasure(ctx, token)
	if err != nil || !at.Equal(f.now) {
		t.Fatalf("confirm: %v at %v", err, at)
	}

	if _, _, _, err := f.store.Contact(ctx, commune, r.ID); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("contact details after the deletion: %v, want not found", err)
	}
	if _, err := f.keys.Get(ctx, r.ID); err == nil {
		t.Error("the data key survived the deletion")
	}
	var question string
	if err := pool.QueryRow(ctx, `SELECT question FROM feedback WHERE id = $1`, r.ID).Scan(&question); err != nil || question != "" {
		t.Errorf("question after the deletion: %q (%v), want empty", question, err)
	}
	var files int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM feedback_attachments WHERE feedback_id = $1`, r.ID).Scan(&files); err != nil || files != 0 {
		t.Errorf("%d attachments left (%v), want none", files, err)
	}
	var mails int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE recipient = 'hoa@example.vn'`).Scan(&mails); err != nil || mails != 0 {
		t.Errorf("%d e-mails to the address left (%v), want none", mails, err)
	}
	if got := f.erasures(t, r.ID); !slices.Equal(got, []string{tourism, commune}) {
		t.Errorf("tenants told to delete: %v, want the one it was forwarded from and the one it is at", got)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil || st.ErasedAt == nil || st.Status != "forwarded" {
		t.Errorf("status after the deletion: %+v %v", st, err)
	}
	if _, err := f.store.ConfirmErasure(ctx, token); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("the link used again: %v, want not found", err)
	}
	if sent, _ := f.store.RequestErasure(ctx, r.Code, "en"); sent {
		t.Error("a link sent for a deleted submission")
	}
	// Erasing again changes nothing and tells nobody twice.
	if again, err := f.store.Erase(ctx, r.ID); err != nil || !again.Equal(at) || len(f.erasures(t, r.ID)) != 2 {
		t.Errorf("erase again: %v at %v, %d events", err, again, len(f.erasures(t, r.ID)))
	}
}

// TestErasureByRetention: the retention job destroys the data keys whose
// period ended and erases what they protected, telling its tenant; what is
// younger is kept. It logs counts, never a submission.
func TestErasureByRetention(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old, err := f.store.Submit(ctx, form("request-retain-0001"))
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(24 * time.Hour)
	young, err := f.store.Submit(ctx, form("request-retain-0002"))
	if err != nil {
		t.Fatal(err)
	}
	ticks := make(chan time.Time)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	var logs bytes.Buffer
	go func() { f.store.RunRetention(runCtx, ticks, zerolog.New(&logs)); close(done) }()
	ticks <- f.now.Add(feedback.DefaultRetention - time.Hour) // the first's period ended, not the second's
	ticks <- f.now.Add(feedback.DefaultRetention - time.Hour) // a tick handled means the one before is done
	stop()
	<-done
	if got := logs.String(); !strings.Contains(got, `"data_keys":1`) || !strings.Contains(got, `"submissions":1`) ||
		strings.Contains(got, old.ID) || strings.Contains(got, old.Code) || strings.Count(got, "\n") != 2 {
		t.Errorf("log: got %q, want two lines counting 1 key and 1 submission and naming none", got)
	}
	if got := f.erasures(t, old.ID); !slices.Equal(got, []string{tourism}) {
		t.Errorf("expired submission: its tenant told %v, want %s", got, tourism)
	}
	if got := f.erasures(t, young.ID); len(got) != 0 {
		t.Errorf("a submission within its period erased: %v", got)
	}
	st, err := f.store.StatusOf(ctx, old.Code)
	if err != nil || st.ErasedAt == nil {
		t.Errorf("expired submission's status: %+v %v, want erased", st, err)
	}
	if _, _, _, err := f.store.Contact(ctx, tourism, young.ID); err != nil {
		t.Errorf("the younger submission's contact details: %v", err)
	}
}
