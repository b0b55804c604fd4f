package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/featured"
)

type featuredData struct {
	Now   time.Time
	Rows  []featuredRow
	Form  featuredForm
	Error string
	Field string
}

type featuredRow struct {
	featured.Item
	Title string
	State string // running, upcoming, ended
}

type featuredForm struct {
	Tenant, ContentID, Position, Starts, Ends string
}

// featuredItems lists the provincial home's featured items, in the order
// the home shows them, and lets an operator (featured.manage) add one or
// take one off, through the admin API (FeatureItem, UnfeatureItem) as hubctl
// featured add and remove do.
func (s *Server) featuredItems(c *gin.Context) error {
	return s.showFeatured(c, http.StatusOK, featuredData{Form: featuredForm{Position: "0"}})
}

func (s *Server) showFeatured(c *gin.Context, status int, d featuredData) error {
	ctx := c.Request.Context()
	d.Now = s.cfg.Now()
	items, err := featured.New(s.cfg.Store.Pool()).Items(ctx)
	if err != nil {
		return err
	}
	for _, it := range items {
		row := featuredRow{Item: it, State: "running"}
		switch {
		case it.StartsAt.After(d.Now):
			row.State = "upcoming"
		case it.EndsAt != nil && !it.EndsAt.After(d.Now):
			row.State = "ended"
		}
		if oi, err := s.read.OpsItem(ctx, it.Tenant, it.ContentID); err == nil {
			row.Title = oi.Title
		}
		d.Rows = append(d.Rows, row)
	}
	return s.show(c, status, "featured", s.newPage(c, s.loc(c).T("featured.title"), "featured", d))
}

func (s *Server) addFeatured(c *gin.Context) error {
	f := featuredForm{Tenant: strings.TrimSpace(c.PostForm("tenant")), ContentID: strings.TrimSpace(c.PostForm("content_id")),
		Position: strings.TrimSpace(c.PostForm("position")), Starts: c.PostForm("starts"), Ends: c.PostForm("ends")}
	d := featuredData{Form: f}
	pos, err := strconv.Atoi(f.Position)
	if f.Position == "" {
		pos, err = 0, nil
	}
	starts, ok1 := parseLocal(f.Starts)
	ends, ok2 := parseLocal(f.Ends)
	switch {
	case f.Tenant == "" || f.ContentID == "":
		d.Error, d.Field = s.loc(c).T("featured.item_missing"), "tenant"
	case err != nil:
		d.Error, d.Field = s.loc(c).T("featured.bad_position"), "position"
	case !ok1 || !ok2:
		d.Error, d.Field = s.loc(c).T("maintenance.bad_time"), "starts"
	}
	if d.Error != "" {
		return s.showFeatured(c, http.StatusBadRequest, d)
	}
	_, err = s.ops(c).FeatureItem(c.Request.Context(), &pb.FeatureItemRequest{TenantId: f.Tenant, ContentId: f.ContentID,
		Position: int32(pos), StartsAt: timestampOf(starts), EndsAt: timestampOf(ends)})
	if msg, status, ok := s.formRefusal(c, err); ok {
		d.Error, d.Field = msg, "content_id"
		return s.showFeatured(c, status, d)
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/noi-bat?done=featured_added")
	return nil
}

func (s *Server) removeFeatured(c *gin.Context) error {
	_, err := s.ops(c).UnfeatureItem(c.Request.Context(), &pb.UnfeatureItemRequest{TenantId: c.PostForm("tenant"), ContentId: c.PostForm("content_id")})
	if msg, status, ok := s.formRefusal(c, err); ok {
		return s.showFeatured(c, status, featuredData{Form: featuredForm{Position: "0"}, Error: msg})
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/noi-bat?done=featured_removed")
	return nil
}
