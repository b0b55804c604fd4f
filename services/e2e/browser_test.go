package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/testenv"
)

// runBrowserTest runs one of tests/browser's node tests (in Debian's
// headless Chromium) with env added, stopping it after limit. Under make
// test (PORTALHUB_BIN set) the browser, Java and the npm packages are
// installed by make, so their absence fails.
func runBrowserTest(t *testing.T, script string, limit time.Duration, env ...string) {
	t.Helper()
	dir, err := filepath.Abs("../../tests/browser")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, bin := range []string{"node", "chromium", "java"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	for _, pkg := range []string{"playwright-core", "lighthouse", "vnu-jar"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			missing = append(missing, "tests/browser/node_modules/"+pkg)
		}
	}
	if len(missing) > 0 {
		msg := "browser tests need " + strings.Join(missing, ", ") + " (make deps installs them)"
		if os.Getenv("PORTALHUB_BIN") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command("node", "--test", "--test-reporter=spec", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		err = <-done
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out.String())
	}
	t.Logf("%s:\n%s", script, out.String())
}

// The demo catalogue runs in this federation (demoTenants); the states it
// does not have are made once, before the first check of pages.json.
var demoStates sync.Once

const withdrawnReason = "Nội dung đã được cập nhật trong thông báo mới"

func makeDemoStates(t *testing.T) {
	t.Helper()
	demoStates.Do(func() {
		// pages.json's "item withdrawn".
		const tenant, id, path = "phuong-nha-trang", "ngay-hoi-dai-doan-ket-toan-dan-toc-2026",
			"/vi/phuong-nha-trang/phuong-nha-trang-to-chuc-ngay-hoi-dai-doan-ket-toan-dan-toc-nam-2026"
		if code := subportalCall(t, tenant, "POST", "/api/items/"+id+"/withdraw",
			map[string]string{"reason": withdrawnReason}, nil); code != http.StatusOK {
			t.Fatalf("withdraw %s: got %d", id, code)
		}
		testenv.WaitFor(t, 60*time.Second, func() error {
			return pageShows(fed.Gateway+path, withdrawnReason)
		})
	})
}

// localClient follows redirects and reaches the demo's *.localhost host
// names on this machine, as a browser does.
var localClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
	DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(host, ".localhost") {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}

// pageShows tells whether the page at url, redirects followed, answers 200 with s.
func pageShows(url, s string) error {
	resp, err := localClient.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(s)) {
		return fmt.Errorf("GET %s: status %d, not yet showing %q", url, resp.StatusCode, s)
	}
	return nil
}

// The checks of every page type of the public portal (tests/browser/pages.json)
// in every language: axe-core's WCAG 2.1 AA rules, the Nu Html Checker, and
// Lighthouse's scores (tests/browser/README.md). They only read pages, each
// in its own browser or checker. axe's and the HTML checker's run side by
// side (t.Parallel), after the package's other tests, some of which kill and
// restart the federation's processes. Lighthouse's performance score is
// simulated from the wall time of the page's main-thread tasks, so it waits
// for those two (pageChecks); make test runs it in a step of its own, after
// every other test, with the machine to itself (scripts/test.sh).
var pageChecks sync.WaitGroup

func TestPortalPagesMeetWCAG21AA(t *testing.T) {
	pageChecks.Add(1)
	defer pageChecks.Done()
	t.Parallel()
	makeDemoStates(t)
	runBrowserTest(t, "accessibility.test.mjs", 20*time.Minute, "GATEWAY_URL="+fed.Gateway)
}

func TestPortalPagesAreValidHTML(t *testing.T) {
	pageChecks.Add(1)
	defer pageChecks.Done()
	t.Parallel()
	makeDemoStates(t)
	runBrowserTest(t, "html.test.mjs", 5*time.Minute, "GATEWAY_URL="+fed.Gateway)
}

func TestPortalPagesScoreInLighthouse(t *testing.T) {
	t.Parallel()
	pageChecks.Wait()
	makeDemoStates(t)
	runBrowserTest(t, "lighthouse.test.mjs", 25*time.Minute, "GATEWAY_URL="+fed.Gateway)
}

func TestBackOfficeFlowInBrowser(t *testing.T) {
	const tenant, password = "so-a", "mat-khau-thu-nghiem-2026"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := fed.RunSubPortalCommand(ctx, tenant, []string{"SUBPORTAL_DEMO_PASSWORD=" + password}, "users", "demo"); err != nil {
		t.Fatal(err)
	}
	runBrowserTest(t, "backoffice.test.mjs", 5*time.Minute,
		"BACKOFFICE_URL="+fed.SubPortals[tenant].URL, "GATEWAY_URL="+fed.Gateway, "TENANT="+tenant, "DEMO_PASSWORD="+password)
}

// The ops console's pages, signed in as the demo administrator, through axe-core
// and the Nu Html Checker (tests/browser/console.test.mjs). CONSOLE_SCREENSHOTS
// names a folder to keep each page's screenshots at 360 and 1280 px in.
func TestConsolePagesInBrowser(t *testing.T) {
	if fed.DemoPassword == "" {
		t.Fatal("the federation has no demo ops accounts")
	}
	env := []string{"CONSOLE_URL=" + fed.Console, "CONSOLE_USER=quantri", "CONSOLE_PASSWORD=" + fed.DemoPassword,
		"CONSOLE_TENANT=so-du-lich"}
	if dir := os.Getenv("CONSOLE_SCREENSHOTS"); dir != "" {
		env = append(env, "SCREENSHOTS="+dir)
	}
	runBrowserTest(t, "console.test.mjs", 10*time.Minute, env...)
}
