package console

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// auditActions is the "actor action" of the audit entries of tenant whose
// action starts with prefix, oldest first.
func (f *fixture) auditActions(tenant, prefix string) string {
	f.t.Helper()
	es, err := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Tenant: tenant, Action: prefix})
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Actor+" "+es[i].Action)
	}
	return strings.Join(out, ",")
}

func TestSuspendAndResumeWithConfirmation(t *testing.T) {
	f := newFixture(t)
	f.addTenant("xa-a", "commune", "Xã A")
	viewer, op := f.browser(), f.browser()
	viewer.login("xem")
	op.login("vanhanh")

	_, doc := viewer.get("/don-vi/xa-a")
	if doc.Find(`a[href="/don-vi/xa-a/tam-dung"]`).Length() != 0 {
		t.Error("a viewer is offered to suspend")
	}
	if resp, _ := viewer.get("/don-vi/xa-a/tam-dung"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer's confirmation page: %d, want 403", resp.StatusCode)
	}
	_, doc = op.get("/don-vi/xa-a")
	if doc.Find(`a[href="/don-vi/xa-a/tam-dung"]`).Length() != 1 {
		t.Fatal("no link to suspend on the tenant's page")
	}
	// The link leads to a confirmation, which changes nothing by itself.
	resp, doc := op.get("/don-vi/xa-a/tam-dung")
	if resp.StatusCode != http.StatusOK || doc.Find(`form[method=post][action="/don-vi/xa-a/tam-dung"] button.warn`).Length() != 1 ||
		!strings.Contains(text(doc, "h1"), "Xã A") {
		t.Fatalf("confirmation page: %d %q", resp.StatusCode, text(doc, "h1"))
	}
	if tn, _ := f.store.Tenant(context.Background(), "xa-a"); tn.Status != hubstore.StatusActive {
		t.Fatalf("the confirmation page changed the status to %s", tn.Status)
	}
	if resp, _ := op.post("/don-vi/xa-a/tam-dung", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("suspend without the CSRF token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := viewer.post("/don-vi/xa-a/tam-dung", url.Values{"csrf_token": {viewer.csrf("/don-vi/xa-a")}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer's suspend: %d, want 403", resp.StatusCode)
	}
	resp, _ = op.post("/don-vi/xa-a/tam-dung", url.Values{"csrf_token": {op.csrf("/don-vi/xa-a/tam-dung")}})
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/don-vi/xa-a?done=suspend" {
		t.Fatalf("suspend: %d to %q", resp.StatusCode, got)
	}
	if tn, _ := f.store.Tenant(context.Background(), "xa-a"); tn.Status != hubstore.StatusSuspended {
		t.Errorf("status %s after suspend", tn.Status)
	}
	_, doc = op.get("/don-vi/xa-a?done=suspend")
	if !strings.Contains(text(doc, ".notice"), "Đã tạm dừng") || doc.Find(`a[href="/don-vi/xa-a/tiep-tuc"]`).Length() != 1 {
		t.Errorf("after suspend: notice %q, resume link %d", text(doc, ".notice"), doc.Find(`a[href="/don-vi/xa-a/tiep-tuc"]`).Length())
	}
	resp, _ = op.post("/don-vi/xa-a/tiep-tuc", url.Values{"csrf_token": {op.csrf("/don-vi/xa-a/tiep-tuc")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resume: %d", resp.StatusCode)
	}
	if got, want := f.auditActions("xa-a", "tenant.status"), "ops:vanhanh tenant.status,ops:vanhanh tenant.status"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}

	// A retired tenant stays retired: 409 Conflict (the admin API's
	// FAILED_PRECONDITION; it was 400, as if the form were wrong), saying
	// why and what to do, in the page's language.
	if _, err := f.store.RetireTenant(context.Background(), "test", "xa-a", "", hubstore.RetiredGone, nil); err != nil {
		t.Fatal(err)
	}
	resp, doc = op.post("/don-vi/xa-a/tiep-tuc", url.Values{"csrf_token": {op.csrf("/don-vi/xa-a")}})
	if summary := text(doc, ".error-summary"); resp.StatusCode != http.StatusConflict || !strings.Contains(summary, "ngừng hoạt động") ||
		!strings.Contains(summary, "đơn vị mới") {
		t.Errorf("resuming a retired tenant: %d %q, want 409 naming the retirement and what to do", resp.StatusCode, summary)
	}
	resp, doc = op.post("/don-vi/xa-a/tiep-tuc?lang=en", url.Values{"csrf_token": {op.csrf("/don-vi/xa-a")}})
	if summary := text(doc, ".error-summary"); resp.StatusCode != http.StatusConflict || !strings.Contains(summary, "is retired") {
		t.Errorf("resuming a retired tenant, in English: %d %q, want 409 naming the retirement", resp.StatusCode, summary)
	}
	if tn, _ := f.store.Tenant(context.Background(), "xa-a"); tn.Status != hubstore.StatusRetired {
		t.Errorf("status %s, want retired", tn.Status)
	}
}

func TestCredentialsIssuedRotatedAndRevoked(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addTenant("xa-a", "commune", "Xã A")
	f.addTenant("xa-b", "commune", "Xã B")
	otherID, _, err := f.store.IssueCredential(ctx, "test", "xa-b", "b")
	if err != nil {
		t.Fatal(err)
	}
	op, admin := f.browser(), f.browser()
	op.login("vanhanh")
	admin.login("quantri")

	_, doc := op.get("/don-vi/xa-a")
	if doc.Find(`a[href="/don-vi/xa-a/khoa/cap"]`).Length() != 0 {
		t.Error("an operator is offered to issue a credential")
	}
	if resp, doc := op.get("/don-vi/xa-a/khoa/cap"); resp.StatusCode != http.StatusForbidden || !strings.Contains(text(doc, "main"), "quản trị") {
		t.Errorf("operator's issue page: %d, want 403 naming the administrator role", resp.StatusCode)
	}

	// Issue: the token is on the answer, once, and works.
	csrf := admin.csrf("/don-vi/xa-a/khoa/cap")
	resp, doc := admin.post("/don-vi/xa-a/khoa/cap", url.Values{"csrf_token": {csrf}, "label": {strings.Repeat("x", 201)}})
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`#label[aria-invalid=true]`).Length() != 1 {
		t.Errorf("a label of 201 characters: %d", resp.StatusCode)
	}
	resp, doc = admin.post("/don-vi/xa-a/khoa/cap", url.Values{"csrf_token": {csrf}, "label": {"relay 2026"}})
	token, _ := doc.Find("input#token").Attr("value")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(token, hubstore.TokenPrefix) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("issue: %d, token %q, Cache-Control %q", resp.StatusCode, token, resp.Header.Get("Cache-Control"))
	}
	if tenant, _, err := f.store.Authenticate(ctx, token); err != nil || tenant != "xa-a" {
		t.Fatalf("the issued token: %q %v", tenant, err)
	}
	creds, _ := f.store.ListCredentials(ctx, "xa-a")
	if len(creds) != 1 || creds[0].Label != "relay 2026" {
		t.Fatalf("credentials %+v", creds)
	}
	id := creds[0].ID
	_, doc = admin.get("/don-vi/xa-a")
	if strings.Contains(doc.Text(), token) {
		t.Error("the tenant's page shows the token again")
	}
	rotatePath := "/don-vi/xa-a/khoa/" + strconv.FormatInt(id, 10) + "/doi"
	if doc.Find(`a[href="`+rotatePath+`"]`).Length() != 1 {
		t.Fatal("no rotate link for the live credential")
	}

	// Another tenant's credential is not reachable under this one.
	if resp, _ := admin.get("/don-vi/xa-a/khoa/" + strconv.FormatInt(otherID, 10) + "/doi"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another tenant's credential: %d, want 404", resp.StatusCode)
	}
	if resp, _ := admin.post("/don-vi/xa-a/khoa/"+strconv.FormatInt(otherID, 10)+"/thu-hoi", url.Values{"csrf_token": {csrf}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoking another tenant's credential: %d, want 404", resp.StatusCode)
	}

	// Rotate with an overlap of an hour: both work, the new one shown once.
	resp, doc = admin.get(rotatePath)
	if resp.StatusCode != http.StatusOK || doc.Find(`select#overlap option[value="1h0m0s"]`).Length() != 1 {
		t.Fatalf("rotate confirmation: %d", resp.StatusCode)
	}
	if resp, _ := admin.post(rotatePath, url.Values{"csrf_token": {csrf}, "overlap": {"800h"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an overlap of 800h: %d, want 400", resp.StatusCode)
	}
	resp, doc = admin.post(rotatePath, url.Values{"csrf_token": {csrf}, "overlap": {"1h0m0s"}, "label": {"relay 2027"}})
	next, _ := doc.Find("input#token").Attr("value")
	if resp.StatusCode != http.StatusOK || next == "" || next == token || !strings.Contains(text(doc, "dl"), "còn dùng được đến") {
		t.Fatalf("rotate: %d %q", resp.StatusCode, text(doc, "dl"))
	}
	for _, tok := range []string{token, next} {
		if _, _, err := f.store.Authenticate(ctx, tok); err != nil {
			t.Errorf("during the overlap: %v", err)
		}
	}
	old, _ := f.store.Credential(ctx, id)
	if old.Expires == nil || old.Expires.Sub(time.Now()) > time.Hour+time.Minute || old.ReplacedBy == 0 {
		t.Errorf("the old credential %+v, want an end within the hour and its successor", old)
	}
	if resp, _ := admin.get(rotatePath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("rotating a rotated credential: %d, want 404", resp.StatusCode)
	}

	// Revoke the new one.
	revokePath := "/don-vi/xa-a/khoa/" + strconv.FormatInt(old.ReplacedBy, 10) + "/thu-hoi"
	if resp, _ := admin.get(revokePath); resp.StatusCode != http.StatusOK {
		t.Errorf("revoke confirmation: %d", resp.StatusCode)
	}
	resp, _ = admin.post(revokePath, url.Values{"csrf_token": {csrf}})
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/don-vi/xa-a?done=credential_revoked#credentials" {
		t.Fatalf("revoke: %d to %q", resp.StatusCode, got)
	}
	if _, _, err := f.store.Authenticate(ctx, next); !errors.Is(err, hubstore.ErrNotFound) {
		t.Errorf("the revoked token: %v", err)
	}
	if got, want := f.auditActions("xa-a", "credential."), "ops:quantri credential.issue,ops:quantri credential.rotate,ops:quantri credential.revoke"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}

// HSTS and Secure cookies on every answer that came over HTTPS (here,
// through a trusted proxy saying so), never over plain HTTP nor when anyone
// else says so.
func TestConsoleStrictTransportSecurity(t *testing.T) {
	f := newFixture(t)
	// Each request from a new browser, so that the login page sets its
	// CSRF cookie.
	viaProxy := func(srv *httptest.Server) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/dang-nhap", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, _ := f.browser().do(req)
		return resp
	}
	secureCookies := func(resp *http.Response) bool {
		cookies := resp.Cookies()
		for _, c := range cookies {
			if !c.Secure {
				return false
			}
		}
		return len(cookies) > 0
	}
	resp, _ := f.browser().get("/dang-nhap")
	if len(resp.Cookies()) == 0 {
		t.Fatal("the login page set no cookie")
	}
	if resp.Header.Get("Strict-Transport-Security") != "" || secureCookies(resp) {
		t.Errorf("over plain HTTP: HSTS %q, Secure cookies %v", resp.Header.Get("Strict-Transport-Security"), secureCookies(resp))
	}
	// The test's client is not a trusted proxy until it is configured as one.
	if resp := viaProxy(f.srv); resp.Header.Get("Strict-Transport-Security") != "" || secureCookies(resp) {
		t.Errorf("X-Forwarded-Proto from an untrusted client believed: HSTS %q, Secure cookies %v",
			resp.Header.Get("Strict-Transport-Security"), secureCookies(resp))
	}
	cfg := f.cons.cfg
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	behindProxy, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(behindProxy.Handler())
	defer srv.Close()
	if resp := viaProxy(srv); !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=63072000") || !secureCookies(resp) {
		t.Errorf("through a trusted proxy: HSTS %q, Secure cookies %v", resp.Header.Get("Strict-Transport-Security"), secureCookies(resp))
	}
}

func TestTenantAddedAndEdited(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addTenant("tinh", "province", "Tỉnh Khánh Hòa")
	op, admin := f.browser(), f.browser()
	op.login("vanhanh")
	admin.login("quantri")

	if resp, _ := op.get("/them-don-vi"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an operator's add page: %d, want 403", resp.StatusCode)
	}
	_, doc := admin.get("/don-vi")
	if doc.Find(`a[href="/them-don-vi"]`).Length() != 1 {
		t.Error("no link to add a tenant for an administrator")
	}
	csrf := admin.csrf("/them-don-vi")
	form := url.Values{"csrf_token": {csrf}, "id": {"xa-cam-lam"}, "kind": {"commune"}, "name_vi": {"Xã Cam Lâm"},
		"name_en": {"Cam Lam Commune"}, "hosts": {"camlam.khanhhoa.gov.vn\nwww.camlam.khanhhoa.gov.vn"}, "parent": {"tinh"},
		"email": {"camlam@khanhhoa.gov.vn"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("hosts", "Cam Lam:8080")
	resp, doc := admin.post("/them-don-vi", bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, ".error-summary"), `Tên miền "lam:8080"`) {
		t.Errorf("a bad host name: %d %q, want 400 naming it", resp.StatusCode, text(doc, ".error-summary"))
	}
	if v, _ := doc.Find("#name_vi").Attr("value"); v != "Xã Cam Lâm" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	resp, _ = admin.post("/them-don-vi", form)
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/don-vi/xa-cam-lam?done=tenant_added" {
		t.Fatalf("add: %d to %q", resp.StatusCode, got)
	}
	tn, err := f.store.Tenant(ctx, "xa-cam-lam")
	if err != nil || tn.Status != hubstore.StatusActive || tn.ParentID != "tinh" || len(tn.Hosts) != 2 || tn.Hosts[0] != "camlam.khanhhoa.gov.vn" {
		t.Fatalf("added %+v %v", tn, err)
	}
	if resp, doc := admin.post("/them-don-vi", form); resp.StatusCode != http.StatusConflict || !strings.Contains(text(doc, ".error-summary"), "đã có") {
		t.Errorf("the same id again: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}

	// An operator edits the names and host names; the id stays.
	resp, doc = op.get("/don-vi/xa-cam-lam/sua")
	if resp.StatusCode != http.StatusOK || doc.Find("#id").Length() != 0 || text(doc, "#hosts") != "camlam.khanhhoa.gov.vn www.camlam.khanhhoa.gov.vn" {
		t.Fatalf("edit page: %d, hosts %q", resp.StatusCode, text(doc, "#hosts"))
	}
	edit := url.Values{"csrf_token": {op.csrf("/don-vi/xa-cam-lam/sua")}, "id": {"khac"}, "kind": {"ward"}, "name_vi": {"Phường Cam Lâm"},
		"name_ru": {"Камлам"}, "hosts": {"camlam.gov.vn"}, "parent": {"tinh"}}
	resp, _ = op.post("/don-vi/xa-cam-lam/sua", edit)
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/don-vi/xa-cam-lam?done=tenant_updated" {
		t.Fatalf("edit: %d to %q", resp.StatusCode, got)
	}
	tn, err = f.store.Tenant(ctx, "xa-cam-lam")
	if err != nil || tn.Kind != "ward" || tn.NameVI != "Phường Cam Lâm" || tn.NameRU != "Камлам" || tn.NameEN != "" || len(tn.Hosts) != 1 || tn.Email != "" {
		t.Errorf("edited %+v %v", tn, err)
	}
	if _, err := f.store.Tenant(ctx, "khac"); !errors.Is(err, hubstore.ErrNotFound) {
		t.Errorf("the form's id field made a tenant: %v", err)
	}
	if got, want := f.auditActions("xa-cam-lam", "tenant."), "ops:quantri tenant.add,ops:vanhanh tenant.update"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}
