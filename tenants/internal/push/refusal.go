package push

import (
	"strings"

	"github.com/portalhub/portalhub/tenants/internal/store"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

// refusalOf reads the hub's verdict from a status error: the code, the first
// reason and field (google.rpc.BadRequest, ErrorInfo or
// PreconditionFailure), the descriptions of every problem, and the
// Vietnamese message (google.rpc.LocalizedMessage).
func refusalOf(err error) store.Refusal {
	st := status.Convert(err)
	r := store.Refusal{Code: st.Code().String(), Description: st.Message()}
	var descs []string
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for i, fv := range d.GetFieldViolations() {
				if i == 0 {
					r.Reason, r.Field = fv.GetReason(), fv.GetField()
					if r.MessageVI == "" {
						r.MessageVI = fv.GetLocalizedMessage().GetMessage()
					}
				}
				descs = append(descs, fv.GetField()+": "+fv.GetDescription()+" ("+fv.GetReason()+")")
			}
		case *errdetails.ErrorInfo:
			if r.Reason == "" {
				r.Reason, r.Field = d.GetReason(), d.GetMetadata()["field"]
			}
		case *errdetails.PreconditionFailure:
			for i, v := range d.GetViolations() {
				if i == 0 && r.Reason == "" {
					r.Reason, r.Field = v.GetType(), v.GetSubject()
				}
				descs = append(descs, v.GetSubject()+": "+v.GetDescription()+" ("+v.GetType()+")")
			}
		case *errdetails.LocalizedMessage:
			if strings.HasPrefix(d.GetLocale(), "vi") {
				r.MessageVI = d.GetMessage() // the summary wins over a single violation's
			}
		}
	}
	if len(descs) > 0 {
		r.Description = strings.Join(descs, "; ")
		r.Field = "" // the descriptions name their fields
	}
	return r
}
