package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestDecide is the relay's table of what the hub's answers mean (kept in
// docs/OPERATIONS.md). Refusals are built as the hub builds them.
func TestDecide(t *testing.T) {
	outcome := func(o pb.PublishOutcome) *pb.PublishResponse {
		return &pb.PublishResponse{Outcome: o, CurrentVersion: 3}
	}
	refuse := func(reason string) error { return contentrules.Refuse(reason, "item", "refused", "Bị từ chối") }
	for _, tc := range []struct {
		name     string
		resp     *pb.PublishResponse
		err      error
		uploaded bool
		attempts int
		want     action
	}{
		{"APPLIED", outcome(pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED), nil, false, 1, actDone},
		{"UNCHANGED", outcome(pb.PublishOutcome_PUBLISH_OUTCOME_UNCHANGED), nil, false, 1, actDone},
		{"STALE", outcome(pb.PublishOutcome_PUBLISH_OUTCOME_STALE), nil, false, 1, actDone},

		{"UNAVAILABLE", nil, status.Error(codes.Unavailable, "connection refused"), false, 1, actRetry},
		{"UNAVAILABLE with its reason", nil, refuse(contentrules.ReasonUnavailable), false, 1, actRetry},
		{"DEADLINE_EXCEEDED", nil, status.Error(codes.DeadlineExceeded, "deadline exceeded"), false, 1, actRetry},
		{"RESOURCE_EXHAUSTED", nil, status.Error(codes.ResourceExhausted, "upload slots taken"), true, 1, actRetry},
		{"CANCELED by the server", nil, status.Error(codes.Canceled, "cancelled"), false, 1, actRetry},
		{"transport error without a status", nil, fmt.Errorf("send chunk: %w", io.ErrUnexpectedEOF), true, 1, actRetry},
		{"context error without a status", nil, context.DeadlineExceeded, false, 1, actRetry},

		{"UNAUTHENTICATED", nil, refuse(contentrules.ReasonUnauthenticated), false, 1, actHold},
		{"UNAUTHENTICATED without a reason", nil, status.Error(codes.Unauthenticated, "bad token"), false, 9, actHold},
		{"PERMISSION_DENIED TENANT_INACTIVE", nil, refuse(contentrules.ReasonTenantInactive), false, 1, actHold},
		{"PERMISSION_DENIED TENANT_MISMATCH", nil, refuse(contentrules.ReasonTenantMismatch), false, 1, actHold},
		{"PERMISSION_DENIED without a reason", nil, status.Error(codes.PermissionDenied, "no"), false, 1, actPark},

		{"FAILED_PRECONDITION BLOB_MISSING", nil, refuse(contentrules.ReasonBlobMissing), false, 1, actReupload},
		{"BLOB_MISSING right after uploading", nil, refuse(contentrules.ReasonBlobMissing), true, 1, actPark},
		{"BLOB_MISSING too often", nil, refuse(contentrules.ReasonBlobMissing), false, maxReuploads, actPark},
		{"FAILED_PRECONDITION SUCCESSOR_NOT_FOUND", nil, refuse(contentrules.ReasonSuccessorNotFound), false, 1, actPark},
		{"ALREADY_EXISTS VERSION_CONFLICT", nil, refuse(contentrules.ReasonVersionConflict), false, 1, actPark},
		{"ALREADY_EXISTS SLUG_TAKEN", nil, refuse(contentrules.ReasonSlugTaken), false, 1, actPark},
		{"INVALID_ARGUMENT UNKNOWN_CATEGORY", nil, refuse(contentrules.ReasonUnknownCategory), false, 1, actPark},
		{"INVALID_ARGUMENT FILE_TYPE_REFUSED", nil, refuse(contentrules.ReasonFileTypeRefused), true, 1, actPark},
		{"INTERNAL", nil, status.Error(codes.Internal, "internal error"), false, 1, actPark},
		{"UNKNOWN with a status", nil, status.Error(codes.Unknown, "panic"), false, 1, actPark},

		{"own database unavailable", nil, ownDatabase(errs.FromDatabase(&pgconn.PgError{Code: "57P01"})), false, 1, actDatabase},
		{"own database fault", nil, ownDatabase(errors.New("decode outbox row")), true, 1, actDatabase},
		{"own database, dressed as UNAVAILABLE before", nil, ownDatabase(status.Error(codes.Unavailable, "x")), false, 1, actDatabase},
	} {
		if got := decide(tc.resp, tc.err, tc.uploaded, tc.attempts); got != tc.want {
			t.Errorf("%s: decide = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestEveryReasonDecided checks every reason of the hub's table has a
// decision that matches its code: only the tenant-wide ones hold, only
// UNAVAILABLE and RATE_LIMITED (the hub's budget of failed credential
// look-ups per caller, RESOURCE_EXHAUSTED) retry, only BLOB_MISSING uploads
// again.
func TestEveryReasonDecided(t *testing.T) {
	for _, reason := range contentrules.Reasons() {
		want := actPark
		switch reason {
		case contentrules.ReasonUnavailable, contentrules.ReasonRateLimited:
			want = actRetry
		case contentrules.ReasonUnauthenticated, contentrules.ReasonTenantInactive, contentrules.ReasonTenantMismatch:
			want = actHold
		case contentrules.ReasonBlobMissing:
			want = actReupload
		}
		err := contentrules.Refuse(reason, "item", "refused", "Bị từ chối")
		if got := decide(nil, err, false, 1); got != want {
			t.Errorf("%s (%v): decide = %v, want %v", reason, status.Code(err), got, want)
		}
	}
}

// TestOwnDatabaseIsNotTheHub runs the relay's reads of its own database
// over a database nobody answers for: the errors are marked as the
// sub-portal's database's, never dressed as the hub being unavailable.
func TestOwnDatabaseIsNotTheHub(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/none?sslmode=disable&connect_timeout=2", testenv.FreePort(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	r := New(store.New(pool), nil, zerolog.Nop(), Config{})

	item := &pb.ContentItem{ContentId: "tin", Attachments: []*pb.Attachment{{Sha256: strings.Repeat("ab", 32)}}}
	_, err = r.uploadBlobs(ctx, item)
	if !errors.Is(err, errOwnDatabase) || errs.KindOf(err) != errs.Unavailable || decide(nil, err, false, 1) != actDatabase {
		t.Errorf("uploadBlobs: err = %v, want the sub-portal's database, unavailable (decided %v)", err, decide(nil, err, false, 1))
	}
	if _, isStatus := status.FromError(err); isStatus {
		t.Errorf("uploadBlobs: err = %v is a gRPC status, as if the hub had answered", err)
	}
	if _, err := r.Resync(ctx); !errors.Is(err, errOwnDatabase) {
		t.Errorf("Resync: err = %v, want the sub-portal's database", err)
	}
}
