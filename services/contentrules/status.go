package contentrules

import (
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
)

// ErrorDomain is the domain of the google.rpc.ErrorInfo details Refuse attaches.
const ErrorDomain = "portalhub"

// Violation is one problem with a push: the field path (e.g.
// "item.translations[vi].title"), the reason code, an English description
// and the same in Vietnamese for the tenant's operators.
type Violation struct {
	Field       string
	Reason      string
	Description string
	MessageVI   string
}

// InvalidArgument returns an INVALID_ARGUMENT status error carrying every
// violation as a google.rpc.BadRequest field violation (each with its
// Vietnamese text as a localized message) and a google.rpc.LocalizedMessage
// in Vietnamese for the first one. It returns nil when vs is empty.
func InvalidArgument(vs []Violation) error {
	if len(vs) == 0 {
		return nil
	}
	br := &errdetails.BadRequest{}
	for _, v := range vs {
		fv := &errdetails.BadRequest_FieldViolation{
			Field:       v.Field,
			Reason:      v.Reason,
			Description: v.Description,
		}
		if v.MessageVI != "" {
			fv.LocalizedMessage = &errdetails.LocalizedMessage{Locale: "vi", Message: v.MessageVI}
		}
		br.FieldViolations = append(br.FieldViolations, fv)
	}
	msg := fmt.Sprintf("invalid content item: %s: %s", vs[0].Field, vs[0].Description)
	vi := vs[0].MessageVI
	if len(vs) > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", len(vs)-1)
		vi += fmt.Sprintf(" (và %d lỗi khác)", len(vs)-1)
	}
	st := status.New(codes.InvalidArgument, msg)
	return withDetails(st, br, &errdetails.LocalizedMessage{Locale: "vi", Message: vi})
}

// Refuse returns the status error that refuses a call for one reason, with
// the code the reason table gives it (see Code). Its details are:
//   - INVALID_ARGUMENT: google.rpc.BadRequest with one field violation;
//   - FAILED_PRECONDITION: google.rpc.PreconditionFailure{type: reason,
//     subject: field};
//   - any other code: google.rpc.ErrorInfo{reason, domain "portalhub",
//     metadata {"field": field}} (no metadata when field is empty);
//
// and, when messageVI is not empty, a google.rpc.LocalizedMessage in "vi".
func Refuse(reason, field, description, messageVI string) error {
	code := Code(reason)
	if code == codes.InvalidArgument {
		return InvalidArgument([]Violation{{Field: field, Reason: reason, Description: description, MessageVI: messageVI}})
	}
	msg := description
	if field != "" {
		msg = field + ": " + description
	}
	st := status.New(code, msg)
	var details []protoadapt.MessageV1
	switch code {
	case codes.FailedPrecondition:
		details = append(details, &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
			{Type: reason, Subject: field, Description: description},
		}})
	default:
		ei := &errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}
		if field != "" {
			ei.Metadata = map[string]string{"field": field}
		}
		details = append(details, ei)
	}
	if messageVI != "" {
		details = append(details, &errdetails.LocalizedMessage{Locale: "vi", Message: messageVI})
	}
	return withDetails(st, details...)
}

// ReasonOf returns the first reason carried by a status error made by
// InvalidArgument or Refuse (or by any server that uses the same details),
// or "" when err carries none.
func ReasonOf(err error) string {
	st, ok := status.FromError(err)
	if !ok || st == nil {
		return ""
	}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			if len(d.GetFieldViolations()) > 0 {
				return d.GetFieldViolations()[0].GetReason()
			}
		case *errdetails.ErrorInfo:
			return d.GetReason()
		case *errdetails.PreconditionFailure:
			if len(d.GetViolations()) > 0 {
				return d.GetViolations()[0].GetType()
			}
		}
	}
	return ""
}

// ViolationsOf returns the field violations of an INVALID_ARGUMENT status
// error made by InvalidArgument, with their Vietnamese texts.
func ViolationsOf(err error) []Violation {
	st, ok := status.FromError(err)
	if !ok || st == nil {
		return nil
	}
	var vs []Violation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, fv := range br.GetFieldViolations() {
				vs = append(vs, Violation{
					Field:       fv.GetField(),
					Reason:      fv.GetReason(),
					Description: fv.GetDescription(),
					MessageVI:   fv.GetLocalizedMessage().GetMessage(),
				})
			}
		}
	}
	return vs
}

func withDetails(st *status.Status, details ...protoadapt.MessageV1) error {
	withD, err := st.WithDetails(details...)
	if err != nil {
		// Only happens if a detail cannot be marshalled, which these cannot.
		return st.Err()
	}
	return withD.Err()
}
