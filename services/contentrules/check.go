package contentrules

import (
	"slices"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Check returns every violation for which Prepare would refuse item with
// cats, in the same order and with the same fields, reasons and texts, or
// nil when Prepare accepts it. The sub-portal calls it on the item it is
// about to approve, so that what the hub would refuse is refused at once.
func Check(item *pb.ContentItem, cats Categories) []Violation {
	_, vs, _ := prepare(item, cats) // the error is the hash's, only for an accepted item
	return vs
}

// CheckDraft is Check for an item not approved yet: the fields approval
// sets (the version, the approver, the publication time) are not required,
// and text an editor kept as typed may be in a legacy encoding
// (LEGACY_ENCODING is Check's, at approval); everything else is checked as
// Check does.
func CheckDraft(item *pb.ContentItem, cats Categories) []Violation {
	if item == nil {
		return Check(nil, cats)
	}
	it := proto.Clone(item).(*pb.ContentItem)
	if it.GetVersion() == 0 {
		it.Version = 1
	}
	if it.GetApprover().GetName() == "" {
		it.Approver = &pb.Person{Name: "-"}
	}
	if it.GetPublishedAt() == nil {
		it.PublishedAt = timestamppb.New(time.Unix(0, 0))
	}
	return slices.DeleteFunc(Check(it, cats), func(v Violation) bool { return v.Reason == ReasonLegacyEncoding })
}

// ValidContentID reports whether s is a content id: 1 to MaxContentID
// characters of a-z, 0-9 and "-", starting with a letter or a digit.
func ValidContentID(s string) bool { return len(s) <= MaxContentID && contentIDRE.MatchString(s) }

// ValidTenantID reports whether s is a tenant id: 1 to 63 characters of
// a-z, 0-9 and "-", starting with a letter or a digit.
func ValidTenantID(s string) bool { return tenantRE.MatchString(s) }

// ValidSlug reports whether s is a slug: 1 to MaxSlug characters of a-z,
// 0-9 and "-".
func ValidSlug(s string) bool { return len(s) <= MaxSlug && slugRE.MatchString(s) }

// ValidIssuerCode reports whether s is a legal document's issuer code (the
// hub's code list, legal_issuers): 1 to MaxShortCode characters of a-z,
// 0-9 and "-", starting with a letter or a digit.
func ValidIssuerCode(s string) bool { return len(s) <= MaxShortCode && issuerCodeRE.MatchString(s) }

// ValidSHA256 reports whether s names a file: 64 lower-case hex digits.
func ValidSHA256(s string) bool { return sha256RE.MatchString(s) }

// NFC composes every string of item to Unicode NFC (TCVN 6909:2001), as
// Prepare does first, in place.
func NFC(item *pb.ContentItem) {
	visitStrings(item.ProtoReflect(), "item", func(_ string, _ protoreflect.FieldDescriptor, s string) string {
		if norm.NFC.IsNormalString(s) {
			return s
		}
		return norm.NFC.String(s)
	})
}
