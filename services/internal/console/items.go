package console

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// maxReason bounds a takedown's public reason and a lift's reason.
const maxReason = 1000

type itemData struct {
	Tenant  hubread.Tenant
	Item    hubread.OpsItem
	History []hubstore.AuditEntry
	Reason  string // the reason typed, kept when the form is refused
	Error   string // catalogue id of the form's error
	Form    string // which form the error is about: "takedown" or "lift"
}

// item is an item's page: its current version and state, the versions the
// hub applied and the takedowns and lifts (from the audit log), and, for an
// operator, the form that takes it down or lifts its takedown.
func (s *Server) item(c *gin.Context) error {
	return s.showItem(c, http.StatusOK, itemData{})
}

func (s *Server) showItem(c *gin.Context, status int, d itemData) error {
	ctx := c.Request.Context()
	tenant, id := c.Param("tenant"), c.Param("content")
	t, err := s.ops(c).GetTenant(ctx, &pb.GetTenantRequest{Id: tenant})
	if err != nil {
		return err
	}
	got, err := s.ops(c).GetItem(ctx, &pb.GetItemRequest{TenantId: tenant, ContentId: id})
	if err != nil {
		return err
	}
	d.Tenant, d.Item, d.History = tenantOf(t.GetTenant()), opsItemOf(got.GetItem()), auditEntriesOf(got.GetHistory())
	title := d.Item.Title
	if title == "" {
		title = id
	}
	return s.show(c, status, "item", s.newPage(c, title, "tenants", d))
}

// reasonOf reads a form's reason: required, at most maxReason characters.
func reasonOf(c *gin.Context) (string, string) {
	r := strings.TrimSpace(c.PostForm("reason"))
	switch {
	case r == "":
		return r, "item.reason_missing"
	case utf8.RuneCountInString(r) > maxReason:
		return r, "item.reason_long"
	}
	return r, ""
}

func itemPath(tenant, id string) string {
	return "/don-vi/" + url.PathEscape(tenant) + "/noi-dung/" + url.PathEscape(id)
}

// takeDown takes the item down with a public reason (operator and above):
// through the admin API, as hubctl's `items takedown`: the store writes the
// audit entry and the event the owning sub-portal hears.
func (s *Server) takeDown(c *gin.Context) error {
	reason, problem := reasonOf(c)
	if problem != "" {
		return s.showItem(c, http.StatusBadRequest, itemData{Reason: reason, Error: problem, Form: "takedown"})
	}
	tenant, id := c.Param("tenant"), c.Param("content")
	if _, err := s.ops(c).TakeDownItem(c.Request.Context(), &pb.TakeDownItemRequest{TenantId: tenant, ContentId: id, Reason: reason}); err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", tenant).Str("content_id", id).Msg("console: item taken down")
	c.Redirect(http.StatusSeeOther, itemPath(tenant, id)+"?done=takedown")
	return nil
}

// lift lifts the item's takedown (operator and above), with the reason
// kept in the audit log.
func (s *Server) lift(c *gin.Context) error {
	reason, problem := reasonOf(c)
	if problem != "" {
		return s.showItem(c, http.StatusBadRequest, itemData{Reason: reason, Error: problem, Form: "lift"})
	}
	tenant, id := c.Param("tenant"), c.Param("content")
	if _, err := s.ops(c).LiftTakedown(c.Request.Context(), &pb.LiftTakedownRequest{TenantId: tenant, ContentId: id, Reason: reason}); err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", tenant).Str("content_id", id).Msg("console: takedown lifted")
	back := itemPath(tenant, id)
	if c.PostForm("back") == "list" {
		back = "/go-xuong"
	}
	c.Redirect(http.StatusSeeOther, back+"?done=lifted")
	return nil
}

type takedownsData struct {
	Items      []hubread.OpsItem
	Prev, Next string
}

// takedowns lists the items taken down, newest first, each with the form
// that lifts it (operators).
func (s *Server) takedowns(c *gin.Context) error {
	pg, err := s.ops(c).ListTakedowns(c.Request.Context(), &pb.ListTakedownsRequest{PageToken: c.Query("page"), PageSize: itemsPageSize})
	if err != nil {
		return err
	}
	d := takedownsData{Items: opsItemsOf(pg.GetItems()), Prev: pageLink("/go-xuong", nil, pg.GetPrevPageToken()),
		Next: pageLink("/go-xuong", nil, pg.GetNextPageToken())}
	return s.show(c, http.StatusOK, "takedowns", s.newPage(c, s.loc(c).T("takedowns.title"), "takedowns", d))
}

// pageLink is the address of a list's page at token (a page token of the
// admin API, a hubread cursor) with the list's filters q; "" without one.
func pageLink(path string, q url.Values, token string) string {
	if token == "" {
		return ""
	}
	v := url.Values{}
	for k, vs := range q {
		if len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	v.Set("page", token)
	return path + "?" + v.Encode()
}

type refusalsData struct {
	Filter     hubread.RefusalFilter
	Rows       []hubread.Refusal
	Prev, Next string
}

// refusals lists the pushes the hub refused, the latest first, by tenant
// and reason.
func (s *Server) refusals(c *gin.Context) error {
	f := hubread.RefusalFilter{Tenant: strings.TrimSpace(c.Query("tenant")), Reason: strings.TrimSpace(c.Query("reason"))}
	pg, err := s.ops(c).ListRefusals(c.Request.Context(), &pb.ListRefusalsRequest{TenantId: f.Tenant, Reason: f.Reason,
		PageToken: c.Query("page"), PageSize: itemsPageSize})
	if err != nil {
		return err
	}
	q := url.Values{"tenant": {f.Tenant}, "reason": {f.Reason}}
	d := refusalsData{Filter: f, Rows: refusalsOf(pg.GetRefusals()), Prev: pageLink("/bi-tu-choi", q, pg.GetPrevPageToken()),
		Next: pageLink("/bi-tu-choi", q, pg.GetNextPageToken())}
	return s.show(c, http.StatusOK, "refusals", s.newPage(c, s.loc(c).T("refusals.title"), "refusals", d))
}
