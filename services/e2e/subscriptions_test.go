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

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/testenv"
)

var subscribeLinkRE = regexp.MustCompile(`/subscribe/(confirm|unsubscribe)\?t=([A-Za-z0-9_.-]+)`)

// TestSubscriptionAcrossProcesses is issue 9 point 9 as make run wires it:
// a visitor subscribes on a sub-portal's section through the gateway, the
// aggregator queues the confirmation, the link confirms, an item published
// by the sub-portal reaches the visitor in a digest (the harness's digest
// interval is a minute), and its unsubscribe link ends the subscription.
// Most of it is waiting for the digest's timer, so it waits beside the
// browser checks (t.Parallel), after the tests that restart processes.
func TestSubscriptionAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hub, err := pgx.Connect(ctx, fed.HubDatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close(ctx)
	const address = "ban-doc@example.vn"
	mail := func(purpose string) (string, error) {
		var body string
		err := hub.QueryRow(ctx, `SELECT text_body FROM mail_outbox WHERE recipient = $1 AND purpose = $2
			ORDER BY created_at DESC LIMIT 1`, address, purpose).Scan(&body)
		return body, err
	}
	link := func(body, kind string) string {
		for _, m := range subscribeLinkRE.FindAllStringSubmatch(body, -1) {
			if m[1] == kind {
				return m[2]
			}
		}
		t.Fatalf("no %s link in %q", kind, body)
		return ""
	}

	c := visitorClient(t)
	res, err := c.Get(fed.Gateway + "/vi/subscribe?tenant=phuong-b&category=news")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"tenant": {"phuong-b"}, "category": {"news"}, "email": {address}, "consent": {"yes"}}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], m[2])
	}
	res, err = c.PostForm(fed.Gateway+"/vi/subscribe", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d", res.StatusCode)
	}
	var confirmation string
	testenv.WaitFor(t, 10*time.Second, func() error {
		confirmation, err = mail("subscription.confirm")
		return err
	})
	res, err = c.PostForm(fed.Gateway+"/vi/subscribe/confirm", url.Values{"t": {link(confirmation, "confirm")}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d", res.StatusCode)
	}

	title := "Thông báo lịch tiếp công dân tháng 12"
	if code := subportalCall(t, "phuong-b", "POST", "/api/items", newsItem("lich-tiep-cong-dan-12", "lich-tiep-cong-dan-12", title, "<p>Lịch</p>"), nil); code != http.StatusCreated {
		t.Fatalf("publish: %d", code)
	}
	var digest string
	testenv.WaitFor(t, 3*time.Minute, func() error {
		if digest, err = mail("subscription.digest"); err != nil {
			return fmt.Errorf("no digest yet: %w", err)
		}
		if !strings.Contains(digest, title) {
			return fmt.Errorf("the digest lacks the new item: %q", digest)
		}
		return nil
	})
	res, err = c.PostForm(fed.Gateway+"/vi/subscribe/unsubscribe", url.Values{"t": {link(digest, "unsubscribe")}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var left int
	if err := hub.QueryRow(ctx, `SELECT count(*) FROM subscriptions`).Scan(&left); err != nil || left != 0 || res.StatusCode != http.StatusOK {
		t.Errorf("after unsubscribing: %d, %d subscriptions left (%v)", res.StatusCode, left, err)
	}
}
