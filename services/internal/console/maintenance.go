package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/maintenance"
)

// maintenanceHistory is how many past windows the page lists.
const maintenanceHistory = 50

// maintenanceCurrent bounds the windows to come and running that the page
// lists: the admin API's most.
const maintenanceCurrent = 10000

type maintenanceData struct {
	Now      time.Time
	Current  []maintenanceRow // not ended: scheduled, announced, ongoing (and cancelled ones that would not have ended)
	History  []maintenanceRow
	Form     maintenanceForm
	Error    string // the store's refusal, in the page's language
	ErrField string // the field it is about, for the error summary's link
}

type maintenanceRow struct {
	maintenance.Window
	State maintenance.State
}

// maintenanceForm is the scheduling form as typed: times as the
// datetime-local fields send them, in GMT+7.
type maintenanceForm struct {
	Announce, Starts, Ends          string
	MessageVI, MessageEN, MessageRU string
}

const localLayout = "2006-01-02T15:04"

// maintenance lists the maintenance windows (Article 12.2): those to come
// and running, each with the form that cancels it, the history, and the
// form that schedules one (operators).
func (s *Server) maintenance(c *gin.Context) error {
	return s.showMaintenance(c, http.StatusOK, maintenanceData{})
}

func (s *Server) showMaintenance(c *gin.Context, status int, d maintenanceData) error {
	ctx := c.Request.Context()
	d.Now = s.cfg.Now()
	cur, err := s.ops(c).ListMaintenanceWindows(ctx, &pb.ListMaintenanceWindowsRequest{Limit: maintenanceCurrent})
	if err != nil {
		return err
	}
	hist, err := s.ops(c).ListMaintenanceWindows(ctx, &pb.ListMaintenanceWindowsRequest{History: true, Limit: maintenanceHistory})
	if err != nil {
		return err
	}
	current, history := windowsOf(cur.GetWindows()), windowsOf(hist.GetWindows())
	for _, w := range current {
		d.Current = append(d.Current, maintenanceRow{w, w.StateAt(d.Now)})
	}
	for _, w := range history {
		if state := w.StateAt(d.Now); state == maintenance.Ended || (state == maintenance.Cancelled && !w.EndsAt.After(d.Now)) {
			d.History = append(d.History, maintenanceRow{w, state})
		}
	}
	return s.show(c, status, "maintenance", s.newPage(c, s.loc(c).T("maintenance.title"), "maintenance", d))
}

// parseLocal reads a datetime-local field in GMT+7; "" is the zero time.
func parseLocal(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(localLayout, v, compliance.Zone)
	return t, err == nil
}

// timestampOf is a form's time for the admin API: unset for the zero
// time (a field left empty).
func timestampOf(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// scheduleMaintenance schedules a window through the admin API
// (ScheduleMaintenance, as hubctl maintenance schedule does), as the
// signed-in operator.
func (s *Server) scheduleMaintenance(c *gin.Context) error {
	f := maintenanceForm{Announce: c.PostForm("announce"), Starts: c.PostForm("starts"), Ends: c.PostForm("ends"),
		MessageVI: c.PostForm("message_vi"), MessageEN: c.PostForm("message_en"), MessageRU: c.PostForm("message_ru")}
	d := maintenanceData{Form: f}
	var w struct{ AnnounceFrom, StartsAt, EndsAt time.Time }
	for _, x := range []struct {
		v     string
		dst   *time.Time
		field string
	}{{f.Announce, &w.AnnounceFrom, "announce"}, {f.Starts, &w.StartsAt, "starts"}, {f.Ends, &w.EndsAt, "ends"}} {
		t, ok := parseLocal(x.v)
		if !ok {
			d.Error, d.ErrField = s.loc(c).T("maintenance.bad_time"), x.field
			return s.showMaintenance(c, http.StatusBadRequest, d)
		}
		*x.dst = t
	}
	got, err := s.ops(c).ScheduleMaintenance(c.Request.Context(), &pb.ScheduleMaintenanceRequest{AnnounceFrom: timestampOf(w.AnnounceFrom),
		StartsAt: timestampOf(w.StartsAt), EndsAt: timestampOf(w.EndsAt), MessageVi: f.MessageVI, MessageEn: f.MessageEN, MessageRu: f.MessageRU})
	if msg, status, ok := s.formRefusal(c, err); ok {
		d.Error, d.ErrField = msg, "starts"
		return s.showMaintenance(c, status, d)
	}
	if err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Int64("window", got.GetWindow().GetId()).Msg("console: maintenance scheduled")
	c.Redirect(http.StatusSeeOther, "/bao-tri?done=maintenance_scheduled")
	return nil
}

// cancelMaintenance cancels a window that has not ended, through the
// admin API (CancelMaintenance).
func (s *Server) cancelMaintenance(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	_, err = s.ops(c).CancelMaintenance(c.Request.Context(), &pb.CancelMaintenanceRequest{Id: id})
	if msg, status, ok := s.formRefusal(c, err); ok {
		return s.showMaintenance(c, status, maintenanceData{Error: msg})
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/bao-tri?done=maintenance_cancelled")
	return nil
}
