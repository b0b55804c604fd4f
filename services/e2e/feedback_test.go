package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
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
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
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
	rows, err := hub.Query(ctx, `SELECT id FROM feedback WHERE tenant_id = $1 ORDER BY id`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if rows.Err() != nil || len(ids) != 3 {
		t.Fatalf("hub holds %d questions for %s (%v), want 3", len(ids), tenant, rows.Err())
	}

	if err := fed.StartSubPortal(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	dbURL, err := federation.EnsureDatabase(ctx, fed.BaseURL, "portalhub_so_a")
	if err != nil {
		t.Fatal(err)
	}
	spDB, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer spDB.Close()
	testenv.WaitFor(t, 30*time.Second, func() error {
		var n, distinct int
		var got string
		if err := spDB.QueryRow(ctx, `SELECT count(*), count(DISTINCT id), coalesce(string_agg(id, ',' ORDER BY id), '') FROM feedback_inbox`).
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
	if err := hub.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE purpose = 'feedback.received' AND recipient LIKE 'mai%@example.vn'`).Scan(&mails); err != nil || mails != 3 {
		t.Errorf("%d confirmation e-mails queued (%v), want 3", mails, err)
	}
}
