package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/testenv"
)

// waitPage polls a portal path until it answers code and ok(body) holds.
func waitPage(t *testing.T, path string, code int, ok func(body string) bool) {
	t.Helper()
	testenv.WaitFor(t, 20*time.Second, func() error {
		resp, body := get(t, path)
		if resp.StatusCode != code {
			return fmt.Errorf("GET %s: status %d, want %d", path, resp.StatusCode, code)
		}
		if ok != nil && !ok(body) {
			return fmt.Errorf("GET %s: page not as expected yet", path)
		}
		return nil
	})
}
