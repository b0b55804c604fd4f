package federation

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/natsauth"
)

// TestNATSNodeEnvCoversTheConfig: every $VARIABLE deploy/nats/cluster.conf
// and users.conf read is in the environment the cluster gives each NATS
// node (natsNode.env, and the users' keys as hubctl nats keys prints them),
// quoted so that a path with a space stays one value.
func TestNATSNodeEnvCoversTheConfig(t *testing.T) {
	var text []byte
	for _, f := range []string{NATSConfig, "deploy/nats/users.conf"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		text = append(text, b...)
	}
	n := natsNode{Listen: "127.0.0.1:1", Monitor: "127.0.0.1:2", Route: "127.0.0.1:3", Store: "/var/tmp/a b/nats-1",
		Routes: []string{"nats-route://127.0.0.1:3", "nats-route://127.0.0.1:4", "nats-route://127.0.0.1:5"},
		Cert:   "/c.pem", Key: "/c.key", CA: "/ca.pem"}
	env := map[string]string{}
	for _, kv := range n.env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for _, r := range natsauth.Roles {
		env[r.PublicKeyVariable()] = `"U..."`
	}
	var vars []string
	for _, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		// A variable is a value of its own ($JS.API.> in quotes is a subject).
		if m := regexp.MustCompile(`^\s*(?:[a-z_]+\s*[:=]\s*)?\$([A-Z][A-Z0-9_]*)\s*$`).FindStringSubmatch(line); m != nil {
			vars = append(vars, m[1])
		}
	}
	if len(vars) < 10 {
		t.Fatalf("%d variables in the configuration (%v): the pattern finds none of them?", len(vars), vars)
	}
	for _, v := range vars {
		if _, ok := env[v]; !ok {
			t.Errorf("the configuration reads $%s, which the cluster's NATS nodes are not given", v)
		}
	}
	for k, v := range env {
		if !slices.Contains(vars, k) {
			t.Errorf("the nodes are given %s, which the configuration does not read", k)
		}
		if !strings.HasPrefix(v, `"`) {
			t.Errorf("%s=%s: want a quoted value", k, v)
		}
	}
	if env["NATS_STORE"] != `"/var/tmp/a b/nats-1"` {
		t.Errorf("NATS_STORE=%s", env["NATS_STORE"])
	}
}
