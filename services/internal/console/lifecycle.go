package console

import (
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The 2025 reform's lifecycle on the console (issue 10 point 3),
// administrators only: rename a unit, merge it into another, retire it,
// and import the redirect map of the old portals. Each change takes two
// steps: the form, then a page that restates what will happen with the
// values typed, whose button does it through the admin API (OpsService in
// process), as hubctl's `tenants rename|merge|retire` do; the store
// records it in the audit log under the signed-in account. The answer is
// the API's report: the new id and the sub-portal's new configuration, the
// items moved and renamed, the retirement.

// lifecycleData is the form, its confirmation and its result.
type lifecycleData struct {
	Tenant  hubread.Tenant
	Action  string // rename, merge, retire: the catalogue's lifecycle.<Action>.*
	Post    string
	Confirm bool // the second step: the values typed, to be confirmed
	// The form's fields.
	NewID, Into, Successor, Pages, Dissolved string
	Problem                                  string // a message id: a field is missing
	Detail                                   string // the admin API's refusal, in the page's language
	// The result, once done.
	Renamed *pb.RenameTenantResponse
	Merged  *pb.MergeTenantResponse
	Retired *pb.RetireTenantResponse
}

// lifecycleForm reads the form's fields.
func lifecycleForm(c *gin.Context, action string) lifecycleData {
	d := lifecycleData{Action: action, Post: c.Request.URL.Path,
		NewID: strings.TrimSpace(c.PostForm("new_id")), Into: strings.TrimSpace(c.PostForm("into")),
		Successor: strings.TrimSpace(c.PostForm("successor")), Pages: c.PostForm("pages"),
		Dissolved: strings.TrimSpace(c.PostForm("dissolved_on"))}
	if d.Pages != hubstore.RetiredGone {
		d.Pages = hubstore.RetiredBanner
	}
	switch {
	case action == "rename" && d.NewID == "":
		d.Problem = "lifecycle.need_new_id"
	case action == "merge" && d.Into == "":
		d.Problem = "lifecycle.need_into"
	}
	return d
}

func (s *Server) showLifecycle(c *gin.Context, status int, d lifecycleData) error {
	t, err := s.read.Tenant(c.Request.Context(), c.Param("tenant"))
	if err != nil {
		return err
	}
	d.Tenant = t
	l := s.loc(c)
	title := l.T("lifecycle."+d.Action+".title", t.Name(l.Lang))
	if d.Renamed != nil || d.Merged != nil || d.Retired != nil {
		title = l.T("lifecycle." + d.Action + ".done")
	}
	return s.show(c, status, "lifecycle", s.newPage(c, title, "tenants", d))
}

// lifecycleStep is the form (GET) and its two POSTs: without "confirmed"
// the values are restated for confirmation, with it the change is made.
func (s *Server) lifecycleStep(action string, do func(c *gin.Context, d *lifecycleData) error) (get, post handler) {
	get = func(c *gin.Context) error {
		t, err := s.read.Tenant(c.Request.Context(), c.Param("tenant"))
		if err != nil {
			return err
		}
		if t.Status == hubstore.StatusRetired {
			return s.showLifecycle(c, http.StatusConflict, lifecycleData{Action: action, Post: c.Request.URL.Path, Problem: "lifecycle.already_retired"})
		}
		return s.showLifecycle(c, http.StatusOK, lifecycleData{Action: action, Post: c.Request.URL.Path, Pages: hubstore.RetiredBanner})
	}
	post = func(c *gin.Context) error {
		d := lifecycleForm(c, action)
		if d.Problem != "" {
			return s.showLifecycle(c, http.StatusBadRequest, d)
		}
		if c.PostForm("confirmed") != "yes" {
			d.Confirm = true
			return s.showLifecycle(c, http.StatusOK, d)
		}
		if err := do(c, &d); err != nil {
			detail, status, ok := s.apiRefusal(c, err)
			if !ok || status == http.StatusForbidden || status == http.StatusUnauthorized {
				return err
			}
			d.Detail = detail
			return s.showLifecycle(c, status, d)
		}
		s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", c.Param("tenant")).Str("action", action).Msg("console: tenant lifecycle")
		if d.Renamed != nil {
			// The page of the old id now redirects: show the result on the new.
			c.Params = append(gin.Params{{Key: "tenant", Value: d.Renamed.GetId()}}, c.Params...)
		}
		return s.showLifecycle(c, http.StatusOK, d)
	}
	return get, post
}

func (s *Server) lifecycleRoutes(e *gin.Engine) {
	need := s.need("tenants.lifecycle")
	for _, r := range []struct {
		path, action string
		do           func(c *gin.Context, d *lifecycleData) error
	}{
		{"/don-vi/:tenant/doi-ma", "rename", func(c *gin.Context, d *lifecycleData) (err error) {
			d.Renamed, err = s.ops(c).RenameTenant(c.Request.Context(), &pb.RenameTenantRequest{Id: c.Param("tenant"), NewId: d.NewID})
			return err
		}},
		{"/don-vi/:tenant/sap-nhap", "merge", func(c *gin.Context, d *lifecycleData) (err error) {
			d.Merged, err = s.ops(c).MergeTenant(c.Request.Context(), &pb.MergeTenantRequest{Id: c.Param("tenant"), Into: d.Into, DissolvedOn: d.Dissolved})
			return err
		}},
		{"/don-vi/:tenant/ngung", "retire", func(c *gin.Context, d *lifecycleData) (err error) {
			d.Retired, err = s.ops(c).RetireTenant(c.Request.Context(), &pb.RetireTenantRequest{Id: c.Param("tenant"), Successor: d.Successor,
				Pages: d.Pages, DissolvedOn: d.Dissolved})
			return err
		}},
	} {
		get, post := s.lifecycleStep(r.action, r.do)
		e.GET(r.path, need, s.h(get))
		e.POST(r.path, need, s.h(post))
	}
	e.GET(redirectsPath, need, s.h(s.redirectsPage))
	e.POST(redirectsPath, need, s.h(s.importRedirects))
}

// redirectsPath is the page importing the redirect map of old portals.
const redirectsPath = "/chuyen-huong"

// maxRedirectsBytes bounds the map's upload: the ops API's message limit.
const maxRedirectsBytes = 1<<20 - 4096

type redirectsData struct {
	Replace  bool
	Problem  string // a message id
	Detail   string // the admin API's refusal (the CSV's line and fault)
	Imported *pb.ImportRedirectsResponse
}

func (s *Server) showRedirects(c *gin.Context, status int, d redirectsData) error {
	return s.show(c, status, "redirects", s.newPage(c, s.loc(c).T("redirects.title"), "tenants", d))
}

func (s *Server) redirectsPage(c *gin.Context) error {
	return s.showRedirects(c, http.StatusOK, redirectsData{})
}

// importRedirects imports the uploaded CSV through the admin API and
// reports what it took, or the line it refused.
func (s *Server) importRedirects(c *gin.Context) error {
	d := redirectsData{Replace: c.PostForm("replace") == "yes"}
	fh, err := c.FormFile("csv")
	if err != nil {
		d.Problem = "redirects.need_file"
		return s.showRedirects(c, http.StatusBadRequest, d)
	}
	if fh.Size > maxRedirectsBytes {
		d.Problem = "redirects.too_big"
		return s.showRedirects(c, http.StatusRequestEntityTooLarge, d)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRedirectsBytes))
	if err != nil {
		return err
	}
	d.Imported, err = s.ops(c).ImportRedirects(c.Request.Context(), &pb.ImportRedirectsRequest{Csv: data, Replace: d.Replace})
	if err != nil {
		detail, status, ok := s.apiRefusal(c, err)
		if !ok || status == http.StatusForbidden || status == http.StatusUnauthorized {
			return err
		}
		d.Detail = detail
		return s.showRedirects(c, status, d)
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Int32("imported", d.Imported.GetImported()).Msg("console: redirect map imported")
	return s.showRedirects(c, http.StatusOK, d)
}
