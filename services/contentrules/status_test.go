package contentrules

import (
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestInvalidArgumentDetails(t *testing.T) {
	if err := InvalidArgument(nil); err != nil {
		t.Errorf("InvalidArgument(nil): got %v, want nil", err)
	}
	err := InvalidArgument([]Violation{
		{Field: "item.translations[vi].title", Reason: ReasonTooLong, Description: "301 characters after NFC, limit 300", MessageVI: "Tiêu đề dài quá 300 ký tự"},
		{Field: "item.version", Reason: ReasonVersionZero, Description: "version must be at least 1", MessageVI: "Phiên bản phải lớn hơn hoặc bằng 1"},
	})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Errorf("code: got %v, want InvalidArgument", st.Code())
	}
	var br *errdetails.BadRequest
	var lm *errdetails.LocalizedMessage
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			br = d
		case *errdetails.LocalizedMessage:
			lm = d
		}
	}
	if br == nil || len(br.FieldViolations) != 2 {
		t.Fatalf("BadRequest: got %v, want 2 field violations", br)
	}
	if fv := br.FieldViolations[0]; fv.Field != "item.translations[vi].title" || fv.Reason != ReasonTooLong ||
		fv.GetLocalizedMessage().GetLocale() != "vi" || fv.GetLocalizedMessage().GetMessage() != "Tiêu đề dài quá 300 ký tự" {
		t.Errorf("first violation: got %v", fv)
	}
	if lm == nil || lm.Locale != "vi" || lm.Message != "Tiêu đề dài quá 300 ký tự (và 1 lỗi khác)" {
		t.Errorf("LocalizedMessage: got %v", lm)
	}
}

func TestRefuse(t *testing.T) {
	tests := []struct {
		code   codes.Code
		reason string
	}{
		{codes.AlreadyExists, ReasonVersionConflict},
		{codes.AlreadyExists, ReasonSlugTaken},
		{codes.FailedPrecondition, ReasonBlobMissing},
		{codes.FailedPrecondition, ReasonSuccessorNotFound},
		{codes.InvalidArgument, ReasonBlobMismatch},
		{codes.InvalidArgument, ReasonInvalidSuccessor},
		{codes.PermissionDenied, ReasonTenantMismatch},
		{codes.PermissionDenied, ReasonTenantInactive},
		{codes.Unauthenticated, ReasonUnauthenticated},
		{codes.Unavailable, ReasonUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			err := Refuse(tt.reason, "item.attachments[0].sha256", "description", "Mô tả")
			if got := status.Code(err); got != tt.code {
				t.Errorf("code: got %v, want %v", got, tt.code)
			}
			if got := ReasonOf(err); got != tt.reason {
				t.Errorf("ReasonOf: got %q, want %q", got, tt.reason)
			}
			var hasVI bool
			for _, d := range status.Convert(err).Details() {
				if lm, ok := d.(*errdetails.LocalizedMessage); ok && lm.Locale == "vi" && lm.Message == "Mô tả" {
					hasVI = true
				}
			}
			if !hasVI {
				t.Errorf("details %v: want a vi LocalizedMessage", status.Convert(err).Details())
			}
		})
	}
	if got := ReasonOf(nil); got != "" {
		t.Errorf("ReasonOf(nil): got %q, want empty", got)
	}
}
