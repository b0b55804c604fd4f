package push

import (
	"errors"
	"fmt"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// action is what the relay does with an outbox row after trying to deliver
// it. decide is the one place that says which: docs/OPERATIONS.md has its
// table.
type action int

const (
	// actDone: the hub holds the version (APPLIED, UNCHANGED or STALE);
	// the row is delivered.
	actDone action = iota
	// actRetry: the hub, or the way to it, is unavailable for now; the row
	// stays pending and the relay holds off every row with backoff.
	actRetry
	// actHold: a tenant-wide matter an operator must fix (a credential the
	// hub refuses, a tenant it suspended, a tenant id that is not the
	// credential's); rows stay pending, with backoff, so they flow once it
	// is fixed instead of each having to be approved again.
	actHold
	// actDatabase: the sub-portal's own database failed, not the hub; the
	// row stays pending (or leased, until its lease ends) and the relay
	// holds off with backoff.
	actDatabase
	// actReupload: the hub lacks a file it had confirmed; forget the
	// confirmation and send the row again at once, files first.
	actReupload
	// actPark: a verdict on this item (invalid, a version or slug conflict,
	// a missing successor, a file refused, ...); the row is parked as
	// refused with the hub's reason, and a new approved version fixes it.
	actPark
)

var actionNames = [...]string{"done", "retry", "hold", "database", "reupload", "park"}

func (a action) String() string { return actionNames[a] }

// maxReuploads bounds how often one row uploads its files again because
// the hub says BLOB_MISSING; after that the row is parked.
const maxReuploads = 5

// errOwnDatabase marks an error of the sub-portal's own database, so that
// it is not taken for the hub's answer.
var errOwnDatabase = errors.New("the sub-portal's database")

// ownDatabase marks err as the sub-portal's database's.
func ownDatabase(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errOwnDatabase, err)
}

// decide says what an attempt to deliver a row means: resp and err are the
// hub's answer to Publish (or err the failure before it: an upload, the
// sub-portal's database), uploaded whether this attempt uploaded files, and
// attempts the row's attempts, this one included.
func decide(resp *pb.PublishResponse, err error, uploaded bool, attempts int) action {
	if err == nil {
		return actDone // any outcome: the hub holds this version or a newer one
	}
	if errors.Is(err, errOwnDatabase) {
		return actDatabase
	}
	st, ok := status.FromError(err)
	if !ok {
		return actRetry // a transport error without a status: the way to the hub
	}
	reason := refusalOf(err).Reason
	switch st.Code() {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Canceled:
		return actRetry
	case codes.Unauthenticated:
		return actHold
	case codes.PermissionDenied:
		if reason == contentrules.ReasonTenantInactive || reason == contentrules.ReasonTenantMismatch {
			return actHold
		}
	case codes.FailedPrecondition:
		if reason == contentrules.ReasonBlobMissing && !uploaded && attempts < maxReuploads {
			return actReupload
		}
	}
	return actPark
}

// ConfigurationRefusals are the hub's answers that decide holds rather than
// parks (actHold): gRPC code names and reasons of a matter of this
// sub-portal's configuration (its credential, tenant id or status at the
// hub), not of an item. Rows a relay parked with one of them before it held
// them are put back by "subportal outbox retry".
func ConfigurationRefusals() (codeNames, reasons []string) {
	return []string{codes.Unauthenticated.String()},
		[]string{contentrules.ReasonUnauthenticated, contentrules.ReasonTenantInactive, contentrules.ReasonTenantMismatch}
}
