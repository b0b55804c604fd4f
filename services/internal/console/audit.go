package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// auditPageSize is how many entries a page of the audit log shows.
const auditPageSize = 50

type auditData struct {
	Filter  hubstore.AuditFilter
	Entries []hubstore.AuditEntry
	Next    string // older entries
	Newest  string // the first page, when this is not it
	Head    hubstore.AuditHead
	// Verified is the result of the chain verification asked for on this
	// page; HeadGiven the exported head it was asked to extend.
	Verified  *hubstore.AuditVerification
	HeadGiven string
	Error     string
}

// audit is the audit log, newest first, filtered by actor, action (a
// trailing "." selects a family: "item.") and tenant, paged by seq.
func (s *Server) audit(c *gin.Context) error {
	d, err := s.auditData(c)
	if err != nil {
		return err
	}
	return s.show(c, http.StatusOK, "audit", s.newPage(c, s.loc(c).T("audit.title"), "audit", d))
}

func (s *Server) auditData(c *gin.Context) (auditData, error) {
	ctx := c.Request.Context()
	f := hubstore.AuditFilter{Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		Tenant: strings.TrimSpace(c.Query("tenant")), Limit: auditPageSize + 1}
	if b := c.Query("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return auditData{}, errBadInput
		}
		f.Before = n
	}
	es, err := s.cfg.Store.ListAudit(ctx, f)
	if err != nil {
		return auditData{}, err
	}
	d := auditData{Filter: f}
	q := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "tenant": f.Tenant} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(es) > auditPageSize {
		es = es[:auditPageSize]
		q.Set("before", strconv.FormatInt(es[len(es)-1].Seq, 10))
		d.Next = "/nhat-ky?" + q.Encode()
		q.Del("before")
	}
	if f.Before != 0 {
		d.Newest = "/nhat-ky?" + q.Encode()
	}
	d.Entries = es
	if d.Head, err = s.cfg.Store.AuditHead(ctx); err != nil {
		return auditData{}, err
	}
	return d, nil
}

// verifyAudit recomputes the audit chain through the admin API
// (AuditVerify, as `hubctl audit verify` does), optionally against an
// exported head, and shows the result above the log. It changes nothing,
// but it reads the whole log, so it is a POST: no prefetch or crawler
// starts it.
func (s *Server) verifyAudit(c *gin.Context) error {
	d, err := s.auditData(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	var extends *hubstore.AuditHead
	if h := strings.TrimSpace(c.PostForm("head")); h != "" {
		d.HeadGiven = h
		head, err := hubstore.ParseAuditHead(h)
		if err != nil {
			d.Error = "audit.head_invalid"
			return s.show(c, http.StatusBadRequest, "audit", s.newPage(c, s.loc(c).T("audit.title"), "audit", d))
		}
		extends = &head
	}
	req := &pb.AuditVerifyRequest{}
	if extends != nil {
		req.Head = extends.String()
	}
	got, err := s.ops(c).AuditVerify(c.Request.Context(), req)
	if err != nil {
		return err
	}
	v := hubstore.AuditVerification{Entries: got.GetEntries(), Extends: extends}
	if h, err := hubstore.ParseAuditHead(got.GetHead()); err == nil {
		v.Head = h
	}
	if !got.GetIntact() {
		v.Broken = &hubstore.AuditBreak{Seq: got.GetBrokenSeq(), Problem: got.GetProblem()}
	}
	d.Verified = &v
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Bool("intact", v.Intact()).Int64("entries", v.Entries).
		Msg("console: audit chain verified")
	return s.show(c, status, "audit", s.newPage(c, s.loc(c).T("audit.title"), "audit", d))
}
