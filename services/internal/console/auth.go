package console

import (
	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// roleError is an action the account's role does not allow: it names the
// least role that does (opsaccounts' one table of who may do what).
type roleError struct{ action opsaccounts.Action }

func (e *roleError) Error() string { return "not allowed: " + string(e.action) }

// need returns the catalogue id saying which role an action needs.
func (e *roleError) need() string {
	r, ok := opsaccounts.MinimumRole(e.action)
	if !ok {
		return "error.role.none"
	}
	return "error.role." + string(r)
}

func current(c *gin.Context) *opsaccounts.Session {
	v, _ := c.Get(ctxSession)
	sess, _ := v.(*opsaccounts.Session)
	return sess
}

// ops is the admin API as the signed-in account (opsapi.Server.Local): a
// console action goes through it, so its role check, rules and audit entry
// are hubctl's.
func (s *Server) ops(c *gin.Context) pb.OpsServiceClient { return s.cfg.Ops.Local(*current(c)) }
