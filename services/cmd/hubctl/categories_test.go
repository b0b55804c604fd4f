package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

// hubctl categories list gives the codes an item's category takes (issue
// 10 point 13: there was no list), as a table and as JSON.
func TestCategoriesList(t *testing.T) {
	url := testenv.Postgres(t, "hubctl", hubschema.Migrate)
	env := func(k string) string { return map[string]string{"DATABASE_URL": url, "USER": "operator"}[k] }
	ctl := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, env, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, table, e := ctl("categories", "list")
	if code != 0 || !strings.HasPrefix(table, "CODE") || !strings.Contains(table, "news") {
		t.Fatalf("categories list: %d %q %q", code, table, e)
	}
	t.Log(table)
	code, out, e := ctl("categories", "list", "--json")
	var list []categoryJSON
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) == 0 {
		t.Fatalf("categories list --json: %d %q %q", code, out, e)
	}
	for _, c := range list {
		if c.Code == "" || c.NameVI == "" || !strings.Contains(table, c.Code) {
			t.Errorf("category %+v: want a code and a Vietnamese name, in the table too", c)
		}
	}
}
