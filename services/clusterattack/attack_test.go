package clusterattack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// noRedirect is a visitor that shows redirects instead of following them.
var noRedirect = &http.Client{Timeout: 20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches url through noRedirect with the Host host (empty: the URL's).
func get(t *testing.T, rawURL, host string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestNATSForgery: nobody but the aggregator puts an event on the content
// stream the gateways believe. A sub-portal's user and the gateways' user
// publishing a forged content event are refused by the cluster (a
// permissions violation) and nothing is stored; a client without an NKey,
// or that does not trust the cluster's CA, is not even connected.
func TestNATSForgery(t *testing.T) {
	if fed.NATSCAFile == "" {
		t.Fatal("the cluster's NATS runs without TLS")
	}
	subject := events.ContentSubject("so-a", "gia-mao")
	for _, r := range []natsauth.Role{natsauth.Tenant("so-a"), natsauth.Gateway} {
		violations := make(chan error, 4)
		nc, err := natsauth.Connect(fed.NATSURL, r, natsauth.SeedFile(fed.NATSKeys, r), fed.NATSCAFile,
			nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { violations <- err }))
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if err := nc.Publish(subject, []byte(`{"forged":true}`)); err != nil {
			t.Fatal(err)
		}
		nc.Flush()
		select {
		case err := <-violations:
			if !errors.Is(err, nats.ErrPermissionViolation) {
				t.Errorf("%s publishing %s: %v, want a permissions violation", r, subject, err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("%s published %s with no permissions violation", r, subject)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		if _, err := js.Publish(ctx, subject, []byte(`{"forged":true}`)); err == nil {
			t.Errorf("%s: the stream acknowledged a forged event", r)
		}
		cancel()
		nc.Close()
	}
	ops, err := natsauth.Connect(fed.NATSURL, natsauth.Ops, natsauth.SeedFile(fed.NATSKeys, natsauth.Ops), fed.NATSCAFile)
	if err != nil {
		t.Fatal(err)
	}
	defer ops.Close()
	js, err := jetstream.New(ops)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(t.Context(), events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.GetLastMsgForSubject(t.Context(), subject); !errors.Is(err, jetstream.ErrMsgNotFound) {
		t.Errorf("the stream holds a message on %s (%v, %v)", subject, m, err)
	}

	if nc, err := nats.Connect(fed.NATSURL, nats.RootCAs(fed.NATSCAFile), nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("a client without an NKey connected")
	}
	if nc, err := natsauth.Connect(fed.NATSURL, natsauth.Ops, natsauth.SeedFile(fed.NATSKeys, natsauth.Ops), "", nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("a client that does not trust the cluster's CA connected")
	}
}

// TestOpenRedirect: no address through the proxy sends a visitor off the
// site (a Location to another host, or to // which a browser reads as one).
func TestOpenRedirect(t *testing.T) {
	for _, p := range []string{"//evil.example", "//evil.example/", "/%2F%2Fevil.example", "/%2fevil.example", "/%5Cevil.example",
		"/\\evil.example", "/vi//evil.example", "/vi/%2F%2Fevil.example", "/vi/so-a//evil.example", "/vi/so-a/%2F%2Fevil.example/",
		"/vi/feedback?to=//evil.example", "/vi/feedback?to=https://evil.example/", "/vi/subscribe?next=//evil.example",
		"/vi/search/?q=x", "/%09/evil.example", "/vi/so-a/x/?a=//evil.example"} {
		resp, _ := get(t, fed.Gateway+p, "")
		loc := resp.Header.Get("Location")
		if loc == "" {
			continue
		}
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || !strings.HasPrefix(loc, "/") {
			t.Errorf("GET %s: %d to %q, off the site", p, resp.StatusCode, loc)
		}
	}
	// The back office's login goes on, after a successful login, only to
	// an address on its own site, whatever next says.
	sp := fed.SubPortals["so-a"]
	pw, err := os.ReadFile(filepath.Join(varDir, "credentials", "so-a.api-password"))
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example", "/%2F%2Fevil.example", "/\t/evil.example"} {
		code, loc := login(t, sp.URL, "tich-hop-api", strings.TrimSpace(string(pw)), next, "")
		if code != http.StatusSeeOther && code != http.StatusFound {
			t.Fatalf("login with next=%q: %d, want a redirect", next, code)
		}
		if u, err := url.Parse(loc); err != nil || u.Host != "" && u.Host != strings.TrimPrefix(sp.URL, "http://") ||
			strings.Contains(loc, "evil.example") || strings.HasPrefix(loc, "//") {
			t.Errorf("login with next=%q goes to %q", next, loc)
		}
	}
}

// loginAttempt posts a login to the sub-portal's back office as a browser
// does (CSRF token from the form), from a client that claims, in
// X-Forwarded-For, to be forwarded (not believed: no proxy is trusted).
func loginAttempt(t *testing.T, base, user, password, forwardedFor string) int {
	t.Helper()
	code, _ := login(t, base, user, password, "/", forwardedFor)
	return code
}

// login posts a login with next, and returns the answer's status and
// Location.
func login(t *testing.T, base, user, password, next, forwardedFor string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/dang-nhap")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("no CSRF token in the login form (%d)", resp.StatusCode)
	}
	form := url.Values{"csrf_token": {m[1]}, "next": {next}, "username": {user}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, base+"/dang-nhap", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestLoginFlood: a client guessing passwords at a back office is stopped
// (429) within its budget of attempts, whatever X-Forwarded-For it claims,
// and once stopped even the right password does not let it in.
func TestLoginFlood(t *testing.T) {
	sp := fed.SubPortals["phuong-b"]
	pw, err := os.ReadFile(filepath.Join(varDir, "credentials", "phuong-b.api-password"))
	if err != nil {
		t.Fatal(err)
	}
	limited := 0
	for i := range 40 {
		code := loginAttempt(t, sp.URL, "tich-hop-api", fmt.Sprintf("doan-mo-%d", i), fmt.Sprintf("203.0.113.%d", i))
		switch code {
		case http.StatusTooManyRequests:
			limited++
		case http.StatusSeeOther, http.StatusFound:
			t.Fatalf("attempt %d with a wrong password answered %d (logged in?)", i, code)
		}
	}
	if limited == 0 {
		t.Fatal("40 wrong passwords from one client, none refused with 429")
	}
	if code := loginAttempt(t, sp.URL, "tich-hop-api", strings.TrimSpace(string(pw)), "198.51.100.7"); code != http.StatusTooManyRequests {
		t.Errorf("the right password after the flood, from the same client: %d, want 429", code)
	}
}

// TestUploadStarvation: a body beyond the proxy's limit is refused before
// any gateway reads it (413), and the portal keeps answering others.
func TestUploadStarvation(t *testing.T) {
	big := bytes.Repeat([]byte("a"), 2<<20)
	resp, err := noRedirect.Post(fed.Gateway+"/vi/feedback", "application/x-www-form-urlencoded", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB form: %d, want 413", resp.StatusCode)
	}
	if resp, _ := get(t, fed.Gateway+"/vi/", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("the portal after the upload: %d", resp.StatusCode)
	}
}

// TestMarkupCannotBreakOut: an item whose title and body carry script, event
// handlers and javascript: links is either refused by its sub-portal or
// served through the proxy with none of them left active.
func TestMarkupCannotBreakOut(t *testing.T) {
	sp := fed.SubPortals["so-a"]
	id := "thu-chen-ma"
	item := map[string]any{
		"contentId": id, "kind": "CONTENT_KIND_ARTICLE", "category": "news", "state": "PUBLICATION_STATE_PUBLISHED",
		"publishedAt": "2026-11-20T08:00:00+07:00", "author": "Lê Thị Hoa",
		"translations": []map[string]string{{"locale": "vi", "slug": id,
			"title":    `Tiêu đề "></title><script>alert(1)</script>`,
			"summary":  `Tóm tắt' onmouseover='alert(2)`,
			"bodyHtml": `<p>Nội dung</p><script>alert(3)</script><img src=x onerror="alert(4)"><a href="javascript:alert(5)">x</a><svg onload=alert(6)></svg><p style="background:url(javascript:alert(7))">y</p><iframe src="//evil.example"></iframe>`}},
	}
	b, _ := json.Marshal(item)
	req, _ := http.NewRequest(http.MethodPost, sp.URL+"/api/items", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+sp.APIToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Fatalf("push: %d %s", resp.StatusCode, out)
	}
	if resp.StatusCode >= 400 {
		t.Logf("the sub-portal refused the item: %d %s", resp.StatusCode, out)
		return
	}
	var page string
	testenv.WaitFor(t, 2*time.Minute, func() error {
		r, body := get(t, fed.Gateway+"/vi/so-a/"+id, "")
		if r.StatusCode != http.StatusOK {
			return fmt.Errorf("item page: %d", r.StatusCode)
		}
		page = body
		return nil
	})
	for _, found := range activeMarkup(t, page) {
		t.Errorf("the item page carries active markup: %s", found)
	}
}

// activeMarkup parses an HTML page and lists what in it would run a
// script: script elements other than the page's own (none carry "alert"),
// event handler attributes, javascript: addresses, frames, and style
// attributes with url(.
func activeMarkup(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script:
				if n.FirstChild != nil && strings.Contains(n.FirstChild.Data, "alert") {
					found = append(found, "<script> "+n.FirstChild.Data)
				}
			case atom.Iframe, atom.Frame, atom.Object, atom.Embed:
				found = append(found, "<"+n.Data+">")
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(strings.ToLower(a.Key), "on"):
					found = append(found, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
				case strings.HasPrefix(v, "javascript:") || strings.Contains(v, "url(javascript"):
					found = append(found, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// metric reads a gauge or counter from a Prometheus text page.
func metric(t *testing.T, url, name string) float64 {
	t.Helper()
	resp, body := get(t, url, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", url, resp.StatusCode)
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `(?:\{[^}]*\})? ([0-9.e+-]+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no %s", url, name)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// TestHostFlooding: requests through the proxy naming hosts the portal
// does not serve are answered 421 and leave nothing in either gateway's
// page cache, so they cannot evict the real pages.
func TestHostFlooding(t *testing.T) {
	get(t, fed.Gateway+"/vi/", "") // the home page is cached
	before := map[string]float64{}
	for _, g := range fed.Topology.Gateways {
		before[g.Name] = metric(t, "http://"+g.Monitor+"/metrics", "portalhub_gateway_pagecache_entries")
	}
	for i := range 300 {
		host := fmt.Sprintf("h%d.flood.example", i)
		if resp, _ := get(t, fed.Gateway+fmt.Sprintf("/vi/?n=%d", i), host); resp.StatusCode != http.StatusMisdirectedRequest {
			t.Fatalf("Host %s: %d, want 421", host, resp.StatusCode)
		}
	}
	for _, g := range fed.Topology.Gateways {
		after := metric(t, "http://"+g.Monitor+"/metrics", "portalhub_gateway_pagecache_entries")
		if after > before[g.Name]+5 {
			t.Errorf("%s: %v cache entries after 300 unknown hosts, %v before", g.Name, after, before[g.Name])
		}
	}
	if resp, _ := get(t, fed.Gateway+"/vi/", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("the portal after the flood: %d", resp.StatusCode)
	}
}
