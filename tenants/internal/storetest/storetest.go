// Package storetest gives tests of the sub-portal a fresh, migrated store.
package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// New returns a store over a fresh database cloned from a migrated template,
// holding the hub's category list as if the hub had answered it (see
// HubCategories), and the database's URL. The package's tests must run
// through testenv.Main.
func New(t testing.TB) (*store.Store, string) {
	t.Helper()
	url := testenv.Postgres(t, "subportal", store.Migrate)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(pool.Close)
	st := store.New(pool)
	if err := st.SaveCategories(context.Background(), HubCategories(t)); err != nil {
		t.Fatalf("keep the hub's categories: %v", err)
	}
	return st, url
}

var hubCategories struct {
	once sync.Once
	list []hubread.Category
	err  error
}

// HubCategoryRows returns the hub's categories table, read once per test
// process from a database migrated with the hub's own migrations, so that
// the sub-portal's tests hold no copy of it.
func HubCategoryRows(t testing.TB) []hubread.Category {
	t.Helper()
	hubCategories.once.Do(func() {
		ctx := context.Background()
		pool, err := pgxpool.New(ctx, testenv.Postgres(t, "hub", hubschema.Migrate))
		if err != nil {
			hubCategories.err = err
			return
		}
		defer pool.Close()
		hubCategories.list, hubCategories.err = hubread.New(pool).Categories(ctx)
	})
	if hubCategories.err != nil {
		t.Fatalf("the hub's categories: %v", hubCategories.err)
	}
	return hubCategories.list
}

// HubIssuer is an issuing body of the hub's code list (legal_issuers).
type HubIssuer struct {
	Code, NameVI, NameEN string
}

// HubIssuers returns the hub's code list of issuing bodies in its order,
// read from a database migrated with the hub's own migrations.
func HubIssuers(t testing.TB) []HubIssuer {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(t, "hub", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rows, err := pool.Query(ctx, `SELECT code, name_vi, name_en FROM legal_issuers ORDER BY position, code`)
	if err != nil {
		t.Fatalf("the hub's issuers: %v", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[HubIssuer])
	if err != nil {
		t.Fatalf("the hub's issuers: %v", err)
	}
	return list
}

// HubCategories returns the hub's category list as ListCategories answers
// it (see HubCategoryRows).
func HubCategories(t testing.TB) []*pb.Category {
	t.Helper()
	var out []*pb.Category
	for _, c := range HubCategoryRows(t) {
		out = append(out, c.Proto())
	}
	return out
}

// Article returns a valid change of an article with a Vietnamese title.
func Article(id, title string) store.ChangeInput {
	return store.ChangeInput{
		ContentID: id,
		Kind:      pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category:  "news",
		Translations: []*pb.Translation{
			{Locale: "vi", Title: title, Slug: id, BodyHtml: "<p>" + title + "</p>"},
		},
		Authors:  []*pb.Person{{Name: "Phóng viên Lê Thị Hoa"}},
		Approver: &pb.Person{Name: "Ban biên tập"},
	}
}
