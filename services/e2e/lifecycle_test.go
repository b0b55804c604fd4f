package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestTenantLifecycle (issue 10 point 3), on a federation of its own (the
// renamed unit's sub-portal is left behind by its rename): a unit is
// renamed and another merged into a third through the admin API; every URL
// crawled before answers 301 to a page that answers 200, the moved items
// land in the successor's sub-portal, whose editors withdraw one, and the
// portal shows the withdrawal.
func TestTenantLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var out io.Writer = io.Discard
	if os.Getenv("E2E_VERBOSE") != "" {
		out = os.Stderr
	}
	units := []federation.Tenant{
		{ID: "xa-doi-ten", Kind: "commune", NameVI: "Xã Đổi Tên", Port: testenv.FreePort(t)},
		{ID: "xa-sap-nhap", Kind: "commune", NameVI: "Xã Sáp Nhập", NameEN: "Merged Commune", Port: testenv.FreePort(t)},
		{ID: "phuong-moi", Kind: "ward", NameVI: "Phường Mới", Port: testenv.FreePort(t)},
	}
	f, err := federation.Start(ctx, federation.Options{VarDir: t.TempDir(), BinDir: binDir, Ephemeral: true, Tenants: units, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	for _, p := range []struct{ tenant, id, slug, title string }{
		{"xa-doi-ten", "tin-1", "tin-mot", "Tin một của xã"},
		{"xa-sap-nhap", "le-hoi", "le-hoi-xa", "Lễ hội của xã"},
		{"xa-sap-nhap", "hop-bao", "hop-bao", "Họp báo của xã"},
		{"phuong-moi", "le-hoi", "le-hoi-phuong", "Lễ hội của phường"}, // the same content id
		{"phuong-moi", "hop", "hop-bao", "Họp báo của phường"},         // the same slug
	} {
		if code := callSubPortal(t, f.SubPortals[p.tenant], "POST", "/api/items", newsItem(p.id, p.slug, p.title, "<p>"+p.title+"</p>"), nil); code != http.StatusCreated {
			t.Fatalf("create %s/%s: %d", p.tenant, p.id, code)
		}
	}
	page := func(path string) (*http.Response, string) {
		c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(f.Gateway + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	old := []string{
		"/vi/xa-doi-ten/", "/vi/xa-doi-ten/tin-mot", "/vi/xa-doi-ten/tin-tuc-su-kien/", "/vi/xa-doi-ten/rss.xml",
		"/api/v1/items/xa-doi-ten/tin-1", "/api/v1/tenants/xa-doi-ten",
		"/vi/xa-sap-nhap/", "/vi/xa-sap-nhap/le-hoi-xa", "/vi/xa-sap-nhap/hop-bao", "/vi/xa-sap-nhap/atom.xml",
		"/api/v1/items/xa-sap-nhap/le-hoi", "/api/v1/tenants/xa-sap-nhap",
	}
	testenv.WaitFor(t, 30*time.Second, func() error { // every URL answers before the change
		for _, p := range old {
			if resp, _ := page(p); resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		return nil
	})

	ops := opsClient(t, ctx, f)
	if _, err := ops.RenameTenant(ops.ctx, &pb.RenameTenantRequest{Id: "xa-doi-ten", NewId: "phuong-doi-ten"}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	rep, err := ops.MergeTenant(ops.ctx, &pb.MergeTenantRequest{Id: "xa-sap-nhap", Into: "phuong-moi", DissolvedOn: "2025-06-30"})
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	if rep.GetMoved() != 2 || len(rep.GetRenamed()) != 2 {
		t.Fatalf("merge report: %v; want 2 moved, both renamed", rep)
	}

	// Crawl the URLs taken before: each answers 301 to a page that
	// answers 200 (once the gateway heard of the change).
	want := map[string]string{
		"/vi/xa-doi-ten/":                  "/vi/phuong-doi-ten/",
		"/vi/xa-doi-ten/tin-mot":           "/vi/phuong-doi-ten/tin-mot",
		"/vi/xa-doi-ten/tin-tuc-su-kien/":  "/vi/phuong-doi-ten/tin-tuc-su-kien/",
		"/vi/xa-doi-ten/rss.xml":           "/vi/phuong-doi-ten/rss.xml",
		"/api/v1/items/xa-doi-ten/tin-1":   "/api/v1/items/phuong-doi-ten/tin-1",
		"/api/v1/tenants/xa-doi-ten":       "/api/v1/tenants/phuong-doi-ten",
		"/vi/xa-sap-nhap/":                 "/vi/phuong-moi/",
		"/vi/xa-sap-nhap/le-hoi-xa":        "/vi/phuong-moi/le-hoi-xa",
		"/vi/xa-sap-nhap/hop-bao":          "/vi/phuong-moi/hop-bao-xa-sap-nhap",
		"/vi/xa-sap-nhap/atom.xml":         "/vi/phuong-moi/atom.xml",
		"/api/v1/items/xa-sap-nhap/le-hoi": "/api/v1/items/phuong-moi/xa-sap-nhap-le-hoi",
		"/api/v1/tenants/xa-sap-nhap":      "/api/v1/tenants/phuong-moi",
	}
	if len(want) != len(old) {
		t.Fatalf("%d expectations for %d old URLs", len(want), len(old))
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		for _, from := range old {
			resp, _ := page(from)
			if resp.StatusCode != http.StatusMovedPermanently {
				return fmt.Errorf("GET %s: %d, want 301", from, resp.StatusCode)
			}
			u, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || u.RequestURI() != want[from] {
				return fmt.Errorf("GET %s: Location %q, want %s", from, resp.Header.Get("Location"), want[from])
			}
			if again, _ := page(u.RequestURI()); again.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s -> %s: %d, want 200", from, u.RequestURI(), again.StatusCode)
			}
		}
		return nil
	})
	if _, body := page("/vi/phuong-moi/le-hoi-xa"); !strings.Contains(body, "Bài viết do Xã Sáp Nhập") {
		t.Errorf("the moved page does not name the unit that first published it")
	}
	// The successor's own items keep their addresses.
	if resp, body := page("/vi/phuong-moi/hop-bao"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Họp báo của phường") {
		t.Errorf("the successor's own item: %d", resp.StatusCode)
	}

	// The moved items are the successor sub-portal's own: its editors
	// withdraw one, and the portal shows the withdrawal.
	successor := f.SubPortals["phuong-moi"]
	testenv.WaitFor(t, 30*time.Second, func() error {
		if code := callSubPortal(t, successor, "GET", "/api/items/xa-sap-nhap-le-hoi", nil, nil); code != http.StatusOK {
			return fmt.Errorf("the successor's sub-portal holds the moved item: %d", code)
		}
		return nil
	})
	if code := callSubPortal(t, successor, "POST", "/api/items/xa-sap-nhap-le-hoi/withdraw",
		map[string]string{"reason": "Hết hiệu lực sau sáp nhập"}, nil); code >= 300 {
		t.Fatalf("withdraw the moved item in the successor's sub-portal: %d", code)
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		resp, body := page("/vi/phuong-moi/le-hoi-xa")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Hết hiệu lực sau sáp nhập") {
			return fmt.Errorf("the withdrawal on the portal: %d", resp.StatusCode)
		}
		return nil
	})
}

// opsAPI is an OpsService client logged in as an administrator.
type opsAPI struct {
	pb.OpsServiceClient
	ctx context.Context
}

// opsClient makes an administrator account in f's hub database and logs
// it in over the admin API.
func opsClient(t *testing.T, ctx context.Context, f *federation.Federation) opsAPI {
	t.Helper()
	pool, err := pgxpool.New(ctx, f.HubDatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	const password = "Sáp nhập 2025 an toàn"
	if _, err := opsaccounts.New(pool).Create(ctx, opsaccounts.NewAccount{Login: "e2e-admin", Role: opsaccounts.Administrator,
		Password: password}, "e2e"); err != nil {
		t.Fatal(err)
	}
	return opsLogin(t, ctx, f, "e2e-admin", password)
}

// opsLogin dials f's admin API over TLS (the federation's CA) and logs in
// as an ops account, as hubctl login does.
func opsLogin(t *testing.T, ctx context.Context, f *federation.Federation, login, password string) opsAPI {
	t.Helper()
	pem, err := os.ReadFile(f.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	conn, err := grpc.NewClient(f.HubAdminAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := pb.NewOpsServiceClient(conn)
	resp, err := c.Login(ctx, &pb.LoginRequest{Login: login, Password: password})
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return opsAPI{OpsServiceClient: c, ctx: metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+resp.GetToken())}
}
