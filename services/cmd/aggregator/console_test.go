package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// checkConsole signs in to the console the aggregator serves at addr and
// reads the backlog page, whose consumer list needs the aggregator's NATS
// user to list the streams' consumers.
func checkConsole(t *testing.T, addr string, store *hubstore.Store, js jetstream.JetStream) {
	t.Helper()
	if addr == "" {
		t.Fatal("the ready file names no console address")
	}
	ctx := context.Background()
	if _, err := js.CreateOrUpdateConsumer(ctx, events.ContentStream, jetstream.ConsumerConfig{Durable: "kiem-tra"}); err != nil {
		t.Fatal(err)
	}
	const pw = "mat-khau-kiem-tra-2026"
	if _, err := opsaccounts.New(store.Pool()).Create(ctx, opsaccounts.NewAccount{Login: "xem", DisplayName: "Xem", Role: opsaccounts.Viewer,
		Password: pw}, "test"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	base := "http://" + addr
	get := func(path string) *goquery.Document {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	token, _ := get("/dang-nhap").Find("input[name=csrf_token]").Attr("value")
	req, _ := http.NewRequest(http.MethodPost, base+"/dang-nhap", strings.NewReader(url.Values{
		"csrf_token": {token}, "username": {"xem"}, "password": {pw}, "next": {"/hang-doi"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	doc := get("/hang-doi")
	if got := doc.Find("h1").Text(); got != "Hàng đợi" {
		t.Fatalf("after login, /hang-doi shows %q", got)
	}
	rows := doc.Find("#cons-caption").Closest("table").Find("tbody tr")
	if !strings.Contains(rows.Text(), "kiem-tra") {
		t.Errorf("consumers listed: %q, want the durable kiem-tra (the aggregator's NATS user lists consumers)", rows.Text())
	}
}
