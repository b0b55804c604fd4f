package console

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/backlog"
)

type backlogData struct {
	Outbox       backlog.Outbox
	Consumers    []backlog.Consumer
	ConsumersErr bool
	NoConsumers  bool // the aggregator lists no consumers (no NATS)
	Now          time.Time
}

// backlogPage shows what waits: the hub outbox (rows not yet on NATS, the
// oldest, the ones failing), the mail queue, and each consumer of the
// content stream with what it has not yet received or acknowledged, as
// the admin API's Backlog answers them (hubctl backlog).
func (s *Server) backlogPage(c *gin.Context) error {
	b, err := s.ops(c).Backlog(c.Request.Context(), &pb.BacklogRequest{})
	if err != nil {
		return err
	}
	d := backlogData{Now: s.cfg.Now(), Outbox: outboxOf(b), Consumers: consumersOf(b.GetConsumers()),
		NoConsumers: b.GetConsumersOff(), ConsumersErr: !b.GetConsumersOff() && b.GetConsumersError() != ""}
	return s.show(c, http.StatusOK, "backlog", s.newPage(c, s.loc(c).T("backlog.title"), "backlog", d))
}
