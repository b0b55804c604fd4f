package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runBrowserTest runs one of tests/browser's node tests in Debian's headless
// Chromium with env added. Under make test (PORTALHUB_BIN set) the browser
// and the npm packages are installed by make, so their absence fails.
func runBrowserTest(t *testing.T, script string, env ...string) {
	t.Helper()
	dir, err := filepath.Abs("../../tests/browser")
	if err != nil {
		t.Fatal(err)
	}
	_, errNode := exec.LookPath("node")
	_, errChromium := exec.LookPath("chromium")
	_, errModules := os.Stat(filepath.Join(dir, "node_modules", "playwright-core"))
	if errNode != nil || errChromium != nil || errModules != nil {
		msg := "browser tests need node, chromium and tests/browser/node_modules (make deps installs them)"
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
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		err = <-done
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out.String())
	}
	t.Logf("%s:\n%s", script, out.String())
}

func TestPortalPagesMeetWCAG21AA(t *testing.T) {
	if code := subportalCall(t, "so-a", "POST", "/api/items", newsItem("trang-kiem-thu-tiep-can", "trang-kiem-thu-tiep-can",
		"Trang kiểm thử khả năng tiếp cận", "<h2>Mục</h2><p>Đoạn văn có <a href=\"/vi/\">liên kết</a>.</p><ul><li>Một</li><li>Hai</li></ul>"), nil); code != 201 {
		t.Fatalf("create: %d", code)
	}
	waitPage(t, "/vi/so-a/trang-kiem-thu-tiep-can", 200, nil)
	var urls []string
	for _, p := range []string{"/vi/", "/en/", "/ru/", "/vi/so-a/", "/en/phuong-b/", "/vi/so-a/trang-kiem-thu-tiep-can", "/en/so-a/trang-kiem-thu-tiep-can"} {
		urls = append(urls, fed.Gateway+p)
	}
	runBrowserTest(t, "accessibility.test.mjs", "PORTAL_URLS="+strings.Join(urls, " "))
}

func TestBackOfficeFlowInBrowser(t *testing.T) {
	const tenant, password = "so-a", "mat-khau-thu-nghiem-2026"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := fed.RunSubPortalCommand(ctx, tenant, []string{"SUBPORTAL_DEMO_PASSWORD=" + password}, "users", "demo"); err != nil {
		t.Fatal(err)
	}
	runBrowserTest(t, "backoffice.test.mjs",
		"BACKOFFICE_URL="+fed.SubPortals[tenant].URL, "GATEWAY_URL="+fed.Gateway, "TENANT="+tenant, "DEMO_PASSWORD="+password)
}
