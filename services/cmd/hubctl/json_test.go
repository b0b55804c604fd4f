package main

import (
	"encoding/json"
	"flag"
	"io"
	"path/filepath"
	"sort"
	"testing"

	"github.com/portalhub/portalhub/services/opsaccounts"
)

// Every command of the admin API takes --json (issue 10 point 11: human
// and --json output), logout aside, which answers nothing. Suspend,
// resume, revoke, takedown and lift, featured remove, adverts end, enable
// and disable, ops-accounts update, credentials issue and rotate had none.
func TestEveryAPICommandTakesJSON(t *testing.T) {
	var missing []string
	for name, c := range commands {
		if !c.api || name == "logout" {
			continue
		}
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.flags(fs)
		if fs.Lookup("json") == nil {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("commands without --json: %v", missing)
	}
}

// --json writes the API's answer alone on stdout; a token written to --out
// is not repeated in it.
func TestActionsAnswerJSON(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"quantri": opsaccounts.Administrator})
	h.login(t, "quantri")
	if code, _, e := h.ctl("", "tenants", "add", "--id", "so-gd", "--kind", "department", "--name-vi", "Sở Giáo dục"); code != 0 {
		t.Fatalf("tenants add: %d %q", code, e)
	}
	decode := func(args ...string) map[string]any {
		t.Helper()
		code, out, e := h.ctl("", args...)
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil {
			t.Fatalf("%v: %d %q %q (%v), want JSON alone on stdout", args, code, out, e, err)
		}
		return v
	}
	if v := decode("tenants", "suspend", "--id", "so-gd", "--json"); v["status"] != "suspended" {
		t.Errorf("suspend --json: %v", v)
	}
	if v := decode("tenants", "resume", "--id", "so-gd", "--json"); v["status"] != "active" {
		t.Errorf("resume --json: %v", v)
	}
	v := decode("credentials", "issue", "--tenant", "so-gd", "--out", filepath.Join(t.TempDir(), "tok"), "--json")
	cred, _ := v["credential"].(map[string]any)
	if v["token"] != "" || cred["tenant_id"] != "so-gd" {
		t.Errorf("issue --out --json: %v, want the credential without the token", v)
	}
	if v := decode("credentials", "issue", "--tenant", "so-gd", "--json"); v["token"] == "" {
		t.Errorf("issue --json without --out: %v, want the token", v)
	}
	if v := decode("adverts", "enable", "--json"); v["enabled"] != true {
		t.Errorf("adverts enable --json: %v", v)
	}
}
