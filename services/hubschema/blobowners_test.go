package hubschema

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"

	"github.com/portalhub/portalhub/services/testenv"
)

// blobOwnersVersion is the migration that adds blob_owners.
const blobOwnersVersion = 5

// pathWordsVersion is the migration that adds category slugs and reserved words.
const pathWordsVersion = 7

// migrateTo brings the database at url to version v.
func migrateTo(ctx context.Context, url string, v int64) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrationsDir())
	if err != nil {
		return err
	}
	_, err = provider.UpTo(ctx, v)
	return err
}

// The migration makes the tenants whose items attach a blob its owners, and
// no one else.
func TestBlobOwnersBackfill(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub_before_blob_owners", func(ctx context.Context, url string) error {
		return migrateTo(ctx, url, blobOwnersVersion-1)
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	blob := func(data string) [32]byte {
		sum := sha256.Sum256([]byte(data))
		exec(`INSERT INTO blobs (sha256, size, media_type, data) VALUES ($1, $2, 'application/pdf', $3)`, sum[:], len(data), []byte(data))
		return sum
	}
	item := func(tenant, id string, shas ...[32]byte) {
		doc := `{"contentId": "` + id + `", "attachments": [`
		for i, s := range shas {
			if i > 0 {
				doc += ","
			}
			doc += `{"sha256": "` + hex.EncodeToString(s[:]) + `", "filename": "a.pdf"}`
		}
		doc += `]}`
		hash := sha256.Sum256([]byte(doc))
		exec(`INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
			VALUES ($1, $2, 1, $3, 'article', 'news', 'published', now(), $4)`, tenant, id, hash[:], doc)
	}
	for _, id := range []string{"so-a", "so-b", "so-c"} {
		exec(`INSERT INTO tenants (id, kind, name_vi) VALUES ($1, 'department', $1)`, id)
	}
	shared, own := blob("%PDF-1 shared"), blob("%PDF-1 own")
	blob("%PDF-1 attached by no item")
	item("so-a", "one", shared, own)
	item("so-a", "two", shared)
	item("so-b", "three", shared)
	item("so-c", "none")
	exec(`INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
		VALUES ('so-c', 'no-attachments', 1, $1, 'article', 'news', 'published', now(), '{"contentId": "no-attachments"}')`, make([]byte, 32))

	if err := Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT tenant_id, encode(sha256, 'hex') FROM blob_owners ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for rows.Next() {
		var tenant, sha string
		if err := rows.Scan(&tenant, &sha); err != nil {
			t.Fatal(err)
		}
		got[tenant+" "+sha] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"so-a " + hex.EncodeToString(shared[:]): true,
		"so-a " + hex.EncodeToString(own[:]):    true,
		"so-b " + hex.EncodeToString(shared[:]): true,
	}
	if len(got) != len(want) {
		t.Errorf("owners %v, want %v", got, want)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("owners lack %s (have %v)", k, got)
		}
	}
}
