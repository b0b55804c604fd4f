package hubread_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

func TestBlobs(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi) VALUES ('sotttt', 'department', 'Sở Thông tin và Truyền thông')`)
	data := bytes.Repeat([]byte("%PDF-1.4 tệp 0123456789"), 30000) // 720 kB: many TOAST chunks
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	exec(t, db, `INSERT INTO blobs (sha256, size, media_type, data) VALUES ($1, $2, 'application/pdf', $3)`, sum[:], len(data), data)
	it := item("a", time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC), tr("vi", "le-hoi", "Lễ hội"))
	it.Attachments = []*pb.Attachment{{Sha256: sha, Filename: "a.pdf"}}
	putItem(t, db, "sotttt", "published", it)

	b, err := s.Blob(ctx, sha)
	if err != nil || !bytes.Equal(b.Data, data) || b.MediaType != "application/pdf" || b.Size != int64(len(data)) {
		t.Errorf("Blob = %v %v %v, %v", b.MediaType, b.Size, len(b.Data), err)
	}
	if _, err := s.Blob(ctx, "zz"); !errors.Is(err, hubread.ErrNotFound) {
		t.Errorf("bad sha: err = %v", err)
	}

	got, info, err := s.Attachment(ctx, "sotttt", "a", sha)
	if err != nil || got.ContentID != "a" || got.Tenant != "sotttt" || got.Doc.GetAttachments()[0].GetFilename() != "a.pdf" ||
		info.Size != int64(len(data)) || info.MediaType != "application/pdf" || info.SHA256 != sha || info.CreatedAt.IsZero() {
		t.Errorf("Attachment = %+v %+v, %v", got, info, err)
	}
	for _, c := range [][3]string{{"sotttt", "b", sha}, {"khong", "a", sha}, {"sotttt", "a", hex.EncodeToString(make([]byte, 32))}, {"sotttt", "a", "zz"}} {
		if _, _, err := s.Attachment(ctx, c[0], c[1], c[2]); !errors.Is(err, hubread.ErrNotFound) {
			t.Errorf("Attachment(%v): err = %v, want ErrNotFound", c, err)
		}
	}

	for _, r := range []struct{ off, n int64 }{{0, 4}, {1, 10}, {300_000, 262_144}, {int64(len(data)) - 5, 5}, {0, int64(len(data))}} {
		part, err := s.ReadBlob(ctx, sha, r.off, r.n)
		if err != nil || !bytes.Equal(part, data[r.off:r.off+r.n]) {
			t.Errorf("ReadBlob(%d, %d) = %d bytes, %v; want the file's bytes there", r.off, r.n, len(part), err)
		}
	}
	if part, err := s.ReadBlob(ctx, sha, int64(len(data))-2, 10); err != nil || len(part) != 2 {
		t.Errorf("ReadBlob past the end = %d bytes, %v; want the 2 left", len(part), err)
	}
	if _, err := s.ReadBlob(ctx, hex.EncodeToString(make([]byte, 32)), 0, 1); !errors.Is(err, hubread.ErrNotFound) {
		t.Errorf("ReadBlob of a missing file: err = %v", err)
	}
	if _, err := s.ReadBlob(ctx, sha, -1, 1); err == nil {
		t.Error("ReadBlob at -1: no error")
	}
}
