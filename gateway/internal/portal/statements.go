package portal

import (
	"context"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The accessibility statement (/{lang}/accessibility) and the personal-data
// notice (/{lang}/privacy) that every page's footer links (Decree 42): fixed
// texts of the catalogue (statements.*.toml), each a lead, numbered
// sections ("<page>.<n>.h" and its paragraphs "<page>.<n>.p<m>") and a
// closing line with its date.

type statementSection struct {
	Heading    string
	Paragraphs []string
}

type statementView struct {
	base
	Lead     string
	Sections []statementSection
	Closing  string
	// Related are the pages a statement links at its end.
	Related []statementLink
}

type statementLink struct{ URL, Label string }

// statementPaths are the statements' addresses after /{lang}/, and
// statementRelated the pages each links: the personal-data notice and its
// processing record (issue 9 point 6: what, why, how long, who receives)
// link each other and the deletion of a question's personal data.
var (
	statementPaths   = map[string]string{"accessibility": "accessibility", "privacy": "privacy", "record": "privacy/record"}
	statementRelated = map[string][]string{"privacy": {"record", "delete"}, "record": {"privacy", "delete"}}
	relatedPaths     = map[string]string{"privacy": "privacy", "record": "privacy/record", "delete": "feedback/delete"}
)

// statement serves the statement named page ("accessibility", "privacy",
// "record").
func (s *Server) statement(page string) func(c *gin.Context) error {
	path := statementPaths[page]
	return func(c *gin.Context) error {
		lang, err := langParam(c)
		if err != nil {
			return err
		}
		origin := s.origin(c.Request)
		return s.cached(c, func(context.Context) (*pagecache.Render, error) {
			v := statementView{base: s.newBase(origin, lang, func(l string) string { return "/" + l + "/" + path }, nil)}
			l := v.L
			v.Title, v.Description = l.T(page+".title"), l.T(page+".description")
			v.Lead, v.Closing = l.T(page+".lead"), l.T(page+".updated")
			v.Sections = statementSections(l, page)
			for _, r := range statementRelated[page] {
				v.Related = append(v.Related, statementLink{URL: "/" + lang + "/" + relatedPaths[r], Label: l.T("statement.related." + r)})
			}
			return s.page("statement", v, nil)
		})
	}
}

// statementSections reads the numbered sections of page from the
// catalogue, up to the first number it lacks.
func statementSections(l *i18n.Localizer, page string) []statementSection {
	has := func(id string) (string, bool) {
		t := l.T(id)
		return t, !strings.HasPrefix(t, "[")
	}
	var out []statementSection
	for n := 1; ; n++ {
		prefix := page + "." + strconv.Itoa(n)
		h, ok := has(prefix + ".h")
		if !ok {
			return out
		}
		sec := statementSection{Heading: h}
		for m := 1; ; m++ {
			p, ok := has(prefix + ".p" + strconv.Itoa(m))
			if !ok {
				break
			}
			sec.Paragraphs = append(sec.Paragraphs, p)
		}
		out = append(out, sec)
	}
}
