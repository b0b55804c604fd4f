package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/rs/zerolog"
)

func TestCataloguesAreComplete(t *testing.T) {
	cat, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for k := range cat["vi"] {
		if _, ok := cat["en"][k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range cat["en"] {
		if _, ok := cat["vi"][k]; !ok {
			t.Errorf("vi lacks %q", k)
		}
	}
	// Every literal message id of the templates and the code.
	used := regexp.MustCompile(`(?:L\.T|l\.T\(|\$L\.T) "([a-z_.0-9]+)"`)
	var sources []string
	fs.WalkDir(templateFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templateFS, p)
			sources = append(sources, string(b))
		}
		return err
	})
	for _, src := range sources {
		for _, m := range used.FindAllStringSubmatch(src, -1) {
			if _, ok := cat["vi"][m[1]]; !ok {
				t.Errorf("message %q is used but not in the catalogues", m[1])
			}
		}
	}
	for _, prefix := range []string{"kind.", "state.", "status.", "compliance.status.", "audit.problem.", "role.", "nav."} {
		found := false
		for k := range cat["vi"] {
			found = found || strings.HasPrefix(k, prefix)
		}
		if !found {
			t.Errorf("no message starts with %q", prefix)
		}
	}
}

func TestTenantPageShowsRegistryCredentialsItemsRefusalsAndCompliance(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.AddTenant(ctx, "test", hubstore.Tenant{ID: "so-du-lich", Kind: "department", NameVI: "Sở Du lịch",
		NameEN: "Department of Tourism", Registry: hubstore.Registry{Hosts: []string{"sodulich.example.vn"}, Phone: "0258 3822 753"}}); err != nil {
		t.Fatal(err)
	}
	_, token, err := f.store.IssueCredential(ctx, "test", "so-du-lich", "máy chủ chính")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.IssueCredential(ctx, "test", "so-du-lich", "chưa dùng"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	f.push("so-du-lich", article("le-hoi-bien", 3, "Lễ hội biển Nha Trang"))
	f.push("so-du-lich", article("am-thuc", 1, "Ẩm thực phố biển"))
	if err := f.store.RecordRefusal(ctx, "so-du-lich", "bai-loi", 2, []contentrules.Violation{
		{Field: "translations[0].title", Reason: "LEGACY_ENCODING", Description: "title is TCVN3", MessageVI: "Tiêu đề mã TCVN3"}}); err != nil {
		t.Fatal(err)
	}
	// A retry of the same push counts on the same row.
	if err := f.store.RecordRefusal(ctx, "so-du-lich", "bai-loi", 2, []contentrules.Violation{
		{Field: "translations[0].title", Reason: "LEGACY_ENCODING", Description: "title is TCVN3", MessageVI: "Tiêu đề mã TCVN3"}}); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	b.login("xem")
	resp, doc := b.get("/don-vi/so-du-lich")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("tenant page: %d", resp.StatusCode)
	}
	if got := text(doc, "h1"); !strings.HasPrefix(got, "Sở Du lịch") {
		t.Errorf("h1 %q", got)
	}
	if got := text(doc, "dl.facts"); !strings.Contains(got, "sodulich.example.vn (chính)") || !strings.Contains(got, "0258 3822 753") {
		t.Errorf("registry %q lacks the host or the phone", got)
	}
	creds := doc.Find("#credentials + .table-scroll tbody tr")
	if creds.Length() != 2 {
		t.Fatalf("%d credentials, want 2", creds.Length())
	}
	if used := strings.TrimSpace(creds.Eq(0).Find("td").Eq(2).Text()); used == "" || used == "chưa dùng" {
		t.Errorf("the credential used has last use %q", used)
	}
	if used := strings.TrimSpace(creds.Eq(1).Find("td").Eq(2).Text()); used != "chưa dùng" {
		t.Errorf("the unused credential has last use %q", used)
	}
	items := doc.Find("#items ~ .table-scroll").First().Find("tbody tr")
	if items.Length() != 2 || strings.TrimSpace(items.Eq(1).Find("th").Text()) != "le-hoi-bien" {
		t.Errorf("items: %d rows, second %q", items.Length(), items.Eq(1).Find("th").Text())
	}
	if href, _ := items.Eq(1).Find("th a").Attr("href"); href != "/don-vi/so-du-lich/noi-dung/le-hoi-bien" {
		t.Errorf("item link %q", href)
	}
	refused := doc.Find("#refused ~ .table-scroll").First().Find("tbody tr")
	if refused.Length() != 1 || !strings.Contains(refused.Text(), "LEGACY_ENCODING") || strings.TrimSpace(refused.Find("td").Last().Text()) != "2" {
		t.Errorf("refused pushes: %d rows %q, want one LEGACY_ENCODING refused twice", refused.Length(), refused.Text())
	}
	if doc.Find("#compliance + table tbody tr").Length() == 0 {
		t.Error("no compliance rows")
	}
	_, doc = b.get("/don-vi/so-du-lich?q=am+thuc")
	if n := doc.Find("#items ~ .table-scroll").First().Find("tbody tr").Length(); n != 1 {
		t.Errorf("item search 'am thuc': %d rows, want 1", n)
	}
	if resp, _ := b.get("/don-vi/khong-co"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown tenant: %d, want 404", resp.StatusCode)
	}
}

// takeDownForm posts the item page's takedown form as b.
func takeDownForm(b *browser, path, reason string, withToken bool) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	form := url.Values{"reason": {reason}}
	if withToken {
		form.Set("csrf_token", b.csrf(path))
	}
	return b.post(path+"/go-xuong", form)
}

func TestTakedownRolesCSRFAndLift(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-y-te", "department", "Sở Y tế")
	f.push("so-y-te", article("thong-bao-sai", 1, "Thông báo sai"))
	const path = "/don-vi/so-y-te/noi-dung/thong-bao-sai"

	viewer := f.browser()
	viewer.login("xem")
	_, doc := viewer.get(path)
	if doc.Find(`form[action$="/go-xuong"]`).Length() != 0 {
		t.Error("a viewer is shown the takedown form")
	}
	resp, doc := takeDownForm(viewer, path, "Sai sự thật", true)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(text(doc, "main"), "vận hành") {
		t.Errorf("viewer's takedown: %d %q, want 403 naming the operator role", resp.StatusCode, text(doc, "main p"))
	}

	op := f.browser()
	op.login("vanhanh")
	if resp, _ := takeDownForm(op, path, "Sai sự thật", false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("takedown without the CSRF token: %d, want 403", resp.StatusCode)
	}
	// Another session's token is no token.
	form := url.Values{"reason": {"Sai sự thật"}, "csrf_token": {viewer.csrf(path)}}
	if resp, _ := op.post(path+"/go-xuong", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("takedown with another session's token: %d, want 403", resp.StatusCode)
	}
	// From another site, even with the token.
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path+"/go-xuong",
		strings.NewReader(url.Values{"reason": {"x"}, "csrf_token": {op.csrf(path)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, _ := op.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin takedown: %d, want 403", resp.StatusCode)
	}
	item, err := f.cons.read.OpsItem(context.Background(), "so-y-te", "thong-bao-sai")
	if err != nil || item.TakenDownAt != nil {
		t.Fatalf("refused requests took the item down: %v %v", item.TakenDownAt, err)
	}

	resp, doc = takeDownForm(op, path, "   ", true)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("empty reason: %d, want 400", resp.StatusCode)
	}
	if href, _ := doc.Find(".error-summary a").Attr("href"); href != "#reason-takedown" {
		t.Errorf("error links to %q", href)
	}
	resp, _ = takeDownForm(op, path, "Thông tin sai sự thật, chờ đính chính", true)
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != path+"?done=takedown" {
		t.Fatalf("takedown: %d to %q", resp.StatusCode, got)
	}
	_, doc = op.get(path + "?done=takedown")
	if !strings.Contains(text(doc, ".notice"), "Đã gỡ tin") {
		t.Errorf("no confirmation: %q", text(doc, ".notice"))
	}
	entries, err := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: "item.takedown"})
	if err != nil || len(entries) != 1 || entries[0].Actor != "ops:vanhanh" {
		t.Fatalf("audit: %+v %v, want one item.takedown by ops:vanhanh", entries, err)
	}
	if doc.Find(`form[action$="/go-bo"]`).Length() != 1 {
		t.Fatal("no lift form on a taken-down item")
	}
	if got := text(doc, "#history ~ .table-scroll tbody tr"); !strings.Contains(got, "item.takedown") {
		t.Errorf("history's newest entry %q, want the takedown", got)
	}

	// The takedowns list, and lifting from it.
	_, doc = viewer.get("/go-xuong")
	if n := doc.Find("tbody tr").Length(); n != 1 || doc.Find(`form[action$="/go-bo"]`).Length() != 0 {
		t.Errorf("viewer's takedown list: %d rows, %d lift forms (want 1, 0)", n, doc.Find(`form[action$="/go-bo"]`).Length())
	}
	if resp, _ := viewer.post(path+"/go-bo", url.Values{"reason": {"x"}, "csrf_token": {viewer.csrf("/go-xuong")}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer's lift: %d, want 403", resp.StatusCode)
	}
	resp, _ = op.post(path+"/go-bo", url.Values{"reason": {"Đã đính chính"}, "back": {"list"}, "csrf_token": {op.csrf("/go-xuong")}})
	if got := resp.Header.Get("Location"); got != "/go-xuong?done=lifted" {
		t.Errorf("lift from the list redirects to %q", got)
	}
	entries, _ = f.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: "item.takedown_lifted"})
	if len(entries) != 1 || !strings.Contains(string(entries[0].Detail), "Đã đính chính") {
		t.Errorf("lift audit %+v, want the reason in its detail", entries)
	}
	_, doc = op.get("/go-xuong")
	if doc.Find("tbody tr").Length() != 0 {
		t.Error("the lifted item is still listed")
	}
}

func TestAuditLogFilterPagesAndVerify(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < auditPageSize+3; i++ {
		f.addTenant("xa-"+string(rune('a'+i/26))+string(rune('a'+i%26)), "commune", "Xã")
	}
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/nhat-ky?action=tenant.")
	rows := doc.Find(".table-scroll tbody tr")
	if rows.Length() != auditPageSize {
		t.Fatalf("%d entries, want %d", rows.Length(), auditPageSize)
	}
	lastShown, _ := strconv.Atoi(strings.TrimSpace(rows.Last().Find("th").Text()))
	next, ok := doc.Find("a[rel=next]").Attr("href")
	if !ok {
		t.Fatal("no link to older entries")
	}
	_, doc = b.get(next)
	if n := doc.Find(".table-scroll tbody tr").Length(); n != 3 {
		t.Errorf("older page: %d entries, want 3", n)
	}
	if got := strings.TrimSpace(doc.Find(".table-scroll tbody th").First().Text()); got != strconv.Itoa(lastShown-1) {
		t.Errorf("older page starts at seq %q, want %d (the tenant additions are consecutive)", got, lastShown-1)
	}

	verify := func(head string) (*http.Response, *goquery.Document) {
		return b.post("/nhat-ky/kiem-tra", url.Values{"csrf_token": {b.csrf("/nhat-ky")}, "head": {head}})
	}
	resp, doc := verify("")
	if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc, ".notice"), "nguyên vẹn") {
		t.Fatalf("verify: %d %q", resp.StatusCode, text(doc, ".notice"))
	}
	if resp, _ := b.post("/nhat-ky/kiem-tra", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("verify without the token: %d, want 403", resp.StatusCode)
	}
	if resp, doc = verify("khong-phai-dau-chuoi"); resp.StatusCode != http.StatusBadRequest || doc.Find(".error-summary a[href='#head']").Length() != 1 {
		t.Errorf("bad head: %d", resp.StatusCode)
	}

	// Altered as the database owner can: the page names the entry.
	pool := f.store.Pool()
	ctx := context.Background()
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`,
		`UPDATE audit_log SET actor = 'ke-gian' WHERE seq = 7`,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_, doc = verify("")
	if got := text(doc, ".error-summary"); !strings.Contains(got, "Mục số 7") || !strings.Contains(got, "bị sửa") {
		t.Errorf("tampered log: %q, want entry 7 named as altered", got)
	}
}

func TestCompliancePageHeatmapAndCSV(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addTenant("so-a", "department", "Sở A")
	f.addTenant("so-b", "department", "Sở B")
	// Both registered long before the period.
	if _, err := f.store.Pool().Exec(ctx, `UPDATE tenants SET created_at = '2026-01-01'`); err != nil {
		t.Fatal(err)
	}
	// Week 48 (23-29 November): so-a two updates, so-b one.
	f.updatesAt("so-a", at(24, 9), at(26, 15))
	f.updatesAt("so-b", at(25, 9))
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/tuan-thu?from=2026-W48&to=2026-W49")
	rows := doc.Find("#cmp-caption").Closest("table").Find("tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d tenant rows, want 2", rows.Length())
	}
	cell := func(r, c int) string { return strings.Join(strings.Fields(rows.Eq(r).Find("td").Eq(c).Text()), " ") }
	if cell(0, 0) != "đạt 2/2" || cell(1, 0) != "chậm cập nhật 1/2" {
		t.Errorf("week 48: so-a %q, so-b %q", cell(0, 0), cell(1, 0))
	}
	if !strings.HasPrefix(cell(0, 1), "chưa đến hạn") {
		t.Errorf("week 49 (running): %q", cell(0, 1))
	}
	_, doc = b.get("/tuan-thu?from=2026-W48&to=2026-W49&status=behind")
	if n := doc.Find("#cmp-caption").Closest("table").Find("tbody tr").Length(); n != 1 {
		t.Errorf("status=behind: %d rows, want so-b only", n)
	}
	csvHref, _ := doc.Find("a[download]").Attr("href")
	resp, err := b.c.Get(f.srv.URL + csvHref)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %v %s", err, resp.Header.Get("Content-Type"))
	}
	if len(recs) != 3 || recs[1][0] != "2026-W48" || recs[1][1] != "so-b" || recs[1][2] != "behind" {
		t.Errorf("CSV %v: want the header and so-b's two weeks", recs)
	}

	// One tenant: the heatmap, with its table.
	_, doc = b.get("/tuan-thu?tenant=so-a&from=2026-W48&to=2026-W48")
	svg := doc.Find("svg[role=img]")
	if svg.Length() != 1 {
		t.Fatal("no heatmap")
	}
	if got := svg.Find("desc").Text(); !strings.Contains(got, "Tổng 2 cập nhật") || !strings.Contains(got, "5 ngày làm việc") {
		t.Errorf("heatmap description %q", got)
	}
	if n := svg.Find("rect:has(title)").Length(); n != 7 {
		t.Errorf("%d day cells, want 7", n)
	}
	days := doc.Find("details table tbody tr")
	if days.Length() != 7 || strings.TrimSpace(days.Eq(1).Find("td").Last().Text()) != "1" {
		t.Errorf("day table: %d rows, Tuesday %q", days.Length(), days.Eq(1).Find("td").Last().Text())
	}
	// Registered on Wednesday 25: nothing was owed before Thursday.
	if _, err := f.store.Pool().Exec(ctx, `UPDATE tenants SET created_at = '2026-11-25 12:00+07' WHERE id = 'so-a'`); err != nil {
		t.Fatal(err)
	}
	_, doc = b.get("/tuan-thu?tenant=so-a&from=2026-W48&to=2026-W48")
	days = doc.Find("details table tbody tr")
	if got := strings.TrimSpace(days.Eq(2).Find("td").First().Text()); got != "trước khi đăng ký" {
		t.Errorf("Wednesday 25 is %q, want before registration", got)
	}
	if got := strings.TrimSpace(days.Eq(3).Find("td").First().Text()); got != "ngày làm việc" {
		t.Errorf("Thursday 26 is %q, want a working day", got)
	}
	if resp, _ := b.get("/tuan-thu?from=2026-48"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a malformed week: %d, want 400", resp.StatusCode)
	}
	// A period the calendar does not cover says so.
	if _, err := f.store.Pool().Exec(ctx, `UPDATE tenants SET created_at = '2025-01-01'`); err != nil {
		t.Fatal(err)
	}
	resp, doc = b.get("/tuan-thu?from=2025-W50&to=2026-W01")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, ".error-summary"), "2025") {
		t.Errorf("a year outside the calendar: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
}

func TestActivityChartTableAndCSV(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.addTenant("so-b", "department", "Sở B")
	f.updatesAt("so-a", at(24, 9), at(24, 15), at(26, 10))
	f.updatesAt("so-b", at(24, 9))
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/hoat-dong?from=2026-11-23&to=2026-11-29")
	bars := doc.Find("figure svg rect")
	if bars.Length() != 7 {
		t.Fatalf("%d bars, want 7", bars.Length())
	}
	if got := bars.Eq(1).Find("title").Text(); got != "24/11/2026: 3 cập nhật" {
		t.Errorf("Tuesday's bar %q", got)
	}
	if got := text(doc, "figcaption"); !strings.Contains(got, "Tổng 4 cập nhật trong 7 ngày") {
		t.Errorf("description %q", got)
	}
	table := doc.Find("details table tbody tr")
	if table.Length() != 7 || strings.TrimSpace(table.Eq(1).Find("td").Text()) != "3" {
		t.Errorf("table alternative: %d rows, Tuesday %q", table.Length(), table.Eq(1).Find("td").Text())
	}
	if got := text(doc, "h2 + table tbody tr th"); got != "Sở A" {
		t.Errorf("most active %q, want Sở A", got)
	}
	_, doc = b.get("/hoat-dong?tenant=so-b&from=2026-11-23&to=2026-11-29")
	if got := text(doc, "figcaption"); !strings.Contains(got, "Tổng 1 cập nhật") {
		t.Errorf("so-b's description %q", got)
	}
	href, _ := doc.Find("a[download]").Attr("href")
	resp, err := b.c.Get(f.srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(recs) != 8 || recs[2][0] != "2026-11-24" || recs[2][1] != "so-b" || recs[2][2] != "1" {
		t.Errorf("CSV %v %v: want a row per day of so-b", recs, err)
	}
	if resp, _ := b.get("/hoat-dong?from=2020-01-01&to=2026-01-01"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a period over a year: %d, want 400", resp.StatusCode)
	}
}

type fakeConsumers []backlog.Consumer

func (f fakeConsumers) Consumers(context.Context) ([]backlog.Consumer, error) { return f, nil }

func TestBacklogShowsOutboxAndConsumers(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.push("so-a", article("tin-1", 1, "Tin một"))
	if _, err := f.store.Pool().Exec(context.Background(), `UPDATE outbox SET attempts = 3, last_error = 'nats: timeout'`); err != nil {
		t.Fatal(err)
	}
	last := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	// The page shows what the admin API's Backlog answers.
	f.cons.cfg.Ops = opsapi.New(opsapi.Config{Store: f.store, Accounts: opsaccounts.New(f.store.Pool()), Log: zerolog.Nop(),
		Now:       func() time.Time { return testNow },
		Consumers: fakeConsumers{{Name: "gateway-abc", Filter: "hub.>", Pending: 42, AckPending: 1, LastDelivered: &last}}})
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/hang-doi")
	// The push's event and the one announcing the new tenant.
	if got := text(doc, ".cards li .big"); got != "2" {
		t.Errorf("pending outbox %q, want 2", got)
	}
	if got := text(doc, "#fail-caption ~ tbody td:last-child"); got != "nats: timeout" {
		t.Errorf("failing row's error %q", got)
	}
	cons := doc.Find("#cons-caption").Closest("table").Find("tbody tr td")
	if strings.TrimSpace(cons.Eq(2).Text()) != "42" {
		t.Errorf("consumer pending %q, want 42", cons.Eq(2).Text())
	}
}

// TestEveryPageAsViewer opens each page of the navigation as a viewer: one
// h1, the page marked current, no inline script or style.
func TestEveryPageAsViewer(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	b := f.browser()
	b.login("xem")
	for _, n := range nav {
		resp, doc := b.get(n.Path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", n.Path, resp.StatusCode)
			continue
		}
		if doc.Find("h1").Length() != 1 {
			t.Errorf("%s: %d h1", n.Path, doc.Find("h1").Length())
		}
		if got, _ := doc.Find(`nav a[aria-current=page]`).Attr("href"); got != n.Path {
			t.Errorf("%s: current nav entry %q", n.Path, got)
		}
		if doc.Find("script, style, [style]").Length() != 0 {
			t.Errorf("%s: script or inline style", n.Path)
		}
	}
}

func TestCoverageAndAlerts(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.addTenant("so-b", "department", "Sở B")
	f.push("so-a", article("tin-1", 1, "Tin một"))
	en := article("tin-2", 1, "Tin hai")
	en.Translations = append(en.Translations, &pb.Translation{Locale: "en", Title: "News two", Slug: "news-two"})
	f.push("so-b", en)
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/pham-vi")
	rows := doc.Find("#cov-caption").Closest("table").Find("tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d rows, want 2", rows.Length())
	}
	a, bb := text(doc, "#cov-caption ~ tbody tr:nth-child(1) th"), strings.Join(strings.Fields(rows.Eq(1).Find("th").Text()), " ")
	if !strings.Contains(a, "thiếu 1 loại") || !strings.Contains(a, "Tin bài: chưa có tiếng Anh") {
		t.Errorf("so-a: %q, want one kind missing and no English article", a)
	}
	if strings.Contains(bb, "tiếng Anh") {
		t.Errorf("so-b has its article in English: %q", bb)
	}
	cells := rows.Eq(1).Find("td")
	if got := strings.Join(strings.Fields(cells.Eq(0).Text()), " "); got != "1 (EN 1)" {
		t.Errorf("so-b's articles %q, want 1 (EN 1)", got)
	}
	if got := strings.TrimSpace(cells.Eq(1).Text()); got != "chưa có" {
		t.Errorf("so-b's legal documents %q, want none", got)
	}

	// The units the counts call missing are named: so-a's articles cell
	// links to its list of published articles without English.
	en3 := article("tin-3", 1, "Tin ba")
	en3.Translations = append(en3.Translations, &pb.Translation{Locale: "en", Title: "News three", Slug: "news-three"})
	f.push("so-a", en3)
	f.push("so-a", article("tin-4", 1, "Tin bốn"))
	_, doc = b.get("/pham-vi")
	link, ok := doc.Find("#cov-caption ~ tbody tr:nth-child(1) td").First().Find("a").Attr("href")
	if !ok || !strings.Contains(link, "kind=article") || !strings.Contains(link, "lacks=en") {
		t.Fatalf("so-a's articles, 1 of 3 in English: link %q, want one to those lacking English", link)
	}
	_, doc = b.get(link)
	var listed []string
	doc.Find("#items ~ .table-scroll").First().Find(`tbody th[scope="row"]`).Each(func(_ int, th *goquery.Selection) {
		listed = append(listed, strings.TrimSpace(th.Text()))
	})
	if strings.Join(listed, " ") != "tin-1 tin-4" {
		t.Errorf("so-a's articles lacking English listed %q, want tin-1 tin-4", listed)
	}
	if resp, _ := b.get("/don-vi/so-a?kind=bogus"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown kind: %d, want 400", resp.StatusCode)
	}
	if resp, _ := b.get("/don-vi/so-a?lacks=fr"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown language: %d, want 400", resp.StatusCode)
	}

	// An Article 11.3 alert: a line on the tenant list, a row on the compliance page.
	if _, err := f.store.Pool().Exec(context.Background(), `INSERT INTO compliance_alerts (tenant_id, period, raised_at)
		VALUES ('so-a', '2026-W48', $1)`, testNow.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, doc = b.get("/don-vi")
	if got := text(doc, ".notice-warn"); !strings.Contains(got, "1 cảnh báo chậm cập nhật") {
		t.Errorf("tenant list notice %q", got)
	}
	_, doc = b.get("/tuan-thu")
	if got := text(doc, "#alerts + table tbody tr"); !strings.Contains(got, "so-a") || !strings.Contains(got, "2026-W48") {
		t.Errorf("alerts %q", got)
	}
}

func TestMaintenanceScheduleAndCancel(t *testing.T) {
	f := newFixture(t)
	form := func(b *browser, vi string) url.Values {
		return url.Values{"csrf_token": {b.csrf("/bao-tri")}, "starts": {"2026-12-05T22:00"}, "ends": {"2026-12-06T02:00"},
			"message_vi": {vi}, "message_en": {"Maintenance tonight"}, "message_ru": {"Техническое обслуживание"}}
	}
	viewer := f.browser()
	viewer.login("xem")
	_, doc := viewer.get("/bao-tri")
	if doc.Find(`form[action="/bao-tri"]`).Length() != 0 {
		t.Error("a viewer is shown the scheduling form")
	}
	if resp, _ := viewer.post("/bao-tri", form(viewer, "Bảo trì")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer schedules: %d, want 403", resp.StatusCode)
	}
	op := f.browser()
	op.login("vanhanh")
	resp, doc := op.post("/bao-tri", form(op, "  "))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, ".error-summary"), "tiếng Việt") {
		t.Errorf("no Vietnamese message: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
	if got, _ := doc.Find("#message_en").Attr("value"); got != "Maintenance tonight" {
		t.Errorf("the form lost what was typed: %q", got)
	}
	resp, _ = op.post("/bao-tri", form(op, "Bảo trì hệ thống tối nay"))
	if got := resp.Header.Get("Location"); got != "/bao-tri?done=maintenance_scheduled" {
		t.Fatalf("schedule: %d to %q", resp.StatusCode, got)
	}
	_, doc = op.get("/bao-tri")
	rows := doc.Find("#current + .table-scroll tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Bảo trì hệ thống tối nay") || !strings.Contains(rows.Text(), "đã lên lịch") {
		t.Fatalf("upcoming windows: %d %q", rows.Length(), rows.Text())
	}
	if got := strings.Join(strings.Fields(rows.Find("th").Text()), " "); got != "22:00 05/12/2026 – 02:00 06/12/2026" {
		t.Errorf("window %q, want the times typed, in GMT+7", got)
	}
	action, _ := rows.Find("form").Attr("action")
	resp, _ = op.post(action, url.Values{"csrf_token": {op.csrf("/bao-tri")}})
	if got := resp.Header.Get("Location"); got != "/bao-tri?done=maintenance_cancelled" {
		t.Fatalf("cancel: %d to %q", resp.StatusCode, got)
	}
	entries, err := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: "maintenance."})
	if err != nil || len(entries) != 2 || entries[0].Actor != "ops:vanhanh" {
		t.Errorf("audit %+v %v, want scheduled and cancelled by ops:vanhanh", entries, err)
	}
}

func TestPageViewsChartTablesAndCSV(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	for _, r := range []struct {
		day, tenant, lang, path string
		views, bots             int
	}{
		{"2026-11-24", "so-a", "vi", "/vi/so-a/", 30, 5},
		{"2026-11-24", "so-a", "en", "/en/so-a/", 10, 0},
		{"2026-11-25", "", "vi", "/vi/", 50, 20},
		{"2026-11-26", "so-a", "vi", "/vi/so-a/", 7, 1},
	} {
		if _, err := f.store.Pool().Exec(context.Background(), `INSERT INTO page_views (day, tenant_id, lang, path, views, bot_views)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.day, r.tenant, r.lang, r.path, r.views, r.bots); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/luot-xem?from=2026-11-23&to=2026-11-29")
	if got := text(doc, ".cards li .big"); got != "97" {
		t.Errorf("total %q, want 97", got)
	}
	bars := doc.Find("figure svg rect")
	if bars.Length() != 7 || bars.Eq(2).Find("title").Text() != "25/11/2026: 50 lượt xem, 20 của máy" {
		t.Errorf("%d bars, Wednesday %q", bars.Length(), bars.Eq(2).Find("title").Text())
	}
	tue := doc.Find("details table tbody tr").Eq(1).Find("th, td")
	if got := tue.Eq(0).Text() + " " + tue.Eq(1).Text() + " " + tue.Eq(2).Text(); got != "24/11/2026 40 5" {
		t.Errorf("Tuesday's row %q", got)
	}
	sites := doc.Find("h2:contains('Trang web') + table tbody tr")
	if sites.Length() != 2 || strings.TrimSpace(sites.Eq(0).Find("th").Text()) != "Cổng tỉnh (trang riêng)" {
		t.Errorf("sites: %d, first %q", sites.Length(), sites.Eq(0).Find("th").Text())
	}
	_, doc = b.get("/luot-xem?tenant=so-a&from=2026-11-23&to=2026-11-29")
	if got := text(doc, ".cards li .big"); got != "47" {
		t.Errorf("so-a's total %q, want 47", got)
	}
	href, _ := doc.Find("a[download]").Attr("href")
	resp, err := b.c.Get(f.srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(recs) != 4 || strings.Join(recs[1], ",") != "2026-11-24,so-a,en,10,0" {
		t.Errorf("CSV %v %v", recs, err)
	}
	_, doc = b.get("/luot-xem?tenant=-&from=2026-11-23&to=2026-11-29")
	if got := text(doc, ".cards li .big"); got != "50" {
		t.Errorf("the portal's own pages: %q, want 50", got)
	}
}

func TestAdvertsAddedAndEndedByAdministrators(t *testing.T) {
	f := newFixture(t)
	form := func(b *browser, url_ string) url.Values {
		return url.Values{"csrf_token": {b.csrf("/quang-cao")}, "advertiser": {"Công ty Du lịch Biển Xanh"},
			"label": {"Tour đảo Nha Trang mùa đông"}, "url": {url_}, "starts": {"2026-12-01T00:00"}, "ends": {"2026-12-31T00:00"}}
	}
	op := f.browser()
	op.login("vanhanh")
	if resp, _ := op.post("/quang-cao", form(op, "https://bienxanh.example.vn/")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an operator adds an advertisement: %d, want 403 (administrators only)", resp.StatusCode)
	}
	admin := f.browser()
	admin.login("quantri")
	resp, doc := admin.post("/quang-cao", form(admin, "javascript:alert(1)"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, ".error-summary"), "http hoặc https") {
		t.Errorf("a javascript: link: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
	resp, _ = admin.post("/quang-cao", form(admin, "https://bienxanh.example.vn/"))
	if got := resp.Header.Get("Location"); got != "/quang-cao?done=advert_added" {
		t.Fatalf("add: %d to %q", resp.StatusCode, got)
	}
	// The slot is off by default: nothing shows until an administrator turns it on.
	if shown, err := f.cons.read.Adverts(context.Background(), testNow); err != nil || len(shown) != 0 {
		t.Fatalf("the slot is off, yet the portal shows %+v %v", shown, err)
	}
	_, doc = admin.get("/quang-cao")
	if !strings.Contains(text(doc, "#slot"), "đang tắt") {
		t.Errorf("slot notice %q, want off", text(doc, "#slot"))
	}
	if resp, _ := op.post("/quang-cao/bat-tat", url.Values{"csrf_token": {op.csrf("/quang-cao")}, "on": {"true"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an operator turns the slot on: %d, want 403", resp.StatusCode)
	}
	resp, _ = admin.post("/quang-cao/bat-tat", url.Values{"csrf_token": {admin.csrf("/quang-cao")}, "on": {"true"}})
	if got := resp.Header.Get("Location"); got != "/quang-cao?done=adverts_on" {
		t.Fatalf("turn on: %d to %q", resp.StatusCode, got)
	}
	shown, err := f.cons.read.Adverts(context.Background(), testNow)
	if err != nil || len(shown) != 1 || shown[0].Advertiser != "Công ty Du lịch Biển Xanh" {
		t.Fatalf("the portal's slot at testNow: %+v %v", shown, err)
	}
	_, doc = admin.get("/quang-cao")
	action, ok := doc.Find("#current + .table-scroll form").Attr("action")
	if !ok {
		t.Fatal("no form ends the running advertisement")
	}
	resp, _ = admin.post(action, url.Values{"csrf_token": {admin.csrf("/quang-cao")}})
	if got := resp.Header.Get("Location"); got != "/quang-cao?done=advert_ended" {
		t.Fatalf("end: %d to %q", resp.StatusCode, got)
	}
	if shown, _ = f.cons.read.Adverts(context.Background(), testNow.Add(time.Second)); len(shown) != 0 {
		t.Errorf("an ended advertisement is still shown: %+v", shown)
	}
	_, doc = admin.get("/quang-cao")
	if doc.Find("#ended + .table-scroll tbody tr").Length() != 1 {
		t.Error("the ended advertisement is not in the history")
	}
	entries, _ := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: "advert."})
	if len(entries) != 2 || entries[1].Actor != "ops:quantri" || entries[0].Action != "advert.end" {
		t.Errorf("audit %+v, want advert.add and advert.end by ops:quantri", entries)
	}
}

// TestTakedownsAndRefusalsPage: the two lists keyed by time page forward
// and back without losing or repeating a row.
func TestTakedownsAndRefusalsPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addTenant("so-a", "department", "Sở A")
	const n = itemsPageSize + 7
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("tin-%02d", i)
		f.push("so-a", article(id, 1, "Tin "+id))
		if err := f.store.TakeDown(ctx, "test", "so-a", id, "Lý do"); err != nil {
			t.Fatal(err)
		}
		if err := f.store.RecordRefusal(ctx, "so-a", id, 2, []contentrules.Violation{{Field: "title", Reason: "LEGACY_ENCODING"}}); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser()
	b.login("xem")
	for _, list := range []string{"/go-xuong", "/bi-tu-choi"} {
		ids := func(doc *goquery.Document) []string {
			var out []string
			doc.Find("tbody tr").Each(func(_ int, r *goquery.Selection) {
				out = append(out, strings.TrimSpace(r.Find("a[href*='/noi-dung/'], code").First().Text()))
			})
			return out
		}
		_, doc := b.get(list)
		first := ids(doc)
		next, ok := doc.Find("a[rel=next]").Attr("href")
		if len(first) != itemsPageSize || !ok {
			t.Fatalf("%s: first page %d rows, next %v", list, len(first), ok)
		}
		_, doc = b.get(next)
		second := ids(doc)
		if len(second) != n-itemsPageSize || doc.Find("a[rel=next]").Length() != 0 {
			t.Errorf("%s: second page %d rows, want %d and no next", list, len(second), n-itemsPageSize)
		}
		seen := map[string]bool{}
		for _, id := range append(append([]string{}, first...), second...) {
			if seen[id] {
				t.Errorf("%s: %s on both pages", list, id)
			}
			seen[id] = true
		}
		if len(seen) != n {
			t.Errorf("%s: %d distinct rows over both pages, want %d", list, len(seen), n)
		}
		prev, _ := doc.Find("a[rel=prev]").Attr("href")
		_, doc = b.get(prev)
		if again := ids(doc); strings.Join(again, ",") != strings.Join(first, ",") {
			t.Errorf("%s: back to the first page shows %v, want %v", list, again, first)
		}
	}
}

func TestFeaturedItemsChosenByOperators(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.push("so-a", article("le-hoi", 1, "Lễ hội biển"))
	add := func(b *browser, id, pos string) (*http.Response, *goquery.Document) {
		return b.post("/noi-bat", url.Values{"csrf_token": {b.csrf("/noi-bat")}, "tenant": {"so-a"}, "content_id": {id}, "position": {pos}})
	}
	viewer := f.browser()
	viewer.login("xem")
	if resp, _ := add(viewer, "le-hoi", "1"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer features an item: %d, want 403", resp.StatusCode)
	}
	op := f.browser()
	op.login("vanhanh")
	resp, doc := add(op, "khong-co", "1")
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown item: %d %q", resp.StatusCode, text(doc, "main"))
	}
	if resp, doc = add(op, "le-hoi", "mot"); resp.StatusCode != http.StatusBadRequest || doc.Find(".error-summary a[href='#position']").Length() != 1 {
		t.Errorf("a position that is no number: %d", resp.StatusCode)
	}
	resp, _ = add(op, "le-hoi", "2")
	if got := resp.Header.Get("Location"); got != "/noi-bat?done=featured_added" {
		t.Fatalf("feature: %d to %q", resp.StatusCode, got)
	}
	_, doc = viewer.get("/noi-bat")
	rows := doc.Find("#feat-caption").Closest("table").Find("tbody tr")
	if rows.Length() != 1 || text(doc, "#feat-caption ~ tbody th") != "Lễ hội biển" || doc.Find("form[action='/noi-bat/bo']").Length() != 0 {
		t.Fatalf("viewer's list: %d rows %q, %d remove forms", rows.Length(), rows.Text(), doc.Find("form[action='/noi-bat/bo']").Length())
	}
	picks, err := f.cons.read.FeaturedPicks(context.Background(), testNow.Add(time.Hour))
	if err != nil || len(picks) != 1 {
		t.Fatalf("the home's picks: %+v %v", picks, err)
	}
	resp, _ = op.post("/noi-bat/bo", url.Values{"csrf_token": {op.csrf("/noi-bat")}, "tenant": {"so-a"}, "content_id": {"le-hoi"}})
	if got := resp.Header.Get("Location"); got != "/noi-bat?done=featured_removed" {
		t.Fatalf("remove: %d to %q", resp.StatusCode, got)
	}
	entries, _ := f.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: "featured."})
	if len(entries) != 2 || entries[0].Actor != "ops:vanhanh" {
		t.Errorf("audit %+v, want featured.added and featured.removed by ops:vanhanh", entries)
	}
}
