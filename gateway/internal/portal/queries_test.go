package portal_test

import (
	"net/http"
	"strings"
	"testing"
)

// Pages stay quick as content grows (issue 7 point 8): an uncached item
// page, a section page and the legal register with two filters each cost
// one or two database queries, counted with a pgx tracer on the gateway's
// pool. (The hub's category list is kept in memory; it is read once
// first.)
func TestQueriesPerPage(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.get(t, "/vi/") // the category list and the frame's registry, kept in memory
	for _, tt := range []struct{ name, path string }{
		{"item page", "/vi/sotttt/le-hoi-bien"},
		{"item page of a legal document", "/vi/sotttt/quyet-dinh-15"},
		{"provincial section", "/vi/tin-tuc-su-kien/"},
		{"sub-portal section", "/en/sotttt/news/"},
		{"legal register, two filters", "/vi/van-ban-phap-luat/?type=" + "Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh" + "&year=2025"},
		{"sub-portal legal register, two filters", "/vi/sotttt/van-ban-phap-luat/?validity=in_force&year=2025"},
	} {
		e.queries.take()
		res, doc := e.get(t, tt.path)
		queries := e.queries.take()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s %s: %d", tt.name, tt.path, res.StatusCode)
			continue
		}
		if doc.Find("h1").Length() != 1 {
			t.Errorf("%s: no page", tt.name)
		}
		if len(queries) < 1 || len(queries) > 2 {
			var sqls []string
			for _, q := range queries {
				sqls = append(sqls, strings.Join(strings.Fields(q.sql), " ")[:min(90, len(strings.Join(strings.Fields(q.sql), " ")))])
			}
			t.Errorf("%s %s: %d queries, want 1 or 2:\n  %s", tt.name, tt.path, len(queries), strings.Join(sqls, "\n  "))
		}
	}
}
