package store_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// roundTrips counts what a pool sends the database and waits for: each
// statement sent alone (BEGIN and COMMIT included) and each batch.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestApproveInTwoRoundTrips counts the database round trips of an
// approval through Approve and ApproveIfChanged (the API's and the
// back office's publish of an approved version): the transaction's BEGIN,
// the lock and the reads go together, the writes and the COMMIT together,
// whatever the item's files and chart (publish-to-visible, issue 11 point
// 3). A refused approval leaves nothing and its connection usable.
func TestApproveInTwoRoundTrips(t *testing.T) {
	ctx := context.Background()
	_, url := storetest.New(t)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1 // every call on the one connection: a refusal must leave it clean
	trips := &roundTrips{}
	cfg.ConnConfig.Tracer = trips
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := store.New(pool)
	b, err := s.PutBlob(ctx, "Quyết định.pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"))
	if err != nil {
		t.Fatal(err)
	}

	measure := func(name string, f func() error) {
		t.Helper()
		before := trips.n.Load()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := trips.n.Load() - before; got > 2 {
			t.Errorf("%s: %d round trips to the database, want at most 2", name, got)
		}
	}
	in := storetest.Article("hai-luot", "Tin hai lượt")
	measure("Approve (new item)", func() error { _, err := s.Approve(ctx, in); return err })
	in.Translations[0].Title = "Tin hai lượt, sửa"
	measure("ApproveIfChanged (changed)", func() error {
		_, changed, err := s.ApproveIfChanged(ctx, in)
		if err == nil && !changed {
			t.Error("ApproveIfChanged(changed) answered unchanged")
		}
		return err
	})
	in.Attachments = []*pb.Attachment{{Sha256: b.SHA256}}
	measure("Approve (an attachment)", func() error { _, err := s.Approve(ctx, in); return err })

	it, err := s.Get(ctx, "hai-luot")
	if err != nil {
		t.Fatal(err)
	}
	if it.Doc.GetVersion() != 3 {
		t.Errorf("version = %d, want 3", it.Doc.GetVersion())
	}
	if a := it.Doc.GetAttachments()[0]; a.GetMediaType() != "application/pdf" || a.GetFilename() != "Quyết định.pdf" {
		t.Errorf("attachment = %v, want the stored file's type and name", a)
	}
	for table, want := range map[string]int{"item_versions": 3, "outbox": 3} {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE content_id = 'hai-luot'`).Scan(&n); err != nil || n != want {
			t.Errorf("%s rows = %d, %v; want %d", table, n, err, want)
		}
	}
	var audits int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE content_id = 'hai-luot' AND action = 'approve'`).Scan(&audits); err != nil || audits != 3 {
		t.Errorf("approve audit entries = %d, %v; want 3", audits, err)
	}

	// Refused (a file never uploaded), then unchanged: nothing written, and
	// the one connection serves the next approval.
	in.Attachments = []*pb.Attachment{{Sha256: "0000000000000000000000000000000000000000000000000000000000000000", Filename: "x.pdf"}}
	if _, err := s.Approve(ctx, in); errs.KindOf(err) != errs.InvalidArgument {
		t.Fatalf("Approve(missing file) = %v, want InvalidArgument", err)
	}
	in.Attachments = []*pb.Attachment{{Sha256: b.SHA256}}
	if v, changed, err := s.ApproveIfChanged(ctx, in); err != nil || changed || v != 3 {
		t.Fatalf("ApproveIfChanged(unchanged) = %d, %v, %v; want 3, false, nil", v, changed, err)
	}
	in.Translations[0].Title = "Tin hai lượt, sửa lần nữa"
	if v, err := s.Approve(ctx, in); err != nil || v != 4 {
		t.Fatalf("Approve after a refusal = %d, %v; want 4", v, err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE content_id = 'hai-luot'`).Scan(&audits); err != nil || audits != 4 {
		t.Errorf("outbox rows = %d, %v; want 4", audits, err)
	}
}
