package contentrules

import (
	"slices"

	"google.golang.org/grpc/codes"
)

// Reason codes of refused calls, exactly as docs/ARCHITECTURE.md lists them.
// Each reason has one meaning and one gRPC code (see Code); Refuse and
// InvalidArgument carry them as the reason of a google.rpc.BadRequest field
// violation (INVALID_ARGUMENT), of a google.rpc.PreconditionFailure
// (FAILED_PRECONDITION) or of a google.rpc.ErrorInfo (other codes).
const (
	ReasonRequired             = "REQUIRED"
	ReasonInvalidUTF8          = "INVALID_UTF8"
	ReasonLegacyEncoding       = "LEGACY_ENCODING"
	ReasonTooLong              = "TOO_LONG"
	ReasonTooLarge             = "TOO_LARGE"
	ReasonTooMany              = "TOO_MANY"
	ReasonInvalidFormat        = "INVALID_FORMAT"
	ReasonVersionZero          = "VERSION_ZERO"
	ReasonUnknownLocale        = "UNKNOWN_LOCALE"
	ReasonDuplicateLocale      = "DUPLICATE_LOCALE"
	ReasonMissingVietnamese    = "MISSING_VIETNAMESE"
	ReasonUnknownCategory      = "UNKNOWN_CATEGORY"
	ReasonKindCategoryMismatch = "KIND_CATEGORY_MISMATCH"
	ReasonUnknownKind          = "UNKNOWN_KIND"
	ReasonDetailsMismatch      = "DETAILS_MISMATCH"
	ReasonUnknownState         = "UNKNOWN_STATE"
	ReasonMissingReason        = "MISSING_REASON"
	ReasonInvalidSuccessor     = "INVALID_SUCCESSOR"
	ReasonSuccessorNotFound    = "SUCCESSOR_NOT_FOUND"
	ReasonSlugTaken            = "SLUG_TAKEN"
	ReasonSlugReserved         = "SLUG_RESERVED"
	ReasonVersionConflict      = "VERSION_CONFLICT"
	ReasonBlobMissing          = "BLOB_MISSING"
	ReasonBlobMismatch         = "BLOB_MISMATCH"
	ReasonFileTypeRefused      = "FILE_TYPE_REFUSED"
	ReasonFileTypeMismatch     = "FILE_TYPE_MISMATCH"
	ReasonUnauthenticated      = "UNAUTHENTICATED"
	ReasonTenantMismatch       = "TENANT_MISMATCH"
	ReasonTenantInactive       = "TENANT_INACTIVE"
	ReasonRateLimited          = "RATE_LIMITED"
	ReasonUnavailable          = "UNAVAILABLE"
)

// reasonCodes is the one table that says which gRPC code answers each
// reason, in the order of the table in docs/ARCHITECTURE.md (a test keeps
// the two equal).
var reasonCodes = []struct {
	reason string
	code   codes.Code
}{
	{ReasonRequired, codes.InvalidArgument},
	{ReasonInvalidUTF8, codes.InvalidArgument},
	{ReasonLegacyEncoding, codes.InvalidArgument},
	{ReasonTooLong, codes.InvalidArgument},
	{ReasonTooLarge, codes.InvalidArgument},
	{ReasonTooMany, codes.InvalidArgument},
	{ReasonInvalidFormat, codes.InvalidArgument},
	{ReasonVersionZero, codes.InvalidArgument},
	{ReasonUnknownLocale, codes.InvalidArgument},
	{ReasonDuplicateLocale, codes.InvalidArgument},
	{ReasonMissingVietnamese, codes.InvalidArgument},
	{ReasonUnknownCategory, codes.InvalidArgument},
	{ReasonKindCategoryMismatch, codes.InvalidArgument},
	{ReasonUnknownKind, codes.InvalidArgument},
	{ReasonDetailsMismatch, codes.InvalidArgument},
	{ReasonUnknownState, codes.InvalidArgument},
	{ReasonMissingReason, codes.InvalidArgument},
	{ReasonInvalidSuccessor, codes.InvalidArgument},
	{ReasonSuccessorNotFound, codes.FailedPrecondition},
	{ReasonSlugTaken, codes.AlreadyExists},
	{ReasonSlugReserved, codes.InvalidArgument},
	{ReasonVersionConflict, codes.AlreadyExists},
	{ReasonBlobMissing, codes.FailedPrecondition},
	{ReasonBlobMismatch, codes.InvalidArgument},
	{ReasonFileTypeRefused, codes.InvalidArgument},
	{ReasonFileTypeMismatch, codes.InvalidArgument},
	{ReasonUnauthenticated, codes.Unauthenticated},
	{ReasonTenantMismatch, codes.PermissionDenied},
	{ReasonTenantInactive, codes.PermissionDenied},
	{ReasonRateLimited, codes.ResourceExhausted},
	{ReasonUnavailable, codes.Unavailable},
}

// Code returns the gRPC code that answers reason, or codes.Internal for a
// string that is no reason of the table (a programming error).
func Code(reason string) codes.Code {
	for _, rc := range reasonCodes {
		if rc.reason == reason {
			return rc.code
		}
	}
	return codes.Internal
}

// Reasons returns every reason code, in the order of the table.
func Reasons() []string {
	out := make([]string, 0, len(reasonCodes))
	for _, rc := range reasonCodes {
		out = append(out, rc.reason)
	}
	return slices.Clip(out)
}
