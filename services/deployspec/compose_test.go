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
