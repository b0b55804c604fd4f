package hubstore

import (
	"context"
	"encoding/hex"
)

// PutBlob stores a file under its SHA-256, which the caller has verified.
// Storing a file the hub already holds changes nothing and reports
// alreadyPresent.
func (s *Store) PutBlob(ctx context.Context, sha [32]byte, mediaType string, data []byte) (alreadyPresent bool, err error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO blobs (sha256, size, media_type, data) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO NOTHING`, sha[:], int64(len(data)), mediaType, data)
	if err != nil {
		return false, mapErr("store blob "+hex.EncodeToString(sha[:]), err)
	}
	return tag.RowsAffected() == 0, nil
}

// Blob is a stored file's metadata.
type Blob struct {
	Size      int64
	MediaType string
}

// BlobInfo returns a stored file's size and media type, or ErrNotFound.
func (s *Store) BlobInfo(ctx context.Context, sha [32]byte) (Blob, error) {
	var b Blob
	err := s.pool.QueryRow(ctx, `SELECT size, media_type FROM blobs WHERE sha256 = $1`, sha[:]).Scan(&b.Size, &b.MediaType)
	if err != nil {
		return Blob{}, mapErr("look up blob "+hex.EncodeToString(sha[:]), err)
	}
	return b, nil
}
