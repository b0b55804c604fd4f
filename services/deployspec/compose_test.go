// Package deployspec checks the deployment descriptors in deploy/ (issue 12
// point 6): the compose file against the Compose Specification's JSON
// schema and its own consistency, with the Compose reference loader
// (compose-go, which docker compose uses), and that it runs the very
// configuration files make cluster runs.
package deployspec

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

const deployDir = "../../deploy"

func loadCompose(t *testing.T, file string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{file}, cli.WithName("portalhub"), cli.WithWorkingDirectory(deployDir),
		cli.WithLoadOptions(func(o *loader.Options) {
			// The secrets (env files) are made on the host before the first
			// start (compose.yaml's header); they are not in the repository.
			o.SkipResolveEnvironment = true
		}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return p
}

// TestComposeFileIsValid: deploy/compose.yaml passes the Compose
// Specification's schema and the loader's consistency checks (services
// named in depends_on exist, volumes are declared, ...), and a file with a
// misspelt key does not (the check can fail).
func TestComposeFileIsValid(t *testing.T) {
	p := loadCompose(t, filepath.Join(deployDir, "compose.yaml"))
	for _, want := range []string{"nats-1", "nats-2", "nats-3", "postgres", "postgres-replica", "aggregator", "aggregator-2",
		"gateway", "gateway-2", "nginx"} {
		if _, err := p.GetService(want); err != nil {
			t.Errorf("compose.yaml has no service %s", want)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("services:\n  gateway:\n    image: debian\n    enviroment: {A: b}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{bad}, cli.WithName("bad"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := opts.LoadProject(context.Background()); err == nil || !strings.Contains(err.Error(), "enviroment") {
		t.Errorf("a misspelt key was accepted (%v)", err)
	}
}

// TestComposeRunsTheClusterConfigs: what compose.yaml mounts from deploy/
// exists, and its NATS nodes and nginx run the very files make cluster
// runs (nats/cluster.conf, nginx/portalhub.conf.template), nginx given a
// value for every placeholder of the template.
func TestComposeRunsTheClusterConfigs(t *testing.T) {
	p := loadCompose(t, filepath.Join(deployDir, "compose.yaml"))
	abs, err := filepath.Abs(deployDir)
	if err != nil {
		t.Fatal(err)
	}
	mounted := map[string][]string{} // deploy file -> services
	for name, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			rel, err := filepath.Rel(abs, v.Source)
			if err != nil || strings.HasPrefix(rel, "..") || strings.HasPrefix(rel, "secrets") || rel == "smtp.env" {
				continue // the binaries, secrets and settings made on the host
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("service %s mounts %s, which deploy/ does not hold", name, rel)
			}
			mounted[rel] = append(mounted[rel], name)
		}
	}
	for _, c := range []struct {
		file     string
		services []string
	}{
		{"nats/cluster.conf", []string{"nats-1", "nats-2", "nats-3"}},
		{"nats/users.conf", []string{"nats-1", "nats-2", "nats-3"}},
		{"nginx/portalhub.conf.template", []string{"nginx"}},
		{"prometheus", []string{"prometheus"}},
		{"postgres/replication.sh", []string{"postgres"}},
	} {
		for _, s := range c.services {
			if !slices.Contains(mounted[c.file], s) {
				t.Errorf("service %s does not run deploy/%s (mounted: %v)", s, c.file, mounted[c.file])
			}
		}
	}

	tmpl, err := os.ReadFile(filepath.Join(deployDir, "nginx", "portalhub.conf.template"))
	if err != nil {
		t.Fatal(err)
	}
	nginx, err := p.GetService("nginx")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`).FindAllStringSubmatch(string(tmpl), -1) {
		if _, ok := nginx.Environment[m[1]]; !ok {
			t.Errorf("nginx's environment has no %s, a placeholder of the template", m[1])
		}
	}
}

// TestComposeGivesTheNATSVariables: each NATS node's environment gives
// every $VARIABLE of nats/cluster.conf and users.conf a value (the users'
// public keys from secrets/nats-users.env, which hubctl nats keys prints),
// the monitoring on loopback, and the file at the path it mounts.
func TestComposeGivesTheNATSVariables(t *testing.T) {
	p := loadCompose(t, filepath.Join(deployDir, "compose.yaml"))
	var text []byte
	for _, f := range []string{"cluster.conf", "users.conf"} {
		b, err := os.ReadFile(filepath.Join(deployDir, "nats", f))
		if err != nil {
			t.Fatal(err)
		}
		text = append(text, b...)
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
		t.Fatalf("%d variables in nats/cluster.conf and users.conf: the pattern finds none of them?", len(vars))
	}
	for _, name := range []string{"nats-1", "nats-2", "nats-3"} {
		s, err := p.GetService(name)
		if err != nil {
			t.Fatal(err)
		}
		usersEnv := slices.ContainsFunc(s.EnvFiles, func(f types.EnvFile) bool { return strings.HasSuffix(f.Path, "secrets/nats-users.env") })
		for _, v := range vars {
			if strings.HasSuffix(v, "_NKEY") {
				if !usersEnv {
					t.Errorf("%s: $%s comes from secrets/nats-users.env, which it does not read", name, v)
				}
				continue
			}
			if val, ok := s.Environment[v]; !ok || val == nil || *val == "" {
				t.Errorf("%s: no value for $%s, which nats/cluster.conf reads", name, v)
			}
		}
		if m := s.Environment["NATS_MONITOR"]; m == nil || !strings.HasPrefix(*m, "127.0.0.1:") {
			t.Errorf("%s: NATS_MONITOR %v, want loopback (the monitoring answers anyone)", name, m)
		}
		if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == "/etc/nats/cluster.conf" }) ||
			!slices.Contains(s.Command, "/etc/nats/cluster.conf") {
			t.Errorf("%s: command %v does not run the cluster.conf it mounts", name, s.Command)
		}
	}
}

// TestComposeGivesTheReplicationScriptItsFiles: postgres/replication.sh's
// defaults (the password file) are what the primary's service mounts, and
// the replica's base backup uses the slot and role the script makes.
func TestComposeGivesTheReplicationScriptItsFiles(t *testing.T) {
	p := loadCompose(t, filepath.Join(deployDir, "compose.yaml"))
	b, err := os.ReadFile(filepath.Join(deployDir, "postgres", "replication.sh"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	m := regexp.MustCompile(`REPLICATOR_PASSWORD_FILE:-([^}]+)}`).FindStringSubmatch(script)
	slot := regexp.MustCompile(`REPLICATION_SLOT:-([^}]+)}`).FindStringSubmatch(script)
	if m == nil || slot == nil {
		t.Fatal("replication.sh has no default for REPLICATOR_PASSWORD_FILE or REPLICATION_SLOT")
	}
	for _, name := range []string{"postgres", "postgres-replica"} {
		s, err := p.GetService(name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == m[1] }) {
			t.Errorf("%s does not mount the replicator's password at %s, where replication.sh reads it", name, m[1])
		}
	}
	replica, err := p.GetService("postgres-replica")
	if err != nil {
		t.Fatal(err)
	}
	cmd := strings.Join(replica.Command, " ")
	if !strings.Contains(cmd, "-S "+slot[1]) || !strings.Contains(cmd, "-U replicator") || !strings.Contains(script, "CREATE ROLE replicator") {
		t.Errorf("the replica's base backup (%s) does not go through the slot %s as replicator, which replication.sh makes", cmd, slot[1])
	}
}
