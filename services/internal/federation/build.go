package federation

import (
	"fmt"
	"os/exec"
	"path/filepath"
)

// Binaries are the programs a federation runs, as module/cmd/name.
var Binaries = []string{"services/cmd/natsd", "services/cmd/hubctl", "services/cmd/aggregator", "gateway/cmd/gateway", "tenants/cmd/subportal"}

// BuildBinaries builds Binaries into dir from the workspace at root, for
// tests run without PORTALHUB_BIN.
func BuildBinaries(root, dir string) error {
	for _, c := range Binaries {
		mod := filepath.Join(root, filepath.Dir(filepath.Dir(c)))
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, filepath.Base(c)), "./"+filepath.Join("cmd", filepath.Base(c)))
		cmd.Dir = mod
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", c, err, out)
		}
	}
	return nil
}
