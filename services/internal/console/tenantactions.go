package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The tenant's actions on its page (issue 10 points 2 and 3): suspend and
// resume it, issue, rotate and revoke its credentials. Each has its own
// confirmation page (a GET naming what will happen, with the form that
// does it), so no single click changes anything; the POST does it through
// the admin API (OpsService, in process), as hubctl does, so its rules
// and audit entry under the signed-in account are hubctl's. A new credential's token is shown on
// the answer to that POST only: the hub keeps its hash.

// overlap is a rotation overlap the console offers: its form value and its
// catalogue message.
type overlap struct{ Value, Msg string }

// overlaps are the rotation overlaps the console offers, the default first.
var overlaps = []overlap{{hubstore.DefaultOverlap.String(), "confirm.overlap.day"}, {"0s", "confirm.overlap.none"},
	{time.Hour.String(), "confirm.overlap.hour"}, {(7 * 24 * time.Hour).String(), "confirm.overlap.week"}}

// maxLabel bounds a credential's label, as typed.
const maxLabel = 200

type confirmData struct {
	Tenant     hubread.Tenant
	Action     string // the catalogue's confirm.<Action>.* messages
	Post       string // where the form goes
	Credential *hubstore.Credential
	Overlaps   []overlap
	Label      string
	Error      string // a message id
	Detail     string // or the admin API's refusal, in the page's language
}

type secretData struct {
	Tenant     hubread.Tenant
	Credential hubstore.Credential
	Token      string
	Replaced   *hubstore.Credential
}

func tenantPath(id string) string { return "/don-vi/" + url.PathEscape(id) }

// credentialOf is the credential :id of the tenant :tenant; another
// tenant's is not found.
func (s *Server) credentialOf(c *gin.Context) (hubstore.Credential, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return hubstore.Credential{}, errNotFound
	}
	cr, err := s.cfg.Store.Credential(c.Request.Context(), id)
	if err != nil {
		return cr, err
	}
	if cr.Tenant != c.Param("tenant") {
		return cr, errNotFound
	}
	return cr, nil
}

// confirm renders the confirmation page of action on the tenant.
func (s *Server) confirm(c *gin.Context, status int, d confirmData) error {
	t, err := s.read.Tenant(c.Request.Context(), c.Param("tenant"))
	if err != nil {
		return err
	}
	d.Tenant = t
	l := s.loc(c)
	return s.show(c, status, "confirm", s.newPage(c, l.T("confirm."+d.Action+".title", t.Name(l.Lang)), "tenants", d))
}

// refused renders the confirmation page again with the admin API's
// refusal (a rule of the store, such as a retired tenant's), or returns
// err for the error page.
func (s *Server) refused(c *gin.Context, err error, d confirmData) error {
	detail, status, ok := s.apiRefusal(c, err)
	if !ok || status == http.StatusNotFound || status == http.StatusForbidden || status == http.StatusUnauthorized {
		return err
	}
	d.Detail = detail
	return s.confirm(c, status, d)
}

// statusChange is the confirmation (GET) and the change (POST) of a
// tenant's status: suspended refuses its pushes, active takes them again.
// The API refuses a retired tenant (the store's rule).
func (s *Server) statusChange(action string, change func(c *gin.Context, id string) error) (get, post handler) {
	get = func(c *gin.Context) error {
		return s.confirm(c, http.StatusOK, confirmData{Action: action, Post: c.Request.URL.Path})
	}
	post = func(c *gin.Context) error {
		id := c.Param("tenant")
		if err := change(c, id); err != nil {
			return s.refused(c, err, confirmData{Action: action, Post: c.Request.URL.Path})
		}
		s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", id).Str("action", action).Msg("console: tenant status")
		c.Redirect(http.StatusSeeOther, tenantPath(id)+"?done="+action)
		return nil
	}
	return get, post
}

// labelOf reads the label field: trimmed, at most maxLabel characters.
func labelOf(c *gin.Context) (string, bool) {
	l := strings.TrimSpace(c.PostForm("label"))
	return l, utf8.RuneCountInString(l) <= maxLabel && !strings.ContainsAny(l, "\x00\r\n")
}

func (s *Server) issueConfirm(c *gin.Context) error {
	return s.confirm(c, http.StatusOK, confirmData{Action: "issue", Post: c.Request.URL.Path})
}

// issue creates a credential and shows its token, once.
func (s *Server) issue(c *gin.Context) error {
	ctx := c.Request.Context()
	tenant := c.Param("tenant")
	t, err := s.read.Tenant(ctx, tenant)
	if err != nil {
		return err
	}
	label, ok := labelOf(c)
	if !ok {
		return s.confirm(c, http.StatusBadRequest, confirmData{Action: "issue", Post: c.Request.URL.Path, Label: label, Error: "confirm.bad_label"})
	}
	issued, err := s.ops(c).IssueCredential(ctx, &pb.IssueCredentialRequest{TenantId: tenant, Label: label})
	if err != nil {
		return s.refused(c, err, confirmData{Action: "issue", Post: c.Request.URL.Path, Label: label})
	}
	id, token := issued.GetCredential().GetId(), issued.GetToken()
	cr, err := s.cfg.Store.Credential(ctx, id)
	if err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", tenant).Int64("credential", id).Msg("console: credential issued")
	return s.showSecret(c, secretData{Tenant: t, Credential: cr, Token: token})
}

func (s *Server) showSecret(c *gin.Context, d secretData) error {
	l := s.loc(c)
	return s.show(c, http.StatusOK, "secret", s.newPage(c, l.T("secret.title", d.Tenant.Name(l.Lang)), "tenants", d))
}

func (s *Server) rotateConfirm(c *gin.Context) error {
	cr, err := s.credentialOf(c)
	if err != nil {
		return err
	}
	if !cr.Live(s.cfg.Now()) || cr.ReplacedBy != 0 {
		return errNotFound
	}
	return s.confirm(c, http.StatusOK, confirmData{Action: "rotate", Post: c.Request.URL.Path, Credential: &cr, Overlaps: overlaps, Label: cr.Label})
}

// rotate issues the credential's successor; the old one works for the
// overlap chosen. The new token is shown once.
func (s *Server) rotate(c *gin.Context) error {
	ctx := c.Request.Context()
	cr, err := s.credentialOf(c)
	if err != nil {
		return err
	}
	overlap, err := time.ParseDuration(c.PostForm("overlap"))
	if err != nil || overlap < 0 || overlap > hubstore.MaxOverlap {
		return errBadInput
	}
	label, ok := labelOf(c)
	if !ok {
		return s.confirm(c, http.StatusBadRequest, confirmData{Action: "rotate", Post: c.Request.URL.Path, Credential: &cr, Overlaps: overlaps,
			Label: label, Error: "confirm.bad_label"})
	}
	rotated, err := s.ops(c).RotateCredential(ctx, &pb.RotateCredentialRequest{Id: cr.ID, Overlap: durationpb.New(overlap), Label: label})
	if err != nil {
		return s.refused(c, err, confirmData{Action: "rotate", Post: c.Request.URL.Path, Credential: &cr, Overlaps: overlaps, Label: label})
	}
	token := rotated.GetToken()
	nu, err := s.cfg.Store.Credential(ctx, rotated.GetCredential().GetId())
	if err != nil {
		return err
	}
	old, err := s.cfg.Store.Credential(ctx, cr.ID)
	if err != nil {
		return err
	}
	t, err := s.read.Tenant(ctx, cr.Tenant)
	if err != nil {
		return err
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", cr.Tenant).Int64("credential", nu.ID).Int64("replaces", old.ID).
		Msg("console: credential rotated")
	return s.showSecret(c, secretData{Tenant: t, Credential: nu, Token: token, Replaced: &old})
}

func (s *Server) revokeConfirm(c *gin.Context) error {
	cr, err := s.credentialOf(c)
	if err != nil {
		return err
	}
	if cr.Revoked != nil {
		return errNotFound
	}
	return s.confirm(c, http.StatusOK, confirmData{Action: "revoke", Post: c.Request.URL.Path, Credential: &cr})
}

// revoke ends a credential at once.
func (s *Server) revoke(c *gin.Context) error {
	cr, err := s.credentialOf(c)
	if err != nil {
		return err
	}
	if _, err := s.ops(c).RevokeCredential(c.Request.Context(), &pb.RevokeCredentialRequest{Id: cr.ID}); err != nil {
		return s.refused(c, err, confirmData{Action: "revoke", Post: c.Request.URL.Path, Credential: &cr})
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", cr.Tenant).Int64("credential", cr.ID).Msg("console: credential revoked")
	c.Redirect(http.StatusSeeOther, tenantPath(cr.Tenant)+"?done=credential_revoked#credentials")
	return nil
}
