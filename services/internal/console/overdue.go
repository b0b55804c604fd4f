package console

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"

	"github.com/portalhub/portalhub/services/internal/feedback"
)

// Citizens' questions past their answering deadline (issue 9 point 5): the
// central ops team's list, every tenant's, oldest due first, with a count
// per tenant. The due day is the hub's (HUB_FEEDBACK_DUE_WORKING_DAYS
// working days on the compliance calendar); no personal data and no
// question text are shown, only what it is, whose and since when.

// overdueLimit bounds the list; the counts per tenant cover it.
const overdueLimit = 500

type overdueTenant struct {
	Tenant string
	Count  int
}

type overdueData struct {
	Questions []feedback.Overdue
	ByTenant  []overdueTenant
	Limit     int
	Full      bool // the list holds overdueLimit: there may be more
}

// overdue answers GET /qua-han.
func (s *Server) overdue(c *gin.Context) error {
	got, err := s.ops(c).ListOverdueQuestions(c.Request.Context(), &pb.ListOverdueQuestionsRequest{Limit: overdueLimit})
	if err != nil {
		return err
	}
	qs := overdueOf(got.GetQuestions())
	d := overdueData{Questions: qs, Limit: overdueLimit, Full: len(qs) == overdueLimit}
	n := map[string]int{}
	for _, q := range qs {
		n[q.Tenant]++
	}
	for t, k := range n {
		d.ByTenant = append(d.ByTenant, overdueTenant{t, k})
	}
	sort.Slice(d.ByTenant, func(i, j int) bool {
		a, b := d.ByTenant[i], d.ByTenant[j]
		return a.Count > b.Count || a.Count == b.Count && a.Tenant < b.Tenant
	})
	return s.show(c, http.StatusOK, "overdue", s.newPage(c, s.loc(c).T("overdue.title"), "overdue", d))
}
