package federation

import (
	"net"
	"slices"
	"testing"
)

// The hub's e-mail links name the address the gateway really listens on.
func TestHubPublicURLNamesTheGatewaysPort(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":           "http://localhost:8080",
		"127.0.0.1:43210": "http://127.0.0.1:43210",
		"0.0.0.0:8081":    "http://localhost:8081",
	} {
		f := &Federation{}
		if err := f.feedbackSecrets(t.TempDir(), addr); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(f.feedbackEnv, "HUB_PUBLIC_URL="+want) {
			t.Errorf("gateway on %s: hub's environment %q lacks HUB_PUBLIC_URL=%s", addr, f.feedbackEnv, want)
		}
	}
}

func TestFixedPort(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:0"} {
		got, err := fixedPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, port, err := net.SplitHostPort(got); err != nil || port == "0" {
			t.Errorf("fixedPort(%q) = %q, want a concrete port", addr, got)
		}
	}
	if got, _ := fixedPort(":8080"); got != ":8080" {
		t.Errorf("fixedPort(:8080) = %q, want it kept", got)
	}
}
