package hubschema

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portalhub/portalhub/services/testenv"
)

// A path word after /{lang}/ names one thing: a tenant, a category's
// section (in any language) or a page of the gateway. Whichever comes
// second is refused, with a check violation that names the first.
func TestPathWordsNameOneThing(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", Migrate)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(q string, args ...any) error {
		_, err := conn.Exec(ctx, q, args...)
		return err
	}
	if err := exec(`INSERT INTO tenants (id, kind, name_vi) VALUES ('so-du-lich', 'department', 'Sở Du lịch')`); err != nil {
		t.Fatal(err)
	}
	addCategory := func(code, vi, en, ru string) error {
		return exec(`INSERT INTO categories (code, article8, name_vi, name_en, name_ru, slug_vi, slug_en, slug_ru, kinds)
			VALUES ($1, 2, 'x', 'x', 'x', $2, $3, $4, ARRAY['article'])`, code, vi, en, ru)
	}
	refused := []struct {
		what string
		err  error
		want string // in the message
	}{
		{"tenant named as a reserved word", exec(`INSERT INTO tenants (id, kind, name_vi) VALUES ('accessibility', 'ward', 'x')`), "reserved word"},
		{"tenant named as a Vietnamese slug", exec(`INSERT INTO tenants (id, kind, name_vi) VALUES ('van-ban-phap-luat', 'ward', 'x')`), `category "legal"`},
		{"tenant named as an English slug", exec(`INSERT INTO tenants (id, kind, name_vi) VALUES ('legal-documents', 'ward', 'x')`), `category "legal"`},
		{"tenant renamed to a Russian slug", exec(`UPDATE tenants SET id = 'novosti' WHERE id = 'so-du-lich'`), `category "news"`},
		{"category slug that is a tenant", addCategory("c1", "so-du-lich", "c1-en", "c1-ru"), `tenant "so-du-lich"`},
		{"category slug that is reserved", addCategory("c2", "c2-vi", "search", "c2-ru"), "reserved word"},
		{"category slug of another category in another language", addCategory("c3", "c3-vi", "c3-en", "tin-tuc-su-kien"), `category "news"`},
		{"slug changed to another's", exec(`UPDATE categories SET slug_en = 'du-lich' WHERE code = 'news'`), `category "tourism"`},
		{"reserved word that is a tenant", exec(`INSERT INTO reserved_words (word, purpose) VALUES ('so-du-lich', 'x')`), `tenant "so-du-lich"`},
		{"reserved word that is a slug", exec(`INSERT INTO reserved_words (word, purpose) VALUES ('gioi-thieu', 'x')`), `category "introduction"`},
		{"slug with a dot", addCategory("c4", "rss.xml", "c4-en", "c4-ru"), "categories_slugs"},
	}
	for _, r := range refused {
		var pgErr *pgconn.PgError
		if !errors.As(r.err, &pgErr) || pgErr.Code != "23514" || !strings.Contains(pgErr.Message+pgErr.ConstraintName, r.want) {
			t.Errorf("%s: err = %v, want a check violation naming %s", r.what, r.err, r.want)
		}
	}
	for what, err := range map[string]error{
		"a new category with free slugs":        addCategory("c5", "lich-cong-tac", "work-schedule", "raspisanie"),
		"the same slug in two of its languages": addCategory("c6", "faq", "faq", "faq-ru"),
		"a tenant with a free id":               exec(`INSERT INTO tenants (id, kind, name_vi) VALUES ('xa-cam-lam', 'commune', 'Xã Cam Lâm')`),
		"a category's own slug rewritten":       exec(`UPDATE categories SET slug_vi = slug_vi, name_en = 'News' WHERE code = 'news'`),
	} {
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
}

// A hub whose tenants already use a word the migration takes does not
// migrate silently: the operator learns which tenant to rename.
func TestPathWordsMigrationNamesClashingTenants(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub_before_path_words", func(ctx context.Context, url string) error {
		return migrateTo(ctx, url, pathWordsVersion-1)
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO tenants (id, kind, name_vi) VALUES ('tin-noi-bat', 'other', 'x')`); err != nil {
		t.Fatal(err)
	}
	err = migrateTo(ctx, url, pathWordsVersion)
	if err == nil || !strings.Contains(err.Error(), "tin-noi-bat") {
		t.Fatalf("migration = %v, want a refusal naming tin-noi-bat", err)
	}
}
