package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// auditBy is who made the entries of action (exact) in the log, oldest
// first, but the fixture's own ("test").
func (f *fixture) auditBy(action string) []string {
	f.t.Helper()
	es, err := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Actor != "test" {
			out = append(out, es[i].Actor)
		}
	}
	return out
}

// TestConsoleActionsThroughTheAdminAPI: the registry forms, maintenance
// windows, featured items, the advertising slot and the audit chain's
// verification go through the admin API as the signed-in account, as
// hubctl's commands do (they called the stores directly): a role that may
// not is refused (403) and nothing changes; the role that may gets the
// change with one audit entry under its account; the verification is
// recorded as the API's ops.call, as hubctl audit verify is.
func TestConsoleActionsThroughTheAdminAPI(t *testing.T) {
	f := newFixture(t)
	f.addTenant("xa-a", "commune", "Xã A")
	f.push("xa-a", article("tin-1", 1, "Tin một"))
	browsers := map[string]*browser{}
	for _, login := range []string{"xem", "vanhanh", "quantri"} {
		b := f.browser()
		b.login(login)
		browsers[login] = b
	}
	steps := []struct {
		name, path       string
		form             url.Values
		refused, allowed string // logins
		audit            string // the store's audit action
		method           string // the admin API's
	}{
		{"add a tenant", "/them-don-vi", url.Values{"id": {"xa-moi"}, "kind": {"commune"}, "name_vi": {"Xã Mới"}},
			"vanhanh", "quantri", "tenant.add", "AddTenant"},
		{"edit a tenant", "/don-vi/xa-a/sua", url.Values{"kind": {"ward"}, "name_vi": {"Phường A"}, "hosts": {"phuonga.example.vn"}},
			"xem", "vanhanh", "tenant.update", "UpdateTenant"},
		{"schedule maintenance", "/bao-tri", url.Values{"starts": {"2026-12-05T22:00"}, "ends": {"2026-12-06T02:00"},
			"message_vi": {"Nâng cấp hệ thống."}, "message_en": {"System upgrade."}, "message_ru": {"Обновление системы."}},
			"xem", "vanhanh", "maintenance.scheduled", "ScheduleMaintenance"},
		{"cancel maintenance", "/bao-tri/1/huy", url.Values{}, "xem", "vanhanh", "maintenance.cancelled", "CancelMaintenance"},
		{"feature an item", "/noi-bat", url.Values{"tenant": {"xa-a"}, "content_id": {"tin-1"}, "position": {"0"}},
			"xem", "vanhanh", "featured.added", "FeatureItem"},
		{"unfeature an item", "/noi-bat/bo", url.Values{"tenant": {"xa-a"}, "content_id": {"tin-1"}},
			"xem", "vanhanh", "featured.removed", "UnfeatureItem"},
		{"add an advertisement", "/quang-cao", url.Values{"advertiser": {"Công ty A"}, "label": {"Ưu đãi tháng 12"},
			"url": {"https://a.example.vn/"}, "starts": {"2026-12-01T00:00"}, "ends": {"2026-12-31T23:59"}},
			"vanhanh", "quantri", "advert.add", "AddAdvert"},
		{"switch adverts on", "/quang-cao/bat-tat", url.Values{"on": {"true"}}, "vanhanh", "quantri", "adverts.enabled", "SetAdvertsEnabled"},
		{"end an advertisement", "/quang-cao/1/ket-thuc", url.Values{}, "vanhanh", "quantri", "advert.end", "EndAdvert"},
	}
	for _, st := range steps {
		refused := browsers[st.refused]
		form := url.Values{"csrf_token": {refused.csrf("/don-vi")}}
		for k, v := range st.form {
			form[k] = v
		}
		if resp, _ := refused.post(st.path, form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s as %s: %d, want 403", st.name, st.refused, resp.StatusCode)
		}
		if got := f.auditBy(st.audit); len(got) != 0 {
			t.Errorf("%s refused to %s, yet the audit log has %s by %v", st.name, st.refused, st.audit, got)
		}
		allowed := browsers[st.allowed]
		form.Set("csrf_token", allowed.csrf("/don-vi"))
		resp, doc := allowed.post(st.path, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s as %s: %d %q, want 303", st.name, st.allowed, resp.StatusCode, text(doc, ".error-summary, main p"))
		}
		if got, want := strings.Join(f.auditBy(st.audit), ","), "ops:"+st.allowed; got != want {
			t.Errorf("%s: audit %s by %q, want one entry by %q", st.name, st.audit, got, want)
		}
		if n := f.apiCalls(st.method, "OK"); n != 1 {
			t.Errorf("%s: %v calls of the admin API's %s, want 1", st.name, n, st.method)
		}
	}
	if tn, err := f.store.Tenant(context.Background(), "xa-a"); err != nil || tn.NameVI != "Phường A" || tn.Kind != "ward" ||
		len(tn.Hosts) != 1 || tn.NameEN != "" {
		t.Errorf("edited tenant: %+v %v, want the form's values (an empty English name empties it)", tn, err)
	}

	// A value the API refuses comes back on the form, in the page's
	// language, with the API's words: a parent that is not a tenant.
	admin := browsers["quantri"]
	resp, doc := admin.post("/don-vi/xa-a/sua", url.Values{"csrf_token": {admin.csrf("/don-vi")}, "kind": {"ward"},
		"name_vi": {"Phường A"}, "parent": {"khong-co"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, ".error-summary"), `"khong-co"`) {
		t.Errorf("edit with an unknown parent: %d %q, want 400 naming the parent", resp.StatusCode, text(doc, ".error-summary"))
	}
	resp, doc = admin.post("/them-don-vi", url.Values{"csrf_token": {admin.csrf("/don-vi")}, "id": {"xa-a"}, "kind": {"commune"},
		"name_vi": {"Xã A"}})
	if resp.StatusCode != http.StatusConflict || text(doc, ".error-summary") == "" {
		t.Errorf("adding a taken id: %d %q, want 409 with the form's message", resp.StatusCode, text(doc, ".error-summary"))
	}

	// The chain's verification is the API's AuditVerify, recorded as
	// hubctl's is (any role may run it).
	viewer := browsers["xem"]
	resp, doc = viewer.post("/nhat-ky/kiem-tra", url.Values{"csrf_token": {viewer.csrf("/nhat-ky")}})
	if resp.StatusCode != http.StatusOK || doc.Find(".notice").Length() == 0 {
		t.Fatalf("verify as a viewer: %d", resp.StatusCode)
	}
	es, err := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Actor: "ops:xem", Action: "ops.call", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || !strings.Contains(string(es[0].Detail), "AuditVerify") || f.apiCalls("AuditVerify", "OK") != 1 {
		t.Errorf("verification's audit entries by ops:xem: %d %v, want one ops.call of AuditVerify", len(es), es)
	}
}
