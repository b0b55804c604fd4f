package main

import (
	"context"
	"flag"
	"fmt"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// itemFlags declares the flags naming an item.
func itemFlags(fs *flag.FlagSet) (tenant, contentID *string) {
	return fs.String("tenant", "", "tenant id"), fs.String("id", "", "content id")
}

func takeDown(fs *flag.FlagSet) action {
	tenant, id := itemFlags(fs)
	reason := fs.String("reason", "", "public reason, shown on the page (required)")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.TakeDownItem(ctx, &pb.TakeDownItemRequest{TenantId: *tenant, ContentId: *id, Reason: *reason})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "Đã gỡ %s/%s khỏi cổng / %s/%s taken down\n", *tenant, *id, *tenant, *id)
		return nil
	}
}

func liftTakedown(fs *flag.FlagSet) action {
	tenant, id := itemFlags(fs)
	why := fs.String("reason", "", "why the takedown is lifted, kept in the audit log")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.LiftTakedown(ctx, &pb.LiftTakedownRequest{TenantId: *tenant, ContentId: *id, Reason: *why})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "Đã hiển thị lại %s/%s / takedown of %s/%s lifted\n", *tenant, *id, *tenant, *id)
		return nil
	}
}
