package api

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// Items: /items lists the public items of every tenant and kind (not those
// the hub took down), most recently changed first; /items/{tenant}/{id}
// is one item.

// maxLimit bounds a list page.
const maxLimit = 100

// itemsJSON is a page of items.
type itemsJSON struct {
	Items []itemJSON `json:"items"`
	Links linksJSON  `json:"links"`
}

func registerItems(s *Server, r gin.IRoutes) {
	s.get(r, "/items", func(c *gin.Context) (any, error) { return s.items(c, "") })
	s.get(r, "/items/:tenant/:content_id", s.oneItem)
}

// kindWords are the kinds an items list filters by.
var kindWords = func() []string {
	var out []string
	for n := range pb.ContentKind_name {
		if k := pb.ContentKind(n); k != pb.ContentKind_CONTENT_KIND_UNSPECIFIED {
			out = append(out, contentrules.KindWord(k))
		}
	}
	slices.Sort(out)
	return out
}()

// items answers a page of items, of one kind when kind is not "" (the
// typed lists: legal documents, public services, datasets).
func (s *Server) items(c *gin.Context, kind string) (any, error) {
	known := []string{"tenant", "category", "lang", "updated_since", "limit", cursorParam}
	if kind == "" {
		known = append(known, "kind")
	}
	p := newParams(c.Request.URL.Query(), known...)
	q := hubread.ItemsQuery{Tenant: p.identifier("tenant"), Category: p.identifier("category"), Kind: kind,
		Locale: p.oneOf("lang", hubread.Locales), UpdatedSince: p.time("updated_since"), AnyState: true, ByUpdated: true,
		Limit: p.limit("limit", hubread.PageSize, maxLimit), Cursor: p.cursor(cursorParam, hubread.ItemsKeyFields)}
	if kind == "" {
		q.Kind = p.oneOf("kind", kindWords)
	}
	ctx := c.Request.Context()
	if q.Category != "" {
		if err := s.checkCategory(ctx, p, q.Category); err != nil {
			return nil, err
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	page, err := s.cfg.Store.Items(ctx, q)
	if err != nil {
		return nil, cursorProblem(p, err)
	}
	if len(page.Rows) == 0 && q.Tenant != "" {
		// An empty list may be a misspelt tenant: say so.
		if _, err := s.cfg.Store.Tenant(ctx, q.Tenant); errors.Is(err, hubread.ErrNotFound) {
			p.fail("tenant", "no such tenant")
			return nil, p.err()
		} else if err != nil {
			return nil, err
		}
	}
	out := itemsJSON{Items: []itemJSON{}, Links: s.pageLinks(c, page.Prev, page.Next)}
	for _, it := range page.Rows {
		j, err := s.item(c.Request, it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, j)
	}
	return out, nil
}

// checkCategory fails the category parameter when it names no category of
// the hub's list.
func (s *Server) checkCategory(ctx context.Context, p *params, code string) error {
	cats, err := s.cfg.Categories(ctx)
	if err != nil {
		return err
	}
	var codes []string
	for _, c := range cats {
		if c.Code == code {
			return nil
		}
		codes = append(codes, c.Code)
	}
	p.fail("category", "must be one of: "+fmt.Sprint(codes))
	return nil
}

// cursorProblem turns a store's refusal of a cursor (a well-formed one of
// another list, or whose time does not parse) into a 400 naming it.
func cursorProblem(p *params, err error) error {
	if errors.Is(err, hubread.ErrBadCursor) {
		p.fail(cursorParam, "not a cursor of this list: use the links of a previous answer")
		return p.err()
	}
	return err
}

// oneItem answers one item.
func (s *Server) oneItem(c *gin.Context) (any, error) {
	it, err := s.publicItem(c)
	if err != nil {
		return nil, err
	}
	return s.item(c.Request, it)
}

// publicItem reads the item the path names (/:tenant/:content_id, no query
// parameters): 404 when it does not exist or the hub took it down.
func (s *Server) publicItem(c *gin.Context) (*hubread.Item, error) {
	if err := newParams(c.Request.URL.Query()).err(); err != nil {
		return nil, err
	}
	tenant, id := c.Param("tenant"), c.Param("content_id")
	if !idRE.MatchString(tenant) || !idRE.MatchString(id) {
		return nil, errNotFound // names nothing: the store is not asked
	}
	it, err := s.cfg.Store.ItemByID(c.Request.Context(), tenant, id)
	if err != nil {
		return nil, err
	}
	if it.TakenDown {
		return nil, errNotFound
	}
	return it, nil
}
