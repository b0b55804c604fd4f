package console

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// itemsPageSize is how many items a page of a tenant's items shows.
const itemsPageSize = 50

// complianceWeeks is how many weeks, the current one included, a tenant's
// page assesses.
const complianceWeeks = 6

var itemStates = []string{"published", "withdrawn", "redirected", "gone", "down"}

// translationLocales are the languages beside Vietnamese an item's list
// can be filtered on lacking (the coverage view links there).
var translationLocales = []string{"en", "ru"}

// itemKindWords are the item kinds as the hub's tables spell them, in the
// contract's order.
func itemKindWords() []string {
	var words []string
	for k := range len(pb.ContentKind_name) {
		if kind := pb.ContentKind(k); kind != pb.ContentKind_CONTENT_KIND_UNSPECIFIED {
			words = append(words, contentrules.KindWord(kind))
		}
	}
	return words
}

type tenantData struct {
	Tenant      hubread.Tenant
	Credentials []hubstore.Credential
	Filter      hubread.OpsItemFilter
	States      []string
	Kinds       []string // item kinds' words, for the items' filter
	Lacks       []string // the languages an item may lack, for the filter
	Items       []hubread.OpsItem
	Prev, Next  string
	Compliance  []compliance.Assessment
	Rules       bool
	Audit       []hubstore.AuditEntry
	Refused     []hubread.Refusal
}

// tenant is a tenant's page: its registry entry and host names, its
// credentials, its items (searchable, keyset-paged), its Article 11 status
// in the last weeks, its refused pushes and its latest audit entries.
func (s *Server) tenant(c *gin.Context) error {
	ctx := c.Request.Context()
	id := c.Param("tenant")
	t, err := s.read.Tenant(ctx, id)
	if err != nil {
		return err
	}
	d := tenantData{Tenant: t, States: itemStates, Rules: s.cfg.Rules != nil,
		Filter: hubread.OpsItemFilter{Tenant: id, Query: c.Query("q"), State: c.Query("state"),
			Kind: c.Query("kind"), Lacks: c.Query("lacks")}}
	if d.Filter.State != "" && !slices.Contains(itemStates, d.Filter.State) ||
		d.Filter.Kind != "" && contentrules.KindOfWord(d.Filter.Kind) == pb.ContentKind_CONTENT_KIND_UNSPECIFIED ||
		d.Filter.Lacks != "" && !slices.Contains(translationLocales, d.Filter.Lacks) {
		return errBadInput
	}
	d.Kinds, d.Lacks = itemKindWords(), translationLocales
	if d.Credentials, err = s.cfg.Store.ListCredentials(ctx, id); err != nil {
		return err
	}
	cur, err := cursorOf(c, hubread.OpsItemsKeyFields)
	if err != nil {
		return err
	}
	pg, err := s.read.OpsItems(ctx, d.Filter, cur, itemsPageSize)
	if err != nil {
		return err
	}
	d.Items = pg.Rows
	q := url.Values{"q": {d.Filter.Query}, "state": {d.Filter.State}, "kind": {d.Filter.Kind}, "lacks": {d.Filter.Lacks}}
	path := "/don-vi/" + url.PathEscape(id)
	d.Prev, d.Next = pageLink(path, q, cursorToken(pg.Prev)), pageLink(path, q, cursorToken(pg.Next))
	if s.cfg.Rules != nil {
		now := s.cfg.Now()
		last := compliance.WeekOf(now)
		first := compliance.WeekOf(last.Start().AddDate(0, 0, -7*(complianceWeeks-1)))
		updates, err := s.cfg.Store.TenantComplianceUpdates(ctx, id, first.Start(), last.End(), s.cfg.Rules.Counting.BulkImportAgeDays)
		if err != nil {
			return err
		}
		as, err := s.cfg.Rules.Report([]compliance.Tenant{complianceTenant(t)}, compliance.Weeks(first.Start(), last.Start()), updates, now)
		if err != nil {
			return err
		}
		slices.Reverse(as)
		d.Compliance = as
	}
	if d.Refused, err = s.read.Refusals(ctx, hubread.RefusalFilter{Tenant: id}, nil, 10); err != nil {
		return err
	}
	if d.Audit, err = s.cfg.Store.ListAudit(ctx, hubstore.AuditFilter{Tenant: id, Limit: 10}); err != nil {
		return err
	}
	return s.show(c, http.StatusOK, "tenant", s.newPage(c, t.Name(s.loc(c).Lang), "tenants", d))
}

// cursorOf reads the request's ?page= cursor of a list whose key has
// fields fields; nil for the first page.
// cursorToken is a hubread cursor as a page token; "" for none.
func cursorToken(cur *hubread.Cursor) string {
	if cur == nil {
		return ""
	}
	return cur.String()
}

func cursorOf(c *gin.Context, fields int) (*hubread.Cursor, error) {
	p := c.Query("page")
	if p == "" {
		return nil, nil
	}
	cur, err := hubread.ParseCursor(p, fields)
	if err != nil {
		return nil, err
	}
	return &cur, nil
}
