package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/testenv"
)

var (
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="(request_id|csrf)" value="([^"]*)">`)
	codeRE   = regexp.MustCompile(`<p class="tracking-code"><strong>([0-9A-Z-]+)</strong>`)
)

// askQuestion fills in the portal's form as a visitor and returns the
// tracking code the receipt shows.
func askQuestion(t *testing.T, tenant, question, email string) string {
	t.Helper()
	c := visitorClient(t)
	res, err := c.Get(fed.Gateway + "/vi/feedback?to=" + tenant)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"tenant": {tenant}, "topic": {"procedure"}, "question": {question}, "name": {"Lê Thị Mai"},
		"email": {email}, "consent": {"yes"}}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], m[2])
	}
	res, err = c.PostForm(fed.Gateway+"/vi/feedback", form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ = io.ReadAll(res.Body)
	m := codeRE.FindStringSubmatch(string(page))
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("submit: %d, no tracking code on the receipt", res.StatusCode)
	}
	return m[1]
}

// subPortalDB opens a sub-portal's own database, closed when t ends.
func subPortalDB(t *testing.T, name string) *pgxpool.Pool {
	t.Helper()
	dbURL, err := federation.EnsureDatabase(context.Background(), fed.BaseURL, name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// feedbackClient dials the aggregator's FeedbackService with a tenant's
// credential.
func feedbackClient(t *testing.T, token string) (pb.FeedbackServiceClient, context.Context) {
	t.Helper()
	conn, ctx := hubConn(t, token)
	return pb.NewFeedbackServiceClient(conn), ctx
}

// TestFeedbackRoutedExactlyOnce is issue 9 point 2 across processes: with
// the department's sub-portal stopped, visitors ask it questions through
// the portal's form (each receipt comes from the hub, which stored it);
// started again, the sub-portal finds every question in its own database
// once; its credential reads the contact details, another tenant's is
// refused.
func TestFeedbackRoutedExactlyOnce(t *testing.T) {
	const tenant, other = "so-a", "phuong-b"
	ctx := context.Background()
	sp := fed.SubPortals[tenant]
	if err := sp.Process.Stop(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	// The tests after this one need so-a running: start it again if this
	// one stops before it does (CI: a failure here left it down, and three
	// later tests failed on it).
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			if err := fed.StartSubPortal(context.Background(), tenant); err != nil {
				t.Errorf("start %s again: %v", tenant, err)
			}
		}
	})
	var tracking []string
	for i := range 3 {
		tracking = append(tracking, askQuestion(t, tenant, fmt.Sprintf("Câu hỏi số %d về thủ tục cấp phép, xin hướng dẫn.", i), fmt.Sprintf("mai%d@example.vn", i)))
	}
	hub, err := pgxpool.New(ctx, fed.HubDatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	var ids []string
	rows, err := hub.Query(ctx, `SELECT id FROM feedback WHERE tenant_id = $1 AND consultation_id IS NULL ORDER BY id`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	// Questions only: TestCommentOnDraftReachesItsAgency, before this test,
	// leaves a comment on so-a's draft.
	if rows.Err() != nil || len(ids) != 3 {
		t.Fatalf("hub holds %d questions for %s (%v), want 3", len(ids), tenant, rows.Err())
	}

	if err := fed.StartSubPortal(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	restarted = true
	spDB := subPortalDB(t, "portalhub_so_a")
	testenv.WaitFor(t, 30*time.Second, func() error {
		var n, distinct int
		var got string
		if err := spDB.QueryRow(ctx, `SELECT count(*), count(DISTINCT id), coalesce(string_agg(id, ',' ORDER BY id), '') FROM feedback_inbox WHERE consultation_id IS NULL`).
			Scan(&n, &distinct, &got); err != nil {
			return err
		}
		if n != 3 || distinct != 3 || got != strings.Join(ids, ",") {
			return fmt.Errorf("sub-portal holds %d rows (%d distinct: %s), want the hub's 3 once each (%v)", n, distinct, got, ids)
		}
		return nil
	})

	// The contact details: for the tenant, not for another one.
	fb, asTenant := feedbackClient(t, sp.HubToken)
	c, err := fb.GetFeedbackContact(asTenant, &pb.GetFeedbackContactRequest{Id: ids[0]})
	if err != nil || !strings.HasPrefix(c.GetEmail(), "mai") || c.GetName() != "Lê Thị Mai" {
		t.Errorf("the tenant's contact details: %v %v", c, err)
	}
	fb2, asOther := feedbackClient(t, fed.SubPortals[other].HubToken)
	if _, err := fb2.GetFeedbackContact(asOther, &pb.GetFeedbackContactRequest{Id: ids[0]}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another tenant's request for the contact details: %v, want PERMISSION_DENIED", err)
	}

	// The visitor's status page; the confirmation e-mail is queued.
	res, page := get(t, "/en/feedback/status?code="+url.QueryEscape(tracking[0]))
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Received") || strings.Contains(page, "mai0@example.vn") {
		t.Errorf("status page: %d", res.StatusCode)
	}
	var mails int
	if err := hub.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE purpose = 'feedback.received' AND recipient IN ('mai0@example.vn', 'mai1@example.vn', 'mai2@example.vn')`).Scan(&mails); err != nil || mails != 3 {
		t.Errorf("%d confirmation e-mails queued (%v), want 3", mails, err)
	}
}

var eraseTokenRE = regexp.MustCompile(`/feedback/delete/confirm\?t=([A-Za-z0-9_-]{43})`)

// TestFeedbackErasureAcrossProcesses is issue 9 point 6 across processes:
// a visitor asks the portal to delete their question's personal data with
// its tracking code, the hub e-mails a link (read from its mail outbox),
// and confirming it on the portal destroys the contact details at the hub
// and empties the copy of the question the sub-portal's inbox holds.
func TestFeedbackErasureAcrossProcesses(t *testing.T) {
	const tenant = "so-a"
	ctx := context.Background()
	code := askQuestion(t, tenant, "Tôi là Lê Thị Mai, nhà ở 12 Trần Phú; xin hỏi thủ tục xin giấy phép.", "xoa.du.lieu@example.vn")
	hub, err := pgxpool.New(ctx, fed.HubDatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	var id string
	plain := strings.ReplaceAll(code, "-", "")
	if err := hub.QueryRow(ctx, `SELECT id FROM feedback WHERE tracking_code = $1`, plain).Scan(&id); err != nil {
		t.Fatal(err)
	}
	spDB := subPortalDB(t, "portalhub_so_a")
	testenv.WaitFor(t, 30*time.Second, func() error {
		var q string
		return spDB.QueryRow(ctx, `SELECT question FROM feedback_inbox WHERE id = $1`, id).Scan(&q)
	})

	// The deletion form on the portal, as a visitor.
	c := visitorClient(t)
	res, err := c.Get(fed.Gateway + "/en/feedback/delete?code=" + url.QueryEscape(code))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"code": {code}}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], m[2])
	}
	res, err = c.PostForm(fed.Gateway+"/en/feedback/delete", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("deletion request: %d", res.StatusCode)
	}
	var body string
	if err := hub.QueryRow(ctx, `SELECT text_body FROM mail_outbox WHERE purpose = 'feedback.erasure' AND recipient = 'xoa.du.lieu@example.vn'`).Scan(&body); err != nil {
		t.Fatalf("the link's e-mail: %v", err)
	}
	m := eraseTokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the e-mail: %q", body)
	}
	res, err = c.PostForm(fed.Gateway+"/en/feedback/delete/confirm", url.Values{"t": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d", res.StatusCode)
	}

	fb, asTenant := feedbackClient(t, fed.SubPortals[tenant].HubToken)
	if _, err := fb.GetFeedbackContact(asTenant, &pb.GetFeedbackContactRequest{Id: id}); status.Code(err) != codes.NotFound {
		t.Errorf("contact details after the deletion: %v, want NOT_FOUND", err)
	}
	var question string
	if err := hub.QueryRow(ctx, `SELECT question FROM feedback WHERE id = $1`, id).Scan(&question); err != nil || question != "" {
		t.Errorf("the hub's question after the deletion: %q (%v)", question, err)
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		var q string
		var erased *time.Time
		if err := spDB.QueryRow(ctx, `SELECT question, erased_at FROM feedback_inbox WHERE id = $1`, id).Scan(&q, &erased); err != nil {
			return err
		}
		if q != "" || erased == nil {
			return fmt.Errorf("the sub-portal's copy: %q, erased %v", q, erased)
		}
		return nil
	})
	_, statusPage := get(t, "/en/feedback/status?code="+url.QueryEscape(code))
	if !strings.Contains(statusPage, "Personal data deleted on") {
		t.Error("the status page does not say the data was deleted")
	}
}
