package accounts

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

type auditRow struct {
	Actor, Action, Subject, ContentID, Detail string
	Version                                   *int64
}

func auditRows(t *testing.T, f *fixture) []auditRow {
	t.Helper()
	rows, _ := f.pool.Query(context.Background(), `
		SELECT actor, action, subject, content_id, version, detail::text FROM audit_log ORDER BY id`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auditRow, error) {
		var a auditRow
		err := r.Scan(&a.Actor, &a.Action, &a.Subject, &a.ContentID, &a.Version, &a.Detail)
		return a, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAuditTrail(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := &Sessions{Store: f.Store, CookieName: "ph_test_session"}
	const adminPW, authorPW, changedPW, resetPW, wrongPW = "Quản trị viên 2026!", "Phóng viên chăm chỉ 1", "Đổi mật khẩu rồi 22", "Đặt lại bởi admin 33", "đoán sai mật khẩu"
	const typedPW = "mật khẩu gõ nhầm ô 9"

	_, err := Bootstrap(ctx, f.Store, "quan.tri", "Quản trị", adminPW)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.Create(ctx, "quan.tri", NewAccount{Username: "phong.vien", DisplayName: "Phóng viên", Password: authorPW, Roles: []Role{RoleAuthor}})
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	acc, _ := f.Login(ctx, "phong.vien", authorPW)
	w := httptest.NewRecorder()
	m.Begin(w, newRequest("POST", "/", nil), acc)
	cookie := setCookie(t, w, "ph_test_session")
	tokens = append(tokens, cookie.Value, m.CSRFToken(httptest.NewRecorder(), newRequest("GET", "/", nil, cookie)))
	m.End(httptest.NewRecorder(), newRequest("POST", "/", nil, cookie))
	for range 5 {
		f.Login(ctx, "phong.vien", wrongPW)
	}
	f.Login(ctx, "phong.vien", authorPW) // locked
	f.Login(ctx, "ai.do", wrongPW)
	f.Login(ctx, typedPW, wrongPW) // a password typed into the username field
	f.Unlock(ctx, "quan.tri", a.ID)
	f.ChangePassword(ctx, a.ID, wrongPW, changedPW)
	f.ChangePassword(ctx, a.ID, authorPW, changedPW)
	f.ResetPassword(ctx, "quan.tri", a.ID, resetPW)
	f.SetRoles(ctx, "quan.tri", a.ID, []Role{RoleEditor})
	_, token, _ := f.StartSession(ctx, a.ID, "")
	tokens = append(tokens, token)
	f.SetDisabled(ctx, "quan.tri", a.ID, true)
	f.Login(ctx, "phong.vien", resetPW) // disabled
	f.SetDisabled(ctx, "quan.tri", a.ID, false)
	if err := f.Audit(ctx, "quan.tri", "content_approved", "content:khai-truong", map[string]any{"note": "duyệt"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Audit(ctx, "quan.tri", "viewed", "", nil); err != nil {
		t.Fatal(err)
	}

	rows := auditRows(t, f)
	var actions []string
	for _, r := range rows {
		actions = append(actions, r.Actor+" "+r.Action+" "+r.Subject)
		for _, secret := range append([]string{adminPW, authorPW, changedPW, resetPW, wrongPW, typedPW, "ai.do"}, tokens...) {
			if strings.Contains(r.Detail, secret) || strings.Contains(r.Actor, secret) || strings.Contains(r.Subject, secret) {
				t.Errorf("audit row %+v holds a secret", r)
			}
		}
		if r.ContentID != "" || r.Version != nil {
			t.Errorf("account audit row %+v has a content_id or version", r)
		}
	}
	want := []string{
		"bootstrap account_bootstrapped account:quan.tri",
		"quan.tri account_created account:phong.vien",
		"phong.vien login account:phong.vien",
		"phong.vien logout account:phong.vien",
		"phong.vien login_failed account:phong.vien",
		"phong.vien login_failed account:phong.vien",
		"phong.vien login_failed account:phong.vien",
		"phong.vien login_failed account:phong.vien",
		"phong.vien login_failed account:phong.vien",
		"phong.vien login_locked account:phong.vien",
		"phong.vien login_refused_locked account:phong.vien",
		UnknownUser("ai.do") + " login_failed ",
		UnknownUser(typedPW) + " login_failed ",
		"quan.tri account_unlocked account:phong.vien",
		"phong.vien password_change_failed account:phong.vien",
		"phong.vien password_changed account:phong.vien",
		"quan.tri password_reset account:phong.vien",
		"quan.tri roles_changed account:phong.vien",
		"quan.tri account_disabled account:phong.vien",
		"phong.vien login_refused_disabled account:phong.vien",
		"quan.tri account_enabled account:phong.vien",
		"quan.tri content_approved content:khai-truong",
		"quan.tri viewed ",
	}
	if !slices.Equal(actions, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range rows {
		switch r.Action {
		case "roles_changed":
			if r.Detail != `{"to": ["editor"], "from": ["author"]}` {
				t.Errorf("roles_changed detail = %s", r.Detail)
			}
		case "account_disabled":
			if r.Detail != `{"sessions_ended": 1}` {
				t.Errorf("account_disabled detail = %s", r.Detail)
			}
		case "viewed":
			if r.Detail != `{}` {
				t.Errorf("nil detail stored as %s, want {}", r.Detail)
			}
		}
	}

	// The log stays append-only.
	if _, err := f.pool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("audit_log rows could be deleted")
	}
}
