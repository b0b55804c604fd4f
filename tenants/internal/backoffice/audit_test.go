package backoffice

import (
	"context"
	"net/http"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
)

// A file uploaded in the back office is in the audit log under the
// signed-in user, not "api", also when the same file is already held.
func TestUploadAuditedAsUser(t *testing.T) {
	f := newFixture(t)
	for _, who := range []string{"tacgia", "tacgia2"} {
		b := f.login(who)
		resp, doc := b.postMultipart("/noi-dung/moi?kind=article", article("Bài có tệp của "+who), file{"files", "Báo cáo.pdf", pdfData})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: save with a PDF: %d %q", who, resp.StatusCode, errorSummary(doc))
		}
	}
	rows, err := f.store.Pool().Query(context.Background(), `SELECT actor FROM audit_log WHERE action = 'upload_blob' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var actors []string
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actors = append(actors, a)
	}
	if len(actors) != 2 || actors[0] != "tacgia" || actors[1] != "tacgia2" {
		t.Errorf("upload_blob actors %q, want [tacgia tacgia2]", actors)
	}
}

// A failed login with a username no account has does not keep what was
// typed (it may be a password typed into the wrong field).
func TestFailedLoginDoesNotKeepUnknownUsername(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	const typed = "bien-tap-vien-2026-mat-khau"
	b.postForm("/dang-nhap", map[string][]string{"username": {typed}, "password": {"gi-do-sai-1234"}})
	var n int
	if err := f.store.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE actor LIKE '%' || $1 || '%' OR subject LIKE '%' || $1 || '%' OR detail::text LIKE '%' || $1 || '%'`,
		typed).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d audit rows hold the typed username", n)
	}
	if err := f.store.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND actor = $1`, accounts.UnknownUser(typed)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d login_failed rows for %q, want 1", n, accounts.UnknownUser(typed))
	}
}
