package hubread

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"
)

// BlobInfo describes a stored file without its bytes.
type BlobInfo struct {
	SHA256    string // lower-case hex
	MediaType string
	Size      int64
	CreatedAt time.Time
}

// Blob is a stored file with its bytes.
type Blob struct {
	BlobInfo
	Data []byte
}

// blobKey decodes a lower-case hex SHA-256; anything else names no blob.
func blobKey(sha string) ([]byte, error) {
	key, err := hex.DecodeString(sha)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("blob %q: %w", sha, ErrNotFound)
	}
	return key, nil
}

// Blob returns the file with the given lower-case hex SHA-256, bytes and
// all. For serving a file, Attachment and ReadBlob read only what is sent.
func (s *Store) Blob(ctx context.Context, sha string) (Blob, error) {
	key, err := blobKey(sha)
	if err != nil {
		return Blob{}, err
	}
	b := Blob{BlobInfo: BlobInfo{SHA256: sha}}
	err = s.pool.QueryRow(ctx, `SELECT media_type, size, data, created_at FROM blobs WHERE sha256 = $1`, key).
		Scan(&b.MediaType, &b.Size, &b.Data, &b.CreatedAt)
	if err != nil {
		return Blob{}, notFound(err, "blob %s", sha)
	}
	return b, nil
}

// Attachment returns, in one query, an item of a tenant and the description
// of a stored file (not its bytes), for the gateway to decide whether the
// item may serve the file. ErrNotFound when either does not exist.
func (s *Store) Attachment(ctx context.Context, tenant, contentID, sha string) (*Item, BlobInfo, error) {
	key, err := blobKey(sha)
	if err != nil {
		return nil, BlobInfo{}, err
	}
	b := BlobInfo{SHA256: sha}
	it, err := scanItem(s.pool.QueryRow(ctx, `SELECT `+itemColumns+`, b.media_type, b.size, b.created_at
		FROM items i, blobs b
		WHERE i.tenant_id = $1 AND i.content_id = $2 AND b.sha256 = $3`, tenant, contentID, key),
		&b.MediaType, &b.Size, &b.CreatedAt)
	if err != nil {
		return nil, BlobInfo{}, notFound(err, "attachment %s/%s/%s", tenant, contentID, sha)
	}
	return it, b, nil
}

// ReadBlob returns n bytes of a stored file from offset off (from 0). The
// hub stores files uncompressed out of line (migration 00008), so the
// database reads only the TOAST chunks (2 kB each) that hold those bytes,
// not the whole file. A file shorter than off+n answers fewer bytes.
func (s *Store) ReadBlob(ctx context.Context, sha string, off, n int64) ([]byte, error) {
	key, err := blobKey(sha)
	if err != nil {
		return nil, err
	}
	if off < 0 || n < 0 {
		return nil, fmt.Errorf("read blob %s: bad range %d+%d", sha, off, n)
	}
	var data []byte
	err = s.pool.QueryRow(ctx, `SELECT substring(data FROM $2 FOR $3) FROM blobs WHERE sha256 = $1`, key, off+1, n).
		Scan(&data)
	if err != nil {
		return nil, notFound(err, "read blob %s at %d", sha, off)
	}
	return data, nil
}
