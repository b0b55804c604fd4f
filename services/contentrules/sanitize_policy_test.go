package contentrules

import (
	"strings"
	"testing"
)

func TestPolicyDropsIDsAndProtocolRelativeImages(t *testing.T) {
	out := htmlPolicy.Sanitize(`<a id="main" href="/x">a</a><img src="//evil.example/x.png" alt="x"><img src="/ok.png" alt="ok"><p lang="en" title="t">p</p>`)
	for _, bad := range []string{`id="main"`, `evil.example`} {
		if strings.Contains(out, bad) {
			t.Errorf("sanitised output keeps %s: %s", bad, out)
		}
	}
	for _, good := range []string{`src="/ok.png"`, `lang="en"`, `title="t"`} {
		if !strings.Contains(out, good) {
			t.Errorf("sanitised output lost %s: %s", good, out)
		}
	}
}
