package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// hubctl categories list gives the codes an item's category takes (issue
// 10 point 13: there was no list), as a table and as JSON, through the
// admin API to a viewer, without DATABASE_URL.
func TestCategoriesList(t *testing.T) {
	_, ctl := siteEnv(t, "xem")
	code, table, e := ctl("categories", "list")
	if code != 0 || !strings.HasPrefix(table, "CODE") || !strings.Contains(table, "news") {
		t.Fatalf("categories list: %d %q %q", code, table, e)
	}
	code, out, e := ctl("categories", "list", "--json")
	var list []categoryJSON
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) == 0 {
		t.Fatalf("categories list --json: %d %q %q", code, out, e)
	}
	article8 := 0
	for _, c := range list {
		if c.Code == "" || c.NameVI == "" || len(c.Kinds) == 0 || !strings.Contains(table, c.Code) {
			t.Errorf("category %+v: want a code, a Vietnamese name and kinds, in the table too", c)
		}
		if c.Article8 > 0 {
			article8++
		}
	}
	if article8 == 0 {
		t.Error("no category names its Article 8 item")
	}
}
