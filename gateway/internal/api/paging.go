package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
)

// cursorParam is the query parameter holding a list's cursor.
const cursorParam = "cursor"

// linksJSON leads from one page of a list to the others: first is the list
// without a cursor, next and prev are absent at either end.
type linksJSON struct {
	Self  string `json:"self"`
	First string `json:"first"`
	Next  string `json:"next,omitempty"`
	Prev  string `json:"prev,omitempty"`
}

// pageLinks makes the links of a page of the request's list (its query
// kept, the cursor replaced) and sets them in the Link header (RFC 8288)
// too.
func (s *Server) pageLinks(c *gin.Context, prev, next *hubread.Cursor) linksJSON {
	base := s.cfg.Links.Origin(c.Request) + c.Request.URL.Path
	at := func(cur *hubread.Cursor) string {
		q := c.Request.URL.Query()
		q.Del(cursorParam)
		if cur != nil {
			q.Set(cursorParam, cur.String())
		}
		if len(q) == 0 {
			return base
		}
		return base + "?" + q.Encode()
	}
	l := linksJSON{Self: base, First: at(nil)}
	if c.Request.URL.RawQuery != "" {
		l.Self = base + "?" + c.Request.URL.RawQuery
	}
	header := []string{`<` + l.First + `>; rel="first"`}
	if next != nil {
		l.Next = at(next)
		header = append(header, `<`+l.Next+`>; rel="next"`)
	}
	if prev != nil {
		l.Prev = at(prev)
		header = append(header, `<`+l.Prev+`>; rel="prev"`)
	}
	c.Header("Link", strings.Join(header, ", "))
	return l
}
