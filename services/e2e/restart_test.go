package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestRestartKeepsTheFederationRunning is make run's supervision (issue 12
// point 1): with Options.Restart, a child killed with SIGKILL is started
// again on the address it had, and the federation works on (a push made
// after the kills reaches the portal), instead of everything stopping.
func TestRestartKeepsTheFederationRunning(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var out io.Writer = io.Discard
	if os.Getenv("E2E_VERBOSE") != "" {
		out = os.Stderr
	}
	tenant := federation.Tenant{ID: "xa-r", Kind: "commune", NameVI: "Xã R", NameEN: "Commune R"}
	f, err := federation.Start(ctx, federation.Options{VarDir: t.TempDir(), BinDir: binDir, Ephemeral: true, Restart: true,
		Tenants: []federation.Tenant{tenant}, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()

	health := map[string]string{
		"gateway":                f.GatewayOps + "/readyz", // its ops listener, rebound to its address
		"aggregator":             "http://" + f.HubOpsAddr + "/healthz",
		"subportal " + tenant.ID: f.SubPortals[tenant.ID].URL + "/healthz",
	}
	for name, url := range health {
		k := f.Kept(name)
		if k == nil {
			t.Fatalf("%s is not kept", name)
		}
		before := k.Process()
		if err := syscall.Kill(before.Pid(), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-before.Done()
		testenv.WaitFor(t, time.Minute, func() error {
			if k.Restarts() < 1 {
				return fmt.Errorf("%s not restarted yet", name)
			}
			resp, err := http.Get(url)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %d", url, resp.StatusCode)
			}
			return nil
		})
		if p := k.Process(); p == before || p.Pid() == before.Pid() {
			t.Errorf("%s: the same process after the kill", name)
		}
	}

	// The gateway's and the sub-portal's metrics are on their ops
	// listeners (rebound after the kill), not their public ports.
	spURL, spOps := f.SubPortals[tenant.ID].URL, f.SubPortals[tenant.ID].OpsURL
	for url, want := range map[string]int{f.GatewayOps + "/metrics": http.StatusOK, f.Gateway + "/metrics": http.StatusNotFound,
		f.Gateway + "/readyz": http.StatusNotFound, f.Gateway + "/healthz": http.StatusOK,
		spOps + "/metrics": http.StatusOK, spOps + "/readyz": http.StatusOK, spURL + "/metrics": http.StatusNotFound} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", url, resp.StatusCode, want)
		}
	}

	// The federation still carries a push from the sub-portal to the
	// portal, through the restarted aggregator and gateway.
	sp := f.SubPortals[tenant.ID]
	item := newsItem("sau-khi-khoi-dong-lai", "sau-khi-khoi-dong-lai", "Tin sau khi khởi động lại", "<p>Vẫn chạy</p>")
	if code := callSubPortal(t, sp, "POST", "/api/items", item, nil); code != http.StatusCreated {
		t.Fatalf("publish after the restarts: %d", code)
	}
	testenv.WaitFor(t, time.Minute, func() error {
		resp, err := http.Get(f.Gateway + "/vi/" + tenant.ID + "/sau-khi-khoi-dong-lai")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("item page: %d", resp.StatusCode)
		}
		return nil
	})
}
