package hubschema

import (
	"bytes"
	"context"
	"crypto/sha256"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/testenv"
)

// blobStorageVersion is the migration that stores files uncompressed.
const blobStorageVersion = 8

// Files stored compressed before the migration are rewritten uncompressed
// (so substring reads only the chunks it needs), unchanged; new files are
// stored so too.
func TestBlobStorageExternal(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hub_before_blob_storage", func(ctx context.Context, url string) error {
		return migrateTo(ctx, url, blobStorageVersion-1)
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// A CSV file compresses well: before the migration it is stored so.
	data := bytes.Repeat([]byte("Năm,Dân số\n2024,1256000\n"), 20000)
	put := func(data []byte) []byte {
		t.Helper()
		sum := sha256.Sum256(data)
		if _, err := conn.Exec(ctx, `INSERT INTO blobs (sha256, size, media_type, data) VALUES ($1, $2, 'text/csv; charset=utf-8', $3)`,
			sum[:], len(data), data); err != nil {
			t.Fatal(err)
		}
		return sum[:]
	}
	compression := func(key []byte) *string {
		t.Helper()
		var c *string
		if err := conn.QueryRow(ctx, `SELECT pg_column_compression(data) FROM blobs WHERE sha256 = $1`, key).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := put(data)
	if compression(old) == nil {
		t.Fatal("the file was not stored compressed before the migration: the test proves nothing")
	}

	if err := Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	if c := compression(old); c != nil {
		t.Errorf("after the migration the file is still compressed (%s)", *c)
	}
	var got []byte
	if err := conn.QueryRow(ctx, `SELECT data FROM blobs WHERE sha256 = $1`, old).Scan(&got); err != nil || !bytes.Equal(got, data) {
		t.Errorf("the file changed in the migration (%v)", err)
	}
	fresh := put(append([]byte("Năm,Hộ\n"), data...))
	if c := compression(fresh); c != nil {
		t.Errorf("a new file is stored compressed (%s)", *c)
	}
	var storage string
	if err := conn.QueryRow(ctx, `SELECT attstorage FROM pg_attribute WHERE attrelid = 'blobs'::regclass AND attname = 'data'`).
		Scan(&storage); err != nil || storage != "e" {
		t.Errorf("blobs.data storage = %q (%v), want e (external)", storage, err)
	}
}
