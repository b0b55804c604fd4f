package console

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

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
	var err error
	if d.Current, d.Ended, err = s.cfg.Store.ListAdverts(c.Request.Context(), s.cfg.Now(), advertsShown); err != nil {
		return err
	}
	if d.On, err = s.cfg.Store.AdvertsEnabled(c.Request.Context()); err != nil {
		return err
	}
	return s.show(c, status, "adverts", s.newPage(c, s.loc(c).T("adverts.title"), "adverts", d))
}

// refusal shows a store's *hubstore.Invalid in the page's language; ok is
// false for any other error.
func (s *Server) refusal(c *gin.Context, err error) (string, bool) {
	var invalid *hubstore.Invalid
	if !errors.As(err, &invalid) {
		return "", false
	}
	if s.loc(c).Lang == "en" {
		return invalid.English, true
	}
	return invalid.Vietnamese, true
}

func (s *Server) addAdvert(c *gin.Context) error {
	f := advertForm{Advertiser: c.PostForm("advertiser"), Label: c.PostForm("label"), URL: c.PostForm("url"),
		Starts: c.PostForm("starts"), Ends: c.PostForm("ends")}
	d := advertsData{Form: f}
	a := hubstore.Advert{Advertiser: f.Advertiser, Label: f.Label, URL: f.URL}
	var ok1, ok2 bool
	a.StartsAt, ok1 = parseLocal(f.Starts)
	a.EndsAt, ok2 = parseLocal(f.Ends)
	if !ok1 || !ok2 {
		d.Error, d.Field = s.loc(c).T("maintenance.bad_time"), "starts"
		return s.showAdverts(c, http.StatusBadRequest, d)
	}
	added, err := s.cfg.Store.AddAdvert(c.Request.Context(), actor(c), a)
	if msg, ok := s.refusal(c, err); ok {
		d.Error, d.Field = msg, "advertiser"
		return s.showAdverts(c, http.StatusBadRequest, d)
	}
	if err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Int64("advert", added.ID).Msg("console: advertisement added")
	c.Redirect(http.StatusSeeOther, "/quang-cao?done=advert_added")
	return nil
}

func (s *Server) endAdvert(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	err = s.cfg.Store.EndAdvert(c.Request.Context(), actor(c), id, s.cfg.Now())
	if msg, ok := s.refusal(c, err); ok {
		return s.showAdverts(c, http.StatusBadRequest, advertsData{Error: msg})
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
	if err := s.cfg.Store.SetAdvertsEnabled(c.Request.Context(), actor(c), on); err != nil {
		return err
	}
	done := "adverts_off"
	if on {
		done = "adverts_on"
	}
	c.Redirect(http.StatusSeeOther, "/quang-cao?done="+done)
	return nil
}
