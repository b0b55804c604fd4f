// Package storetest gives tests of the sub-portal a fresh, migrated store.
package storetest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// New returns a store over a fresh database cloned from a migrated template,
// and the database's URL. The package's tests must run through testenv.Main.
func New(t testing.TB) (*store.Store, string) {
	t.Helper()
	url := testenv.Postgres(t, "subportal", store.Migrate)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return store.New(pool), url
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
