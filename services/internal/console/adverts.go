package console

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// advertsShown is how many advertisements each list of the page holds.
const advertsShown = 100

type advertsData struct {
	On             bool // the slot is on (portal_settings)
	Current, Ended []hubstore.Advert
	Form           advertForm
	Error, Field   string
}

type advertForm struct {
	Advertiser, Label, URL, Starts, Ends string
}

// adverts is the advertising slot (Article 13): the advertisements running
// and to come, each with the form that ends it, those ended, and the form
// that adds one (administrators: adverts.manage).
func (s *Server) adverts(c *gin.Context) error { return s.showAdverts(c, http.StatusOK, advertsData{}) }

func (s *Server) showAdverts(c *gin.Context, status int, d advertsData) error {
	got, err := s.ops(c).ListAdverts(c.Request.Context(), &pb.ListAdvertsRequest{Ended: true, Limit: advertsShown})
	if err != nil {
		return err
	}
	d.On, d.Current, d.Ended = got.GetEnabled(), advertsOf(got.GetCurrent()), advertsOf(got.GetEnded())
	return s.show(c, status, "adverts", s.newPage(c, s.loc(c).T("adverts.title"), "adverts", d))
}

func (s *Server) addAdvert(c *gin.Context) error {
	f := advertForm{Advertiser: c.PostForm("advertiser"), Label: c.PostForm("label"), URL: c.PostForm("url"),
		Starts: c.PostForm("starts"), Ends: c.PostForm("ends")}
	d := advertsData{Form: f}
	starts, ok1 := parseLocal(f.Starts)
	ends, ok2 := parseLocal(f.Ends)
	if !ok1 || !ok2 {
		d.Error, d.Field = s.loc(c).T("maintenance.bad_time"), "starts"
		return s.showAdverts(c, http.StatusBadRequest, d)
	}
	added, err := s.ops(c).AddAdvert(c.Request.Context(), &pb.AddAdvertRequest{Advert: &pb.Advert{Advertiser: f.Advertiser, Label: f.Label,
		Url: f.URL, StartsAt: timestampOf(starts), EndsAt: timestampOf(ends)}})
	if msg, status, ok := s.formRefusal(c, err); ok {
		d.Error, d.Field = msg, "advertiser"
		return s.showAdverts(c, status, d)
	}
	if err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Int64("advert", added.GetAdvert().GetId()).Msg("console: advertisement added")
	c.Redirect(http.StatusSeeOther, "/quang-cao?done=advert_added")
	return nil
}

func (s *Server) endAdvert(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	_, err = s.ops(c).EndAdvert(c.Request.Context(), &pb.EndAdvertRequest{Id: id})
	if msg, status, ok := s.formRefusal(c, err); ok {
		return s.showAdverts(c, status, advertsData{Error: msg})
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/quang-cao?done=advert_ended")
	return nil
}

// switchAdverts turns the advertising slot on or off (administrators).
func (s *Server) switchAdverts(c *gin.Context) error {
	on := c.PostForm("on") == "true"
	if _, err := s.ops(c).SetAdvertsEnabled(c.Request.Context(), &pb.SetAdvertsEnabledRequest{Enabled: on}); err != nil {
		return err
	}
	done := "adverts_off"
	if on {
		done = "adverts_on"
	}
	c.Redirect(http.StatusSeeOther, "/quang-cao?done="+done)
	return nil
}
